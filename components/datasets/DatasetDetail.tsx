"use client";
// One dataset version: its spec, hash and size, what changed against another version, the first
// example as exported (messages with their trainability) and that example's tokens under a base
// model's chat template.
import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { QueryFallback } from "@/components/QueryFallback";
import { useTRPC } from "@/components/trpc";
import { filterSummary } from "./dataset-form";
import { TokenPreview } from "./TokenPreview";
import { VersionDiff } from "./VersionDiff";

export function DatasetDetail({ datasetRef, compareWith }: { datasetRef: string; compareWith: string | null }) {
  const trpc = useTRPC();
  const dataset = useQuery(trpc.datasets.get.queryOptions({ ref: datasetRef }));
  const example = useQuery(trpc.datasets.preview.queryOptions({ ref: datasetRef }));
  if (!dataset.isSuccess) return <QueryFallback query={dataset} noun="dataset" />;
  const d = dataset.data;
  const ref = `${d.name}@${d.version}`;
  const runs = Array.isArray(d.filter.run) ? (d.filter.run as string[]) : [];
  return (
    <>
      <p className="small">
        <Link href="/datasets">← Datasets</Link>
      </p>
      <h1>{ref}</h1>
      <dl className="qa-grid panel">
        <dt>Kind</dt>
        <dd>{d.kind}</dd>
        <dt>Trajectories</dt>
        <dd>{d.trajectoryIds.length}</dd>
        <dt>Filter</dt>
        <dd>{filterSummary(d.filter)}</dd>
        <dt>Runs</dt>
        <dd>
          {runs.map((r, i) => (
            <span key={r}>
              {i > 0 && ", "}
              <Link href={`/runs/${encodeURIComponent(r)}`}>{r}</Link>
            </span>
          ))}
        </dd>
        <dt>Content hash</dt>
        <dd className="answer">{d.contentHash}</dd>
        <dt>Created</dt>
        <dd>{new Date(d.createdAt).toLocaleString()}</dd>
        <dt>Export</dt>
        <dd>
          <a href={`/api/datasets/${encodeURIComponent(ref)}/export`} download={`${d.name}-v${d.version}.jsonl`}>
            Download {d.name}-v{d.version}.jsonl
          </a>{" "}
          <span className="muted">
            or{" "}
            <code>
              npx distillery export-sft --dataset {ref} --out {d.name}.jsonl
            </code>
          </span>
        </dd>
      </dl>
      <p>
        <Link href={`/jobs?dataset=${encodeURIComponent(ref)}#train`}>Train a student on this dataset →</Link>
      </p>

      <VersionDiff name={d.name} version={d.version} compareWith={compareWith} />

      <h2 className="section-gap">First example</h2>
      <p className="subtitle">As exported for SFT: every message with its trainability (only assistant turns train).</p>
      {example.isPending && <p className="muted">Loading the example…</p>}
      {example.error && <p className="error">Could not export the example: {example.error.message}</p>}
      {example.data && (
        <ol className="example-messages" aria-label="Example messages">
          {example.data.messages.map((m, i) => (
            <li key={i} className={m.trainable ? "trainable" : "masked"}>
              <div className="part-label">
                {m.role} <span className="chip">{m.trainable ? "trainable" : "masked"}</span>
              </div>
              <pre className="outcome-text compact">{m.content}</pre>
            </li>
          ))}
        </ol>
      )}

      <h2 className="section-gap">Tokens</h2>
      <TokenPreview datasetRef={ref} />
    </>
  );
}
