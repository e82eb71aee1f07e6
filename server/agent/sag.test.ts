import { describe, expect, it } from "vitest";
import { selectCandidate, voteKey, type CandidateResult } from "./sag";

const cand = (idx: number, stdout: string, finalAnswer: string | null = null, extra: Partial<CandidateResult> = {}) =>
  ({ idx, succeeded: true, stdout, finalAnswer, meanLogprob: null, ...extra }) satisfies CandidateResult;

describe("SAG voting", () => {
  it("picks the majority outcome", () => {
    const s = selectCandidate([cand(0, "5"), cand(1, "4"), cand(2, "4 "), cand(3, "6"), cand(4, "4")]);
    expect(s.keys[1]).toBe(s.keys[2]);
    expect(s.votes).toEqual([1, 3, 3, 1, 3]);
    expect([1, 2, 4]).toContain(s.chosen);
    expect(s.agreement).toBeCloseTo(3 / 5);
  });

  it("never lets different final answers agree, even with the same printed output", () => {
    expect(voteKey("done", "4")).not.toBe(voteKey("done", "5"));
    expect(voteKey("done", null)).not.toBe(voteKey("done", "done"));
    const s = selectCandidate([cand(0, "done", "4"), cand(1, "done", "5"), cand(2, "done", "5")]);
    expect(s.chosen).toBe(1);
  });

  it("ignores failed candidates in the vote", () => {
    const s = selectCandidate([{ ...cand(0, "x"), succeeded: false }, { ...cand(1, "x"), succeeded: false }, cand(2, "y")]);
    expect(s.chosen).toBe(2);
    expect(s.votes).toEqual([0, 0, 1]);
    expect(s.keys[0]).toBeNull();
    expect(s.agreement).toBe(1);
  });

  it("keeps one failed candidate when all fail, so its error becomes the observation", () => {
    const s = selectCandidate([
      { ...cand(0, ""), succeeded: false },
      { ...cand(1, ""), succeeded: false },
    ]);
    expect(s.chosen).toBe(0);
    expect(s.agreement).toBe(0);
  });

  it("breaks ties by mean token logprob when known, else by order", () => {
    const byLogprob = selectCandidate([cand(0, "a", null, { meanLogprob: -2 }), cand(1, "b", null, { meanLogprob: -0.5 })]);
    expect(byLogprob.chosen).toBe(1);
    expect(selectCandidate([cand(0, "a"), cand(1, "b")]).chosen).toBe(0);
  });

  it("normalises whitespace in printed output", () => {
    expect(voteKey("a  b\n\n c \n", null)).toBe(voteKey("a b\nc", null));
  });
});
