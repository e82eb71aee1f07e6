"use client";
// One Thought → Code → Observation step of the transcript, with its badges and deep link.
import { memo } from "react";
import type { StepScores } from "@/server/distill/scores";
import type { StepDetail } from "@/server/trajectories/detail";
import { CodeView } from "./CodeView";
import { ERROR_LABELS, formatMs } from "./format";
import { Markdown } from "./Markdown";
import { ObservationView } from "./ObservationView";
import { ScoredText } from "./ScoredText";

type Props = {
  step: StepDetail;
  focused: boolean;
  expandAll: boolean;
  ftpPrefix?: string | null;
  /** The teacher's per-token scores of this step (a distillation round's episode). */
  scores?: StepScores;
  onFocus: (idx: number) => void;
};

export const StepCard = memo(function StepCard({ step, focused, expandAll, ftpPrefix, scores, onFocus }: Props) {
  const votes = step.candidates.filter((c) => c.execOk).length;
  return (
    <article
      id={`step-${step.idx}`}
      className={`step-card${focused ? " focused" : ""}${step.errorKind ? ` has-error-${step.errorKind}` : ""}`}
      aria-current={focused ? "step" : undefined}
      aria-label={`Step ${step.idx + 1}`}
      onClick={() => onFocus(step.idx)}
    >
      <header className="step-head">
        <a href={`#step-${step.idx}`} className="step-link" aria-label={`Link to step ${step.idx + 1}`}>
          Step {step.idx + 1}
        </a>
        {step.errorKind && <span className={`badge err-${step.errorKind}`}>{ERROR_LABELS[step.errorKind]}</span>}
        {step.forcedFinal && <span className="badge">forced final answer</span>}
        {step.replayed && (
          <span className="badge" title="a teacher's step, replayed before the student acted: not the student's, not trained on">
            teacher replay
          </span>
        )}
        {step.candidates.length > 0 && (
          <span className="badge sag" title="SAG candidates that executed / sampled">
            SAG {votes}/{step.candidates.length}
          </span>
        )}
        <span className="step-stats">
          <span className="chip" title="prompt tokens / completion tokens">
            {step.tokensIn} → {step.tokensOut} tok
          </span>
          <span className="chip" title="latency">
            {formatMs(step.latencyMs)}
          </span>
        </span>
      </header>
      {ftpPrefix && step.idx === 0 && (
        <div className="ftp-prefix-note">
          <span className="badge">FTP</span> <mark className="ftp-prefix">{ftpPrefix}</mark>
        </div>
      )}
      {step.thought && (
        <section className="step-part">
          <div className="part-label">
            Thought
            {scores && scores.tokens > 0 && (
              <span className="chip" title="mean of student − teacher logprob over the step's tokens">
                teacher Δ {scores.meanDisagreement.toFixed(2)} nats/token
              </span>
            )}
          </div>
          {scores?.thought.length ? (
            <ScoredText
              text={step.thought}
              tokens={scores.thought}
              label={`Thought of step ${step.idx + 1}, shaded by teacher disagreement`}
            />
          ) : (
            <Markdown source={step.thought} />
          )}
        </section>
      )}
      <section className="step-part">
        <div className="part-label">Code{focused && <span className="muted"> · open in the editor</span>}</div>
        {step.code ? <CodeView code={step.code} label={`Code of step ${step.idx + 1}`} /> : <p className="muted">No code block.</p>}
      </section>
      <section className="step-part">
        <ObservationView step={step} expandAll={expandAll} />
      </section>
    </article>
  );
});
