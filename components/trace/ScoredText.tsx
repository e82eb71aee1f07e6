// A step's thought coloured by the teacher's per-token disagreement (disagreement.ts); hovering a
// token shows both models' logprobs and the teacher's first choice.
import type { ScoredToken } from "@/server/distill/scores";
import { describeToken, scoredRuns, shade } from "./disagreement";

export function ScoredText({ text, tokens, label }: { text: string; tokens: ScoredToken[]; label: string }) {
  return (
    <p className="scored-text" aria-label={label}>
      {scoredRuns(text, tokens).map((run, i) => {
        if (!run.token) return <span key={i}>{run.text}</span>;
        const level = shade(run.token.disagreement);
        return (
          <span key={i} className={level ? `kl-${level}` : undefined} title={describeToken(run.token)}>
            {run.text}
          </span>
        );
      })}
    </p>
  );
}
