"use client";
// FTP side by side: the same question by the same teacher without and with the first-thought
// prefix. Steps are aligned by index, the first step where they differ is marked, the prefix
// is highlighted, and both outcomes sit on top.
import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useTRPC } from "@/components/trpc";
import type { StepDetail, TrajectoryDetail } from "@/server/trajectories/detail";
import { CodeView } from "./CodeView";
import { ERROR_LABELS, outcomeLabel, STATUS_LABELS } from "./format";
import { Markdown } from "./Markdown";

const normalise = (s: StepDetail | undefined) => (s ? `${(s.thought ?? "").trim()}\n${(s.code ?? "").trim()}` : null);

export function firstDivergence(a: StepDetail[], b: StepDetail[]): number | null {
  const n = Math.max(a.length, b.length);
  for (let i = 0; i < n; i++) if (normalise(a[i]) !== normalise(b[i])) return i;
  return null;
}

function Side({ t, step, title }: { t: TrajectoryDetail; step: StepDetail | undefined; title: string }) {
  if (!step) return <div className="compare-cell empty muted">— no step —</div>;
  const prefix = t.ftpPrefix && step.idx === 0 ? t.ftpPrefix : null;
  const thought = step.thought ?? "";
  const startsWithPrefix = prefix !== null && thought.startsWith(prefix);
  return (
    <div className="compare-cell" aria-label={`${title} step ${step.idx + 1}`}>
      {prefix && (
        <div className="ftp-prefix-note">
          <span className="badge">prefix</span> <mark className="ftp-prefix">{prefix}</mark>
        </div>
      )}
      <Markdown source={startsWithPrefix ? thought.slice(prefix.length) : thought} />
      {step.code && <CodeView code={step.code} />}
      {step.errorKind ? (
        <div className={`outcome error-${step.errorKind}`}>
          <div className="outcome-label">{ERROR_LABELS[step.errorKind]}</div>
        </div>
      ) : (
        <pre className="outcome-text compact">{(step.observation ?? "").slice(0, 400)}</pre>
      )}
    </div>
  );
}

function Outcome({ t, title }: { t: TrajectoryDetail; title: string }) {
  return (
    <div className="compare-outcome">
      <strong>{title}</strong> · <Link href={`/trajectories/${t.id}`}>{t.run.name}</Link>
      <div>
        final answer <span className="answer">{t.finalAnswer ?? "—"}</span>{" "}
        <span className={`outcome-badge ${outcomeLabel(t.correct)}`}>{outcomeLabel(t.correct)}</span>{" "}
        <span className={`status-badge ${t.status}`}>{STATUS_LABELS[t.status]}</span> · {t.numSteps} steps
      </div>
    </div>
  );
}

export function FtpCompare({ ids }: { ids: { plain: number; ftp: number } }) {
  const trpc = useTRPC();
  const plain = useQuery(trpc.trajectories.get.queryOptions({ id: ids.plain }));
  const ftp = useQuery(trpc.trajectories.get.queryOptions({ id: ids.ftp }));
  if (plain.error || ftp.error) return <p className="error">{(plain.error ?? ftp.error)!.message}</p>;
  if (!plain.data || !ftp.data) return <p className="muted">Loading both trajectories…</p>;
  const a = plain.data.steps;
  const b = ftp.data.steps;
  const diverge = firstDivergence(a, b);
  return (
    <section role="region" aria-label="FTP comparison" className="ftp-compare">
      <div className="compare-row head">
        <Outcome t={plain.data} title="Without FTP" />
        <Outcome t={ftp.data} title="With FTP" />
      </div>
      {Array.from({ length: Math.max(a.length, b.length) }, (_, i) => (
        <div key={i} className={`compare-row${i === diverge ? " diverges" : ""}`} data-step={i}>
          <div className="compare-step-label">
            Step {i + 1}
            {i === diverge && <span className="divergence-mark">First divergence</span>}
          </div>
          <Side t={plain.data} step={a[i]} title="Without FTP" />
          <Side t={ftp.data} step={b[i]} title="With FTP" />
        </div>
      ))}
    </section>
  );
}
