// The pair view's logic: steps aligned by index and the first divergence (unit), and on a real
// database (PGlite, plus Postgres when DISTILLERY_TEST_DATABASE_URL is set) a pair of
// trajectories and the trajectories one can be compared with.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DbHandle } from "@/db/client";
import { InputError } from "@/server/errors";
import { testDatabases } from "@/test/databases";
import { makeEpisode, seedBenchmark, seedRun, seedTrajectory } from "@/test/trajectory-fixtures";
import { alignSteps, finalAnswersDiffer, firstDivergence, type StepFingerprint } from "./alignment";
import { comparableTrajectories, pairTrajectories } from "./pair";

const step = (idx: number, fields: Partial<StepFingerprint> = {}): StepFingerprint => ({
  idx,
  thought: `think ${idx}`,
  code: `print(${idx})`,
  observation: `${idx}`,
  errorKind: null,
  errorText: null,
  ...fields,
});

describe("alignSteps", () => {
  it("pairs steps by index, leaving a side empty where it has no step", () => {
    expect(alignSteps([step(0), step(1)], [step(0)]).map((r) => [r.idx, r.a?.idx, r.b?.idx])).toEqual([
      [0, 0, 0],
      [1, 1, undefined],
    ]);
    expect(alignSteps([], [])).toEqual([]);
  });
});

describe("firstDivergence", () => {
  it("is null when every step agrees, up to whitespace in thought and code", () => {
    expect(firstDivergence([step(0), step(1)], [step(0, { thought: " think  0\n" }), step(1, { code: "print(1)\n" })])).toBeNull();
    expect(firstDivergence([], [])).toBeNull();
  });
  it("names the first step where thought, code, observation or error differ", () => {
    expect(firstDivergence([step(0), step(1)], [step(0), step(1, { thought: "other" })])).toEqual({ step: 1, reason: "thought" });
    expect(firstDivergence([step(0)], [step(0, { code: "print(9)" })])).toEqual({ step: 0, reason: "code" });
    expect(firstDivergence([step(0), step(1)], [step(0, { observation: "7" }), step(1, { thought: "x" })])).toEqual({
      step: 0,
      reason: "observation",
    });
    const failed = { errorKind: "exec", errorText: "NameError", observation: "" };
    expect(firstDivergence([step(0, failed)], [step(0)])).toEqual({ step: 0, reason: "error" });
    expect(firstDivergence([step(0, failed)], [step(0, { ...failed, errorText: "ValueError" })])).toEqual({ step: 0, reason: "error" });
    expect(firstDivergence([step(0, failed)], [step(0, failed)])).toBeNull();
  });
  it("marks the step one trajectory lacks", () => {
    expect(firstDivergence([step(0)], [step(0), step(1)])).toEqual({ step: 1, reason: "missing" });
  });
  it("compares final answers up to whitespace", () => {
    expect(finalAnswersDiffer("42", " 42\n")).toBe(false);
    expect(finalAnswersDiffer(null, "")).toBe(false);
    expect(finalAnswersDiffer("42", "41")).toBe(true);
  });
});

describe.each(testDatabases())("pairs and comparable trajectories on $name", ({ open }) => {
  let handle: DbHandle;
  const ids: Record<string, number> = {};

  beforeAll(async () => {
    handle = await open();
    const { db } = handle;
    const { questionIds } = await seedBenchmark(db, "pairqa", [
      { question: "What is 3 + 4?", answer: "7" },
      { question: "What is 2 + 2?", answer: "4" },
    ]);
    const [q0, q1] = questionIds as [number, number];
    const teacher = await seedRun(db, { name: "pair-teacher", benchmark: "pairqa" });
    const studentA = await seedRun(db, { name: "pair-student-a", benchmark: "pairqa", role: "student", model: "small" });
    const studentB = await seedRun(db, { name: "pair-student-b", benchmark: "pairqa", role: "student", model: "small", sag: 4 });
    // The student repeats the teacher's first step and then prints something else.
    const long = "x".repeat(5_000);
    ids.teacher = await seedTrajectory(
      db,
      { runId: teacher, questionId: q0 },
      makeEpisode({ steps: [{ observation: `${long}a` }, { thought: "add", code: "print(3 + 4)", observation: "7" }], finalAnswer: "7" }),
      true,
    );
    ids.studentA = await seedTrajectory(
      db,
      { runId: studentA, questionId: q0 },
      makeEpisode({ steps: [{ observation: `${long}b` }, { thought: "add", code: "print(3 + 4)", observation: "7" }], finalAnswer: "7" }),
      true,
    );
    ids.studentB0 = await seedTrajectory(
      db,
      { runId: studentB, questionId: q0 },
      makeEpisode({ steps: [{ observation: `${long}a`, candidates: 4 }, { errorKind: "exec" }], finalAnswer: null }),
      false,
    );
    ids.studentB1 = await seedTrajectory(db, { runId: studentB, questionId: q0, sampleIdx: 1 }, makeEpisode({ steps: [{}] }), false);
    ids.otherQuestion = await seedTrajectory(db, { runId: studentB, questionId: q1 }, makeEpisode({ steps: [{}] }), true);
  });
  afterAll(async () => {
    await handle?.close();
  });

  it("aligns two trajectories and finds where they part, comparing observations whole", async () => {
    const pair = await pairTrajectories(handle.db, ids.teacher!, ids.studentA!);
    expect(pair.a).toMatchObject({ id: ids.teacher, run: { name: "pair-teacher", role: "teacher" } });
    expect(pair.b).toMatchObject({ id: ids.studentA, run: { name: "pair-student-a", role: "student", model: "small" } });
    expect(pair.rows.map((r) => [r.idx, r.a?.idx, r.b?.idx])).toEqual([
      [0, 0, 0],
      [1, 1, 1],
    ]);
    // The observations differ only past the preview the steps carry.
    expect(pair.rows[0]!.a!.observation).toBe(pair.rows[0]!.b!.observation);
    expect(pair.divergence).toEqual({ step: 0, reason: "observation" });
    expect(pair).toMatchObject({ finalAnswersDiffer: false, sameQuestion: true });
  });

  it("keeps candidates and errors, and reports a step one side lacks", async () => {
    const pair = await pairTrajectories(handle.db, ids.teacher!, ids.studentB0!);
    expect(pair.divergence).toEqual({ step: 1, reason: "thought" });
    expect(pair.finalAnswersDiffer).toBe(true);
    expect(pair.rows[0]!.b!.candidates).toHaveLength(4);
    expect(pair.rows[1]!.b).toMatchObject({ errorKind: "exec", errorText: "exec error in step 1" });
    const shorter = await pairTrajectories(handle.db, ids.studentB0!, ids.studentB1!);
    expect(shorter.rows).toHaveLength(2);
    expect(shorter.rows[1]!.b).toBeUndefined();
    const across = await pairTrajectories(handle.db, ids.studentB1!, ids.otherQuestion!);
    expect(across.sameQuestion).toBe(false);
  });

  it("refuses a pair when either trajectory is missing", async () => {
    await expect(pairTrajectories(handle.db, 999_999, ids.teacher!)).rejects.toThrow(new InputError("a: no trajectory 999999"));
    await expect(pairTrajectories(handle.db, ids.teacher!, 999_998)).rejects.toThrow(InputError);
    await expect(pairTrajectories(handle.db, ids.teacher!, 999_998)).rejects.toThrow("b: no trajectory 999998");
  });

  it("lists the same question's other trajectories, newest runs first, then by sample", async () => {
    const rows = await comparableTrajectories(handle.db, ids.teacher!);
    expect(rows.map((r) => [r.id, r.runName, r.role, r.model, r.sampleIdx])).toEqual([
      [ids.studentB0, "pair-student-b", "student", "small", 0],
      [ids.studentB1, "pair-student-b", "student", "small", 1],
      [ids.studentA, "pair-student-a", "student", "small", 0],
    ]);
    expect(rows[2]).toMatchObject({ correct: true, finalAnswer: "7", status: "finished", ftp: false, numSteps: 2 });
    expect((await comparableTrajectories(handle.db, ids.studentA!)).map((r) => r.id)).toEqual([ids.studentB0, ids.studentB1, ids.teacher]);
    expect(await comparableTrajectories(handle.db, ids.teacher!, 2)).toHaveLength(2);
    expect(await comparableTrajectories(handle.db, ids.otherQuestion!)).toEqual([]);
    await expect(comparableTrajectories(handle.db, 999_999)).rejects.toThrow("id: no trajectory 999999");
  });
});
