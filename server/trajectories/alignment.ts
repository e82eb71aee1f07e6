// Two trajectories step by step: steps are aligned by index, and the first divergence is the
// first index where the two stop agreeing. Pure (no database): server/trajectories/pair.ts runs
// it, and the pair view imports its labels.

/** What of a step decides whether two trajectories still agree there. */
export type StepFingerprint = {
  idx: number;
  thought: string | null;
  code: string | null;
  /** The observation, or a digest of it: only equality matters. */
  observation: string | null;
  errorKind: string | null;
  /** The error text, or a digest of it. */
  errorText: string | null;
};

/** Why the trajectories part at their first divergence (checked in this order). */
export type DivergenceReason = "missing" | "thought" | "code" | "observation" | "error";
export type Divergence = { step: number; reason: DivergenceReason };

export const DIVERGENCE_LABELS: Record<DivergenceReason, string> = {
  missing: "one trajectory has no such step",
  thought: "the thoughts differ",
  code: "the code differs",
  observation: "the observations differ",
  error: "the errors differ",
};

/** Whitespace runs become one space, ends trimmed: re-indented or re-wrapped text still agrees. */
export function normaliseText(text: string | null | undefined): string {
  return (text ?? "").replace(/\s+/g, " ").trim();
}

/** Row i holds each side's step of index i (absent where that side has none). */
export function alignSteps<A extends { idx: number }, B extends { idx: number }>(a: A[], b: B[]): { idx: number; a?: A; b?: B }[] {
  const byIdxA = new Map(a.map((s) => [s.idx, s]));
  const byIdxB = new Map(b.map((s) => [s.idx, s]));
  const last = Math.max(-1, ...a.map((s) => s.idx), ...b.map((s) => s.idx));
  return Array.from({ length: last + 1 }, (_, idx) => ({ idx, a: byIdxA.get(idx), b: byIdxB.get(idx) }));
}

function stepDivergence(a: StepFingerprint | undefined, b: StepFingerprint | undefined): DivergenceReason | null {
  if (!a || !b) return a === b ? null : "missing";
  if (normaliseText(a.thought) !== normaliseText(b.thought)) return "thought";
  if (normaliseText(a.code) !== normaliseText(b.code)) return "code";
  if (a.errorKind !== b.errorKind || (a.errorKind && a.errorText !== b.errorText)) return "error";
  if ((a.observation ?? "") !== (b.observation ?? "")) return "observation";
  return null;
}

/** The first step where the two trajectories part, or null when every step agrees. */
export function firstDivergence(a: StepFingerprint[], b: StepFingerprint[]): Divergence | null {
  for (const row of alignSteps(a, b)) {
    const reason = stepDivergence(row.a, row.b);
    if (reason) return { step: row.idx, reason };
  }
  return null;
}

/** Whether two final answers differ, up to whitespace (no answer and an empty one agree). */
export function finalAnswersDiffer(a: string | null, b: string | null): boolean {
  return normaliseText(a) !== normaliseText(b);
}
