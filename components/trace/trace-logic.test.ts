// Unit tests of the trace viewer's pure pieces: vote groups, the URL filter
// round trip (the pair view's alignment is tested in server/trajectories/pair.test.ts).
import { describe, expect, it } from "vitest";
import { filterFromParams, filterToParams } from "@/server/trajectories/filter-schema";
import type { CandidateSummary } from "@/server/trajectories/detail";
import type { ScoredToken } from "@/server/distill/scores";
import { groupCandidates } from "./CandidateVotes";
import { mostDisputed, scoredRuns, shade } from "./disagreement";

const candidate = (idx: number, fields: Partial<CandidateSummary>): CandidateSummary => ({
  id: idx + 1,
  stepId: 1,
  idx,
  parseOk: true,
  execOk: true,
  code: "",
  output: "10",
  outputBytes: 2,
  finalAnswer: null,
  error: null,
  voteKey: "out:10",
  votes: 0,
  chosen: false,
  meanLogprob: null,
  ...fields,
});

describe("groupCandidates", () => {
  it("groups by vote key, biggest first, failed last", () => {
    const groups = groupCandidates([
      candidate(0, { voteKey: "out:11", output: "11" }),
      candidate(1, { chosen: true }),
      candidate(2, { execOk: false, voteKey: null, error: "ValueError" }),
      candidate(3, {}),
      candidate(4, { parseOk: false, execOk: false, voteKey: null }),
    ]);
    expect(groups.map((g) => [g.label, g.votes, g.members.map((c) => c.idx)])).toEqual([
      ["10", 2, [1, 3]],
      ["11", 1, [0]],
      ["Failed", 0, [2, 4]],
    ]);
  });
});

describe("filter URL round trip", () => {
  it("keeps known keys and drops bad values", () => {
    const filter = filterFromParams({ outcome: "incorrect", verdict: "nope", q: "paris", ftp: ["on", "off"], page: "2" });
    expect(filter).toEqual({ outcome: "incorrect", q: "paris", ftp: "on" });
    expect(filterToParams(filter).toString()).toBe("outcome=incorrect&ftp=on&q=paris");
  });
});

const token = (start: number, end: number, disagreement: number): ScoredToken => ({
  start,
  end,
  student: -1,
  teacher: -1 - disagreement,
  disagreement,
  teacherTop: "x",
  teacherTopLogprob: -0.1,
});

describe("teacher disagreement", () => {
  it("shades a token by how much less likely the teacher found it", () => {
    expect([-2, 0.4, 0.5, 1.49, 1.5, 2.9, 3, 12].map(shade)).toEqual([0, 0, 1, 1, 2, 2, 3, 3]);
  });
  it("cuts a text into plain runs and scored tokens, keeping every character once", () => {
    const runs = scoredRuns("x = 10\nprint(x)", [token(4, 6, 2), token(0, 1, 0.1), token(5, 7, 9)]);
    expect(runs.map((r) => r.text).join("")).toBe("x = 10\nprint(x)");
    expect(runs.filter((r) => r.token).map((r) => r.text)).toEqual(["x", "10"]); // an overlapping token is skipped
  });
  it("marks at most three steps, the most disputed first, none below the first shade", () => {
    const step = (idx: number, meanDisagreement: number) => ({ idx, meanDisagreement, tokens: 5, thought: [], code: [] });
    expect(mostDisputed([step(0, 0.2), step(1, 4), step(2, 0.9), step(3, 2), step(4, 1)])).toEqual(new Set([1, 3, 4]));
    expect(mostDisputed([step(0, 0.3)]).size).toBe(0);
  });
});
