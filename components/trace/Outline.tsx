"use client";
// The outline sidebar: one line per step (first words of the thought), error and SAG markers;
// the steps where the teacher disagreed most with a distilled student; clicking jumps to the step.
import type { StepScores } from "@/server/distill/scores";
import type { StepDetail } from "@/server/trajectories/detail";

/** The first line of the thought, without Markdown marks. */
function outlineText(s: StepDetail): string {
  const line = (s.thought ?? s.code ?? "").split("\n").find((l) => l.trim()) ?? "";
  return (
    line
      .replace(/[*_`#>]+/g, "")
      .trim()
      .slice(0, 80) || "…"
  );
}

type Props = {
  steps: StepDetail[];
  focused: number;
  onJump: (idx: number) => void;
  /** Steps to mark as the most disputed by the teacher, and every step's scores (for the mark's title). */
  disputed?: Set<number>;
  scores?: Map<number, StepScores>;
};

export function Outline({ steps, focused, onJump, disputed, scores }: Props) {
  return (
    <nav aria-label="Outline" className="outline">
      <div className="part-label">Outline · j/k</div>
      <ol>
        {steps.map((s) => (
          <li key={s.id}>
            <a
              href={`#step-${s.idx}`}
              className={s.idx === focused ? "active" : undefined}
              aria-current={s.idx === focused ? "location" : undefined}
              onClick={(e) => {
                e.preventDefault();
                onJump(s.idx);
              }}
            >
              <span className="outline-num">{s.idx + 1}</span>
              <span className="outline-text">{outlineText(s)}</span>
              {s.errorKind && <span className={`dot err-${s.errorKind}`} title={s.errorKind} />}
              {s.candidates.length > 0 && <span className="dot sag" title="SAG" />}
              {disputed?.has(s.idx) && (
                <span
                  className="dot disputed"
                  title={`teacher disagreement ${scores?.get(s.idx)?.meanDisagreement.toFixed(2)} nats/token (among the largest)`}
                />
              )}
            </a>
          </li>
        ))}
      </ol>
    </nav>
  );
}
