"use client";
// Trajectory rows: outcome, status, errors and verdict at a glance; the whole row opens the trace.
import Link from "next/link";
import { useRouter } from "next/navigation";
import type { TrajectoryRow } from "@/server/trajectories/list";
import { MathText } from "./MathText";
import { VerdictBadge } from "./trace/TraceHeader";
import { outcomeLabel, STATUS_LABELS } from "./trace/format";

export function TrajectoryTable({ rows, linkQuery }: { rows: TrajectoryRow[]; linkQuery: string }) {
  const router = useRouter();
  const href = (id: number) => `/trajectories/${id}${linkQuery ? `?${linkQuery}` : ""}`;
  return (
    <table className="data trajectories" aria-label="Trajectories">
      <thead>
        <tr>
          <th className="num">#</th>
          <th>Question</th>
          <th>Final answer</th>
          <th>Outcome</th>
          <th>Status</th>
          <th className="num">Steps</th>
          <th>Errors</th>
          <th>Verdict</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => (
          <tr key={r.id} className="row-link" onClick={() => router.push(href(r.id))}>
            <td className="num">
              <Link href={href(r.id)}>{r.id}</Link>
            </td>
            <td className="question-text">
              <Link href={href(r.id)} className="row-title" onClick={(e) => e.stopPropagation()}>
                <MathText text={r.question} />
              </Link>
            </td>
            <td className="answer">{r.finalAnswer === null ? "—" : <MathText text={r.finalAnswer} />}</td>
            <td>
              <span className={`outcome-badge ${outcomeLabel(r.correct)}`}>{outcomeLabel(r.correct)}</span>
            </td>
            <td>
              <span className={`status-badge ${r.status}`}>{STATUS_LABELS[r.status]}</span>
            </td>
            <td className="num">{r.numSteps}</td>
            <td>
              {r.hasParseError && <span className="badge err-parse">parse</span>}{" "}
              {r.hasExecError && <span className="badge err-exec">exec</span>}
            </td>
            <td>
              <VerdictBadge verdict={r.verdict} />
            </td>
          </tr>
        ))}
        {rows.length === 0 && (
          <tr>
            <td colSpan={8} className="muted">
              No trajectories match.
            </td>
          </tr>
        )}
      </tbody>
    </table>
  );
}
