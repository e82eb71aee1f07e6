// How the trace viewer shows a distillation round's per-token scores: a token's disagreement is
// the student's logprob minus the teacher's (nats; the round's per-token reverse KL sample), shown
// in three shades, with the teacher's view of the token on hover.
import type { ScoredToken, StepScores } from "@/server/distill/scores";

/** Lower bounds (nats) of the three shades: the teacher found the token ~1.6×, ~4.5× and ~20× less likely. */
export const SHADES = [0.5, 1.5, 3] as const;

/** 0 (no shade) to 3 (the teacher strongly disagrees). */
export function shade(disagreement: number): 0 | 1 | 2 | 3 {
  return SHADES.filter((bound) => disagreement >= bound).length as 0 | 1 | 2 | 3;
}

export function describeToken(token: ScoredToken): string {
  return [
    `teacher logprob ${token.teacher.toFixed(2)} · student ${token.student.toFixed(2)} (Δ ${token.disagreement.toFixed(2)} nats)`,
    `teacher's first choice: ${JSON.stringify(token.teacherTop)} (${token.teacherTopLogprob.toFixed(2)})`,
  ].join("\n");
}

/** The steps the outline marks: the `count` with the largest mean disagreement, above the first shade. */
export function mostDisputed(steps: StepScores[], count = 3): Set<number> {
  const ranked = steps
    .filter((s) => s.tokens > 0 && s.meanDisagreement >= SHADES[0])
    .sort((a, b) => b.meanDisagreement - a.meanDisagreement);
  return new Set(ranked.slice(0, count).map((s) => s.idx));
}

/** Text cut into runs of plain text and scored tokens (in order, non-overlapping). */
export function scoredRuns(text: string, tokens: ScoredToken[]): { text: string; token?: ScoredToken }[] {
  const out: { text: string; token?: ScoredToken }[] = [];
  let at = 0;
  for (const token of [...tokens].sort((a, b) => a.start - b.start)) {
    if (token.start < at) continue;
    if (token.start > at) out.push({ text: text.slice(at, token.start) });
    out.push({ text: text.slice(token.start, token.end), token });
    at = token.end;
  }
  if (at < text.length) out.push({ text: text.slice(at) });
  return out;
}
