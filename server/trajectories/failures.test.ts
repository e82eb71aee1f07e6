// The failure taxonomy: the classifier on hand-made episodes (one per kind), and the per-run
// report on a real database, whose kinds must add up to the run's incorrect count.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DbHandle } from "@/db/client";
import { testDatabases } from "@/test/databases";
import { makeEpisode, seedBenchmark, seedRun, seedTrajectory } from "@/test/trajectory-fixtures";
import { classifyFailure, runFailures, showsAnswer, type FailureInput } from "./failures";

const step = (s: Partial<FailureInput["steps"][number]>) => ({ code: null, observation: null, errorKind: null, errorText: null, ...s });
const wrong = (over: Partial<FailureInput>): FailureInput => ({
  status: "finished",
  finalAnswer: "7",
  gold: "121932631112635269",
  steps: [],
  ...over,
});

describe("classifyFailure", () => {
  it("gives each kind of failure its name", () => {
    expect(classifyFailure(wrong({ status: "error", finalAnswer: null }))).toBe("engine_error");
    const shadow = step({ code: "def final_answer(x): return x", errorKind: "exec", errorText: "ToolShadowing: final_answer is a tool" });
    expect(classifyFailure(wrong({ steps: [shadow] }))).toBe("tool_shadowing");
    expect(classifyFailure(wrong({ finalAnswer: null, steps: [step({ errorKind: "parse" })] }))).toBe("parse_error");
    // A CoT reply cut off before its \boxed{} answer is stored as an errored episode: still the model's failure.
    const cutOff = step({ errorKind: "parse", errorText: "no \\boxed{} answer found in the reply" });
    expect(classifyFailure(wrong({ status: "error", finalAnswer: null, steps: [cutOff] }))).toBe("parse_error");
    expect(classifyFailure(wrong({ finalAnswer: null, status: "max_steps", steps: [step({ code: "x = 1" })] }))).toBe("no_final_answer");
    expect(classifyFailure(wrong({ finalAnswer: "  " }))).toBe("no_final_answer");
    const printed = step({ code: "print(123456789 * 987654321)", observation: "121932631112635269\n" });
    expect(classifyFailure(wrong({ steps: [printed, step({ code: "final_answer(121932631112635260)" })] }))).toBe(
      "right_code_wrong_answer",
    );
    const miscomputed = step({ code: "print(123456789 + 987654321)", observation: "1111111110" });
    expect(classifyFailure(wrong({ steps: [miscomputed] }))).toBe("wrong_code");
    const raised = step({ code: "print(x)", errorKind: "exec", errorText: "NameError: name 'x' is not defined" });
    expect(classifyFailure(wrong({ steps: [raised] }))).toBe("wrong_code");
    expect(classifyFailure(wrong({ steps: [step({ code: "final_answer(121932631000000000)" })] }))).toBe("no_computation");
    expect(classifyFailure(wrong({ steps: [step({ code: null })] }))).toBe("no_computation"); // CoT
  });

  it("reads a shown answer digit for digit, never rounding a large whole number", () => {
    expect(showsAnswer("result: 121,932,631,112,635,269", "121932631112635269")).toBe(true);
    expect(showsAnswer("1.2193263111263526e+17", "121932631112635269")).toBe(false);
    expect(showsAnswer("121932631112635270", "121932631112635269")).toBe(false);
    expect(showsAnswer("42.0", "42")).toBe(true);
    expect(showsAnswer("x = 3.3333333333", "3.3333333333")).toBe(true);
    expect(showsAnswer("It was written by William Shakespeare.", "Shakespeare")).toBe(true);
    expect(showsAnswer("Shakespeares", "Shakespeare")).toBe(false);
  });
});

describe.each(testDatabases())("runFailures on $name", ({ open }) => {
  let handle: DbHandle;
  let runId = 0;

  beforeAll(async () => {
    handle = await open();
    const { db } = handle;
    const { questionIds } = await seedBenchmark(db, "mults", [
      { question: "What is 123456789 * 987654321?", answer: "121932631112635269" },
      { question: "What is 6 * 7?", answer: "42" },
      { question: "What is 11 * 11?", answer: "121" },
      { question: "What is 2 + 2?", answer: "4" },
    ]);
    const [q0, q1, q2, q3] = questionIds as [number, number, number, number];
    runId = await seedRun(db, { name: "taxonomy", benchmark: "mults" });
    const printedRight = makeEpisode({ steps: [{ code: "print(6 * 7)", observation: "42" }], finalAnswer: "24" });
    await seedTrajectory(db, { runId, questionId: q1 }, printedRight, false);
    const head = makeEpisode({ steps: [{ code: "final_answer(120)", observation: "" }], finalAnswer: "120" });
    await seedTrajectory(db, { runId, questionId: q2 }, head, false);
    const lost = makeEpisode({ steps: [{ errorKind: "parse" }], finalAnswer: null, status: "max_steps" });
    await seedTrajectory(db, { runId, questionId: q0 }, lost, false);
    const right = makeEpisode({ steps: [{ code: "print(2 + 2)", observation: "4" }], finalAnswer: "4" });
    await seedTrajectory(db, { runId, questionId: q3 }, right, true);
  });

  afterAll(async () => {
    await handle?.close();
  });

  it("classifies every graded-wrong trajectory once and leaves correct ones out", async () => {
    const report = await runFailures(handle.db, runId);
    expect(report.incorrect).toBe(3);
    expect(report.kinds.map((k) => [k.kind, k.count])).toEqual([
      ["no_computation", 1],
      ["parse_error", 1],
      ["right_code_wrong_answer", 1],
    ]);
    expect(report.kinds.reduce((n, k) => n + k.trajectories.length, 0)).toBe(report.incorrect);
  });
});
