"use client";
// Two trajectories side by side — teacher and student, two students, two samples, or the same
// teacher without and with the first-thought prefix (then the sides are titled so and the prefix
// is highlighted). Steps are aligned by index, the first divergence is marked, and each step
// keeps its errors and its SAG candidates' votes.
import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { QueryFallback } from "@/components/QueryFallback";
import { useTRPC } from "@/components/trpc";
import { DIVERGENCE_LABELS } from "@/server/trajectories/alignment";
import type { StepDetail } from "@/server/trajectories/detail";
import type { TrajectoryPair } from "@/server/trajectories/pair";
import { groupCandidates } from "./CandidateVotes";
import { CodeView } from "./CodeView";
import { ERROR_LABELS, outcomeLabel, STATUS_LABELS } from "./format";
import { Markdown } from "./Markdown";
import { ObservationView } from "./ObservationView";

type Head = TrajectoryPair["a"];

/** An FTP pair's sides are "Without FTP" and "With FTP"; any other pair's are A and B. */
export function sideTitles(a: Pick<Head, "run">, b: Pick<Head, "run">): { ftp: boolean; titles: [string, string] } {
  if (a.run.ftp === b.run.ftp) return { ftp: false, titles: ["A", "B"] };
  const title = (t: Pick<Head, "run">) => (t.run.ftp ? "With FTP" : "Without FTP");
  return { ftp: true, titles: [title(a), title(b)] };
}

function SideHead({ t, title, showQuestion }: { t: Head; title: string; showQuestion: boolean }) {
  return (
    <div className="compare-outcome" role="group" aria-label={`${title}: ${t.run.name}`}>
      <strong>{title}</strong> · <Link href={`/runs/${encodeURIComponent(t.run.name)}`}>{t.run.name}</Link> ·{" "}
      <Link href={`/trajectories/${t.id}`}>trajectory {t.id}</Link>
      <div className="trace-meta">
        <span className="badge">{t.run.role}</span>
        <span className="badge">{t.run.model}</span>
        {t.run.ftp && <span className="badge">FTP</span>}
        {t.run.sag > 1 && <span className="badge sag">SAG ×{t.run.sag}</span>}
        <span className="muted">
          sample {t.sampleIdx} · {t.numSteps} steps · {t.tokensIn} → {t.tokensOut} tok
        </span>
      </div>
      <div>
        final answer <span className="answer">{t.finalAnswer ?? "—"}</span>{" "}
        <span className={`outcome-badge ${outcomeLabel(t.correct)}`}>{outcomeLabel(t.correct)}</span>{" "}
        <span className={`status-badge ${t.status}`}>{STATUS_LABELS[t.status]}</span>
        {t.error && <span className="error"> {t.error}</span>}
      </div>
      {showQuestion && (
        <p className="question-text">
          {t.question.text} <span className="muted">(gold: {t.question.answer})</span>
        </p>
      )}
    </div>
  );
}

/** A step's SAG candidates as votes per outcome, the failed ones with their errors. */
function CandidateTally({ step }: { step: StepDetail }) {
  const groups = groupCandidates(step.candidates);
  const executed = step.candidates.filter((c) => c.execOk).length;
  return (
    <details className="candidate-tally">
      <summary>
        <span className="badge sag">
          SAG {executed}/{step.candidates.length}
        </span>{" "}
        {groups.filter((g) => !g.failed).length} outcome groups
      </summary>
      <ul>
        {groups.map((g) => (
          <li key={g.key} className={g.failed ? "failed" : undefined}>
            <span className="vote-count">{g.failed ? `✗ ${g.members.length} failed` : `${g.votes} vote${g.votes === 1 ? "" : "s"}`}</span>{" "}
            {g.failed ? (
              <span className="candidate-error">
                {g.members.map((c) => (!c.parseOk ? "parse error" : (c.error ?? "execution failed"))).join(" · ")}
              </span>
            ) : (
              <span className="vote-key">{g.label}</span>
            )}
            {g.members.some((c) => c.chosen) && <span className="chosen-mark"> ✓ chosen</span>}
          </li>
        ))}
      </ul>
    </details>
  );
}

function StepSide({ t, step, title, idx }: { t: Head; step: StepDetail | undefined; title: string; idx: number }) {
  if (!step)
    return (
      <div className="compare-cell empty muted" role="group" aria-label={`${title} step ${idx + 1}`}>
        — no step —
      </div>
    );
  const prefix = t.ftpPrefix && step.idx === 0 ? t.ftpPrefix : null;
  const thought = step.thought ?? "";
  const startsWithPrefix = prefix !== null && thought.startsWith(prefix);
  return (
    <div className="compare-cell" role="group" aria-label={`${title} step ${step.idx + 1}`}>
      <div className="compare-badges">
        {step.errorKind && <span className={`badge err-${step.errorKind}`}>{ERROR_LABELS[step.errorKind]}</span>}
        {step.forcedFinal && <span className="badge">forced final answer</span>}
        {step.replayed && <span className="badge">teacher replay</span>}
        {step.candidates.length > 0 && <CandidateTally step={step} />}
        <Link href={`/trajectories/${t.id}#step-${step.idx}`} className="muted">
          open step
        </Link>
      </div>
      {prefix && (
        <div className="ftp-prefix-note">
          <span className="badge">prefix</span> <mark className="ftp-prefix">{prefix}</mark>
        </div>
      )}
      <Markdown source={startsWithPrefix ? thought.slice(prefix.length) : thought} />
      {step.code && <CodeView code={step.code} label={`${title} code of step ${step.idx + 1}`} />}
      <ObservationView step={step} expandAll={false} />
    </div>
  );
}

export function PairCompare({ a, b }: { a: number; b: number }) {
  const trpc = useTRPC();
  // A missing trajectory is a bad request: say so at once instead of retrying.
  const pair = useQuery({
    ...trpc.trajectories.pair.queryOptions({ a, b }),
    retry: (count, error) => error.data?.code !== "BAD_REQUEST" && count < 3,
  });
  if (!pair.isSuccess) return <QueryFallback query={pair} noun="both trajectories" />;
  const p = pair.data;
  const { ftp, titles } = sideTitles(p.a, p.b);
  const diverge = p.divergence?.step ?? null;
  return (
    <section role="region" aria-label={ftp ? "FTP comparison" : "Trajectory comparison"} className="pair-compare">
      {p.sameQuestion ? (
        <p className="question-text">
          {p.a.question.text} <span className="muted">(gold: {p.a.question.answer})</span>
        </p>
      ) : (
        <p className="error">These trajectories answer different questions; their steps are aligned all the same.</p>
      )}
      <p className="divergence-summary">
        {p.divergence ? (
          <>
            They part at <a href={`#pair-step-${p.divergence.step}`}>step {p.divergence.step + 1}</a>:{" "}
            {DIVERGENCE_LABELS[p.divergence.reason]}.
          </>
        ) : (
          "Every step agrees."
        )}{" "}
        The final answers {p.finalAnswersDiffer ? "differ" : "agree"}.
      </p>
      <div className="compare-row head">
        <div />
        <SideHead t={p.a} title={titles[0]} showQuestion={!p.sameQuestion} />
        <SideHead t={p.b} title={titles[1]} showQuestion={!p.sameQuestion} />
      </div>
      {p.rows.map((row) => (
        <div
          key={row.idx}
          id={`pair-step-${row.idx}`}
          className={`compare-row${row.idx === diverge ? " diverges" : ""}`}
          data-step={row.idx}
        >
          <div className="compare-step-label">
            Step {row.idx + 1}
            {row.idx === diverge && (
              <span className="divergence-mark" role="note" aria-label="first divergence">
                First divergence
              </span>
            )}
          </div>
          <StepSide t={p.a} step={row.a} title={titles[0]} idx={row.idx} />
          <StepSide t={p.b} step={row.b} title={titles[1]} idx={row.idx} />
        </div>
      ))}
      {p.rows.length === 0 && <p className="muted">Neither trajectory has steps.</p>}
    </section>
  );
}
