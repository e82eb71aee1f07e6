// Self-consistent action generation: N candidate actions per step, failures filtered, majority
// vote on the *outcome*. Unlike the paper's public code, the vote key holds both the printed output
// and the final answer (two different final answers never agree), and every candidate was run in
// its own fork of the session, so no candidate saw another's side effects.

export type CandidateResult = {
  idx: number;
  /** Parsed and executed without error. */
  succeeded: boolean;
  stdout: string;
  /** The final_answer value as text, when the candidate called it. */
  finalAnswer: string | null;
  meanLogprob: number | null;
};

export type Selection = {
  chosen: number;
  /** Vote key per candidate (null for failed ones). */
  keys: (string | null)[];
  /** Votes per candidate: the size of its key's group (0 for failed ones). */
  votes: number[];
  /** Share of successful candidates that agree with the winner (0 when all failed). */
  agreement: number;
};

function normaliseOutput(text: string): string {
  return text
    .split("\n")
    .map((line) => line.replace(/\s+/g, " ").trim())
    .filter(Boolean)
    .join("\n");
}

export function voteKey(stdout: string, finalAnswer: string | null): string {
  return JSON.stringify([normaliseOutput(stdout), finalAnswer === null ? null : finalAnswer.trim()]);
}

/**
 * Majority wins; ties go to the group with the higher best mean token logprob when logprobs are
 * known, else to the group that appeared first. If every candidate failed, the first one is kept
 * so that its error reaches the model as the observation.
 */
export function selectCandidate(candidates: CandidateResult[]): Selection {
  if (candidates.length === 0) throw new Error("selectCandidate needs at least one candidate");
  const keys = candidates.map((c) => (c.succeeded ? voteKey(c.stdout, c.finalAnswer) : null));
  const groups = new Map<string, { members: number[]; bestLogprob: number; first: number }>();
  keys.forEach((key, i) => {
    if (key === null) return;
    const group = groups.get(key) ?? { members: [], bestLogprob: -Infinity, first: i };
    group.members.push(i);
    group.bestLogprob = Math.max(group.bestLogprob, candidates[i]!.meanLogprob ?? -Infinity);
    groups.set(key, group);
  });
  const votes = keys.map((key) => (key === null ? 0 : groups.get(key)!.members.length));
  if (groups.size === 0) return { chosen: 0, keys, votes, agreement: 0 };

  const ranked = [...groups.values()].sort(
    (a, b) => b.members.length - a.members.length || b.bestLogprob - a.bestLogprob || a.first - b.first,
  );
  const winner = ranked[0]!;
  // Within the winning group, keep the member with the best logprob (else the first).
  const chosen = winner.members.reduce((best, i) =>
    (candidates[i]!.meanLogprob ?? -Infinity) > (candidates[best]!.meanLogprob ?? -Infinity) ? i : best,
  );
  const successful = keys.filter((k) => k !== null).length;
  return { chosen, keys, votes, agreement: winner.members.length / successful };
}
