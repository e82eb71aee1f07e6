"use client";
// The top of the transcript: question, gold answer, final answer, outcome and the latest verdict.
import Link from "next/link";
import { REASON_LABELS } from "@/server/annotations/reasons";
import type { TrajectoryDetail } from "@/server/trajectories/detail";
import { MathText } from "../MathText";
import { formatMs, outcomeLabel, STATUS_LABELS } from "./format";
import { UnsafeSandboxWarning } from "./UnsafeSandboxWarning";

export function VerdictBadge({ verdict, reason }: { verdict: "accept" | "reject" | null; reason?: string | null }) {
  if (!verdict) return <span className="verdict none">not reviewed</span>;
  const label = verdict === "accept" ? "Accepted" : "Rejected";
  const why = reason && reason in REASON_LABELS ? REASON_LABELS[reason as keyof typeof REASON_LABELS] : null;
  return (
    <span className={`verdict ${verdict}`} data-verdict={verdict}>
      {label}
      {why ? ` · ${why}` : ""}
    </span>
  );
}

export function TraceHeader({ trajectory: t }: { trajectory: TrajectoryDetail }) {
  const latest = t.annotations[0];
  return (
    <header className="trace-head">
      <UnsafeSandboxWarning unsafe={t.run.unsafeSandbox} />
      <div className="trace-meta">
        <Link href={`/runs/${encodeURIComponent(t.run.name)}`}>{t.run.name}</Link>
        <span className="badge">{t.run.model}</span>
        {t.run.ftp && <span className="badge">FTP</span>}
        {t.run.sag > 1 && <span className="badge sag">SAG ×{t.run.sag}</span>}
        <span className="muted">
          {t.benchmark.name} · #{t.question.externalId} · sample {t.sampleIdx} · {t.numSteps} steps · {t.tokensIn} → {t.tokensOut} tok ·{" "}
          {formatMs(t.latencyMs)}
        </span>
      </div>
      <dl className="qa-grid">
        <dt>Question</dt>
        <dd className="question-text">
          <MathText text={t.question.text} />
        </dd>
        <dt>Gold answer</dt>
        <dd className="answer">
          <MathText text={t.question.answer} />
        </dd>
        <dt>Final answer</dt>
        <dd>
          <span className="answer">{t.finalAnswer === null ? "—" : <MathText text={t.finalAnswer} />}</span>{" "}
          <span className={`outcome-badge ${outcomeLabel(t.correct)}`}>{outcomeLabel(t.correct)}</span>{" "}
          <span className={`status-badge ${t.status}`}>{STATUS_LABELS[t.status]}</span>
          {t.error && <span className="error"> {t.error}</span>}
        </dd>
        <dt>Verdict</dt>
        <dd aria-label="Verdict">
          <VerdictBadge verdict={latest?.verdict ?? null} reason={latest?.reason} />
          {latest && (
            <span className="muted">
              {" "}
              by {latest.userName} · {new Date(latest.createdAt).toLocaleString()}
              {latest.note ? ` · “${latest.note}”` : ""}
            </span>
          )}
        </dd>
      </dl>
    </header>
  );
}
