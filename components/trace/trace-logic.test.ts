// Unit tests of the trace viewer's pure pieces: Markdown blocks, vote groups, FTP divergence,
// the URL filter round trip.
import { describe, expect, it } from "vitest";
import { filterFromParams, filterToParams } from "@/server/trajectories/filter-schema";
import type { CandidateSummary, StepDetail } from "@/server/trajectories/detail";
import { groupCandidates } from "./CandidateVotes";
import { firstDivergence } from "./FtpCompare";
import { parseBlocks } from "./Markdown";

describe("parseBlocks", () => {
  it("splits paragraphs, lists, headings and fenced code; HTML stays text", () => {
    const blocks = parseBlocks("# Plan\nFirst <b>line</b>\nsecond\n\n- a\n- b\n1. one\n```py\nprint(1)\n```\nend");
    expect(blocks).toEqual([
      { kind: "h", level: 1, text: "Plan" },
      { kind: "p", text: "First <b>line</b>\nsecond" },
      { kind: "ul", items: ["a", "b"] },
      { kind: "ol", items: ["one"] },
      { kind: "code", lang: "py", text: "print(1)" },
      { kind: "p", text: "end" },
    ]);
  });
});

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

const step = (idx: number, thought: string, code = "x"): StepDetail => ({ idx, thought, code }) as StepDetail;

describe("firstDivergence", () => {
  it("finds the first step whose thought or code differs, or a missing step", () => {
    expect(firstDivergence([step(0, "a"), step(1, "b")], [step(0, "a "), step(1, "c")])).toBe(1);
    expect(firstDivergence([step(0, "a")], [step(0, "a"), step(1, "b")])).toBe(1);
    expect(firstDivergence([step(0, "a")], [step(0, "a")])).toBeNull();
  });
});

describe("filter URL round trip", () => {
  it("keeps known keys and drops bad values", () => {
    const filter = filterFromParams({ outcome: "incorrect", verdict: "nope", q: "paris", ftp: ["on", "off"], page: "2" });
    expect(filter).toEqual({ outcome: "incorrect", q: "paris", ftp: "on" });
    expect(filterToParams(filter).toString()).toBe("outcome=incorrect&ftp=on&q=paris");
  });
});
