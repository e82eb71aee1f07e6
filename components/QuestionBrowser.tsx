"use client";
// One benchmark's questions: server-side pagination and text search, state kept in the URL.
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { usePathname, useRouter } from "next/navigation";
import { useEffect, useState } from "react";
import { generatedBy, type GeneratedBy } from "@/server/benchmarks/generated-by";
import { MathText } from "./MathText";
import { useTRPC } from "./trpc";

const PAGE_SIZE = 50;

export function QuestionBrowser({ benchmarkId, page, search }: { benchmarkId: number; page: number; search: string }) {
  const trpc = useTRPC();
  const router = useRouter();
  const pathname = usePathname();
  const [draft, setDraft] = useState(search);
  const benchmark = useQuery(trpc.benchmarks.get.queryOptions({ id: benchmarkId }));
  const questions = useQuery({
    ...trpc.benchmarks.questions.queryOptions({ benchmarkId, page, search, pageSize: PAGE_SIZE }),
    placeholderData: keepPreviousData,
  });

  const go = (next: { page?: number; search?: string }) => {
    const params = new URLSearchParams();
    const q = next.search ?? search;
    if (q) params.set("q", q);
    const p = next.page ?? page;
    if (p > 1) params.set("page", String(p));
    router.replace(params.size ? `${pathname}?${params}` : pathname);
  };

  // Debounced search: typing updates the URL (and the query) after a short pause.
  useEffect(() => {
    if (draft === search) return;
    const timer = setTimeout(() => go({ search: draft, page: 1 }), 300);
    return () => clearTimeout(timer);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [draft]);

  if (benchmark.error) return <p className="error">{benchmark.error.message}</p>;
  const total = questions.data?.total ?? 0;
  const pages = Math.max(1, Math.ceil(total / PAGE_SIZE));
  return (
    <>
      <h1>{benchmark.data ? `${benchmark.data.title} — ${benchmark.data.split}` : "Benchmark"}</h1>
      <p className="subtitle">
        {benchmark.data && (
          <>
            <span className={`badge ${benchmark.data.kind}`}>{benchmark.data.kind}</span> <code>{benchmark.data.name}</code> ·{" "}
            {benchmark.data.sourceFile}
          </>
        )}
      </p>
      {benchmark.data && <GeneratorInfo name={benchmark.data.name} split={benchmark.data.split} metadata={benchmark.data.metadata} />}
      <div className="toolbar">
        <input
          type="search"
          aria-label="Search questions"
          placeholder="Search question or answer text…"
          value={draft}
          onChange={(e) => setDraft(e.target.value)}
        />
        <span className="muted" aria-live="polite">
          {questions.isPending ? "Loading…" : `${total} questions`}
        </span>
      </div>
      {questions.error && <p className="error">{questions.error.message}</p>}
      <table className="data" aria-label="Questions">
        <thead>
          <tr>
            <th className="num">#</th>
            <th>Question</th>
            <th>Gold answer</th>
          </tr>
        </thead>
        <tbody>
          {questions.data?.rows.map((q) => (
            <tr key={q.id}>
              <td className="num muted">{q.position + 1}</td>
              <td className="question-text">
                <MathText text={q.question} />
              </td>
              <td className="answer">
                <MathText text={q.answer} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <div className="pager">
        <button type="button" disabled={page <= 1} onClick={() => go({ page: page - 1 })}>
          ← Previous
        </button>
        <span>
          Page {page} of {pages}
        </span>
        <button type="button" disabled={page >= pages} onClick={() => go({ page: page + 1 })}>
          Next →
        </button>
      </div>
    </>
  );
}

/** How a generated benchmark was made, and the command that makes it again. */
function GeneratorInfo({ name, split, metadata }: { name: string; split: string; metadata: Record<string, unknown> }) {
  const by: GeneratedBy | null = generatedBy(metadata);
  if (!by) return null;
  const options = Object.entries(by.config);
  return (
    <section className="trace-head" aria-label="Generator">
      <div className="part-label">Generated</div>
      <dl className="qa-grid">
        <dt>generator</dt>
        <dd>
          <code>{by.suite}</code> · {by.library} {by.version}
        </dd>
        <dt>seed</dt>
        <dd>{by.seed} (question i is drawn from seed + i)</dd>
        {options.length > 0 && (
          <>
            <dt>config</dt>
            <dd>
              {options.map(([key, value]) => (
                <code key={key}>
                  {key}={String(value)}{" "}
                </code>
              ))}
            </dd>
          </>
        )}
      </dl>
      <pre className="code-view">
        npx distillery benchmarks generate {by.spec} --name {name} --split {split} --seed {by.seed} --n N
      </pre>
    </section>
  );
}
