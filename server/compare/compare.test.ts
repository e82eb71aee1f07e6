// Integration tests of the compare queries on a real database (PGlite, plus Postgres when
// DISTILLERY_TEST_DATABASE_URL is set): runs and trajectories go through the real store.
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db, DbHandle } from "@/db/client";
import { jobMetrics, jobs, runs, students } from "@/db/schema";
import { createCallerFactory } from "@/server/trpc/init";
import { appRouter } from "@/server/trpc/router";
import { makeEpisode, seedBenchmark, seedTrajectory } from "@/test/trajectory-fixtures";
import { testDatabases } from "@/test/databases";
import { compareRuns } from "./compare";
import { listTrainJobs, lossCurves } from "./loss";

type RunSpec = {
  name: string;
  role?: "teacher" | "student";
  mode?: "agent" | "cot";
  ftp?: boolean;
  sag?: number;
  tags?: string[];
  model?: string;
};

async function insertRun(db: Db, spec: RunSpec) {
  const [row] = await db
    .insert(runs)
    .values({
      name: spec.name,
      role: spec.role ?? "student",
      mode: spec.mode ?? "agent",
      modelEndpoint: "http://127.0.0.1:1/v1",
      modelName: spec.model ?? "some-model",
      config: { benchmark: "toyqa", split: "test", ftp: spec.ftp ?? false, sag: spec.sag ?? 1 },
      tags: spec.tags ?? [],
      status: "succeeded",
    })
    .returning();
  return row!.id;
}

describe.each(testDatabases())("compare queries on $name", ({ open }) => {
  let handle: DbHandle;
  let trainA = 0;
  let trainB = 0;

  beforeAll(async () => {
    handle = await open();
    const { db } = handle;
    const { questionIds } = await seedBenchmark(db, "toyqa", [
      { question: "q0", answer: "a" },
      { question: "q1", answer: "b" },
      { question: "q2", answer: "c" },
      { question: "q3", answer: "d" },
    ]);
    const seed = async (runId: number, outcomes: boolean[], episode: (i: number) => ReturnType<typeof makeEpisode>) => {
      for (const [i, correct] of outcomes.entries()) await seedTrajectory(db, { runId, questionId: questionIds[i]! }, episode(i), correct);
    };
    const withRetrieval = (calls: number) => (i: number) => ({ ...makeEpisode({ steps: [{}] }), retrievalCalls: calls + i });
    await seed(await insertRun(db, { name: "t-plain", role: "teacher" }), [true, false, false, false], withRetrieval(2));
    await seed(await insertRun(db, { name: "t-ftp", role: "teacher", ftp: true }), [true, true, true, false], withRetrieval(0));
    await seed(await insertRun(db, { name: "s-cot", mode: "cot", tags: ["method:cot"], model: "tiny" }), [true, false], () =>
      makeEpisode({ steps: [{}] }),
    );
    await seed(await insertRun(db, { name: "s-agent", model: "student-a" }), [true, true, false, false], (i) =>
      makeEpisode({ steps: i === 0 ? [{ errorKind: "parse" }, {}] : [{}] }),
    );
    await seed(
      await insertRun(db, { name: "s-sag", sag: 8, tags: ["method:agent-ftp-sag"], model: "tiny" }),
      [true, true, true, false],
      (i) => makeEpisode({ steps: [{ candidates: 8, errorKind: i === 1 ? "exec" : undefined }] }),
    );

    [{ id: trainA }, { id: trainB }] = (await db
      .insert(jobs)
      .values([
        { kind: "train", config: { dataset: "d@1", name: "student-a" }, status: "succeeded" },
        { kind: "train", config: { dataset: "d@1", name: "student-b" }, status: "succeeded" },
      ])
      .returning({ id: jobs.id })) as [{ id: number }, { id: number }];
    const [studentA] = await db
      .insert(students)
      .values({ name: "student-a", baseModel: "tiny", adapterPath: "/tmp/a", trainJobId: trainA })
      .returning({ id: students.id });
    await db.update(runs).set({ studentId: studentA!.id }).where(eq(runs.name, "s-agent")); // as generate links a trained student's run
    // The untrained base model as an agent: a baseline row of its own, never pooled with "agent".
    await seed(await insertRun(db, { name: "s-base", model: "tiny" }), [true, false], () => makeEpisode({ steps: [{}] }));
    // A student of another size: its own block of rows, found through its base model.
    const [bigger] = await db.insert(students).values({ name: "student-big", baseModel: "bigger", adapterPath: "/tmp/b" }).returning();
    const big = await insertRun(db, { name: "s-big", model: "student-big" });
    await db.update(runs).set({ studentId: bigger!.id }).where(eq(runs.id, big));
    await seed(big, [false, false, false], () => makeEpisode({ steps: [{}] }));
    await db.insert(jobMetrics).values([
      { jobId: trainA, step: 2, name: "loss", value: 1.5 },
      { jobId: trainA, step: 1, name: "loss", value: 2.0 },
      { jobId: trainA, step: 1, name: "lr", value: 2e-4 },
      { jobId: trainB, step: 1, name: "loss", value: 3.0 },
    ]);
  });
  afterAll(async () => {
    await handle?.close();
  });

  it("returns the runs in the order asked, with stats, method and missing names", async () => {
    const result = await compareRuns(handle.db, { runs: ["s-agent", "nope", "t-plain", "s-sag"] });
    expect(result.runs.map((r) => [r.name, r.method, r.methodFrom])).toEqual([
      ["s-agent", "agent", "config"],
      ["t-plain", null, null],
      ["s-sag", "agent-ftp-sag", "tag"],
    ]);
    expect(result.missing).toEqual(["nope"]);
    expect(result.accuracy[0]).toMatchObject({ run: "s-agent", benchmark: "toyqa", n: 4, correct: 2, accuracy: 0.5 });
    expect(result.accuracy[0]!.ciLow).toBeCloseTo(0.15, 2);
  });

  it("fills the matrix from tags and student configs", async () => {
    const { matrix } = await compareRuns(handle.db, { runs: ["s-cot", "s-agent", "s-sag", "t-ftp", "s-base"] });
    expect(matrix.benchmarks).toEqual(["toyqa"]);
    expect(matrix.unplaced).toEqual(["t-ftp"]);
    const cell = (method: string) => matrix.rows.find((r) => r.method === method)!.cells.toyqa;
    expect(cell("cot")).toMatchObject({ n: 2, correct: 1, accuracy: 0.5, runs: ["s-cot"] });
    expect(cell("agent")).toMatchObject({ n: 4, correct: 2, runs: ["s-agent"] });
    expect(cell("base-agent")).toMatchObject({ n: 2, correct: 1, runs: ["s-base"] });
    expect(cell("agent-ftp-sag")).toMatchObject({ n: 4, correct: 3, accuracy: 0.75 });
    expect(cell("agent-ftp")).toMatchObject({ n: 0, accuracy: null });
    expect(matrix.students).toEqual(["tiny"]); // the trained student's base is the untrained run's model
  });

  it("keeps students of different base models apart", async () => {
    const { matrix } = await compareRuns(handle.db, { runs: ["s-agent", "s-big"] });
    expect(matrix.students).toEqual(["tiny", "bigger"]);
    expect(matrix.rows.filter((r) => r.method === "agent").map((r) => [r.student, r.cells.toyqa!.n, r.cells.toyqa!.correct])).toEqual([
      ["tiny", 4, 2],
      ["bigger", 3, 0],
    ]);
  });

  it("compares teacher FTP on and off with retrieval calls per question", async () => {
    const { ftp } = await compareRuns(handle.db, { runs: ["t-ftp", "t-plain", "s-agent"] });
    expect(ftp.map((r) => [r.run, r.ftp, r.accuracy, r.retrievalPerQuestion])).toEqual([
      ["t-plain", false, 0.25, 3.5], // 2+3+4+5 calls over 4 questions
      ["t-ftp", true, 0.75, 1.5],
    ]);
  });

  it("compares SAG on and off: error rates and vote agreement", async () => {
    const { sag, tokens } = await compareRuns(handle.db, { runs: ["s-sag", "s-agent"] });
    expect(sag.map((r) => r.run)).toEqual(["s-agent", "s-sag"]);
    expect(sag[0]).toMatchObject({ sag: 1, parseErrorRate: 0.25, execErrorRate: 0, voteAgreement: null });
    // Fixture: 8 candidates, 2 fail to execute, the winner holds 4 of the 6 successful votes.
    expect(sag[1]).toMatchObject({ sag: 8, parseErrorRate: 0, execErrorRate: 0.25 });
    expect(sag[1]!.voteAgreement).toBeCloseTo(4 / 6, 6);
    expect(tokens[0]).toMatchObject({ run: "s-sag", n: 4, tokensInPerQuestion: 100, tokensOutPerQuestion: 20 });
  });

  it("overlays loss curves of the runs' students and of train jobs picked directly", async () => {
    const series = await lossCurves(handle.db, { runs: ["s-agent", "s-cot"], trainJobs: [trainB] });
    expect(series).toEqual([
      {
        jobId: trainA,
        label: `job ${trainA} · student-a`,
        runs: ["s-agent"],
        points: [
          { step: 1, loss: 2 },
          { step: 2, loss: 1.5 },
        ],
      },
      { jobId: trainB, label: `job ${trainB} · student-b`, runs: [], points: [{ step: 1, loss: 3 }] },
    ]);
    expect(await lossCurves(handle.db, { runs: [], trainJobs: [] })).toEqual([]);
    const listed = await listTrainJobs(handle.db);
    expect(listed.map((j) => [j.id, j.lossPoints])).toEqual([
      [trainB, 1],
      [trainA, 2],
    ]);
  });

  it("serves the same through tRPC and rejects bad input with a 400", async () => {
    const caller = createCallerFactory(appRouter)({ db: handle.db, user: "test" });
    const result = await caller.compare.runs({ runs: ["t-plain"] });
    expect(result.runs).toHaveLength(1);
    await expect(caller.compare.runs({ runs: ["bad,name"] })).rejects.toThrow(/^runs.0: letters, digits/);
  });
});
