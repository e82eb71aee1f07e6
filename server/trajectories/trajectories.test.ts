// Integration tests of the trajectory list, filters, pagination, detail and FTP pairing on a
// real database (PGlite, plus Postgres when DISTILLERY_TEST_DATABASE_URL is set).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DbHandle } from "@/db/client";
import { testDatabases } from "@/test/databases";
import { addAnnotation } from "@/server/annotations/annotations";
import { getCandidate, getStepText, getTrajectory, PREVIEW_CHARS } from "./detail";
import { hugeEpisode, makeEpisode, seedBenchmark, seedRun, seedTrajectory } from "@/test/trajectory-fixtures";
import { ftpOutcomeChanges, ftpPartners } from "./ftp";
import { countTrajectories, listTrajectories, neighbours, queueProgress } from "./list";

describe.each(testDatabases())("trajectory queries on $name", ({ open }) => {
  let handle: DbHandle;
  const ids: Record<string, number> = {};
  let questionIds: number[] = [];

  beforeAll(async () => {
    handle = await open();
    const { db } = handle;
    ({ questionIds } = await seedBenchmark(db, "toyqa", [
      { question: "Who wrote Hamlet?", answer: "Shakespeare" },
      { question: "What is 6 times 7?", answer: "42" },
      { question: "Capital of France?", answer: "Paris" },
    ]));
    await seedBenchmark(db, "other", [{ question: "Unrelated 100% question_x", answer: "none" }]);
    const plain = await seedRun(db, { name: "plain", benchmark: "toyqa" });
    const ftp = await seedRun(db, { name: "with-ftp", benchmark: "toyqa", ftp: true, sag: 8 });
    const [q0, q1, q2] = questionIds as [number, number, number];
    ids.plainOk = await seedTrajectory(
      db,
      { runId: plain, questionId: q0 },
      makeEpisode({ steps: [{}], finalAnswer: "Shakespeare" }),
      true,
    );
    ids.plainParse = await seedTrajectory(db, { runId: plain, questionId: q1 }, makeEpisode({ steps: [{ errorKind: "parse" }, {}] }), true);
    ids.plainMax = await seedTrajectory(
      db,
      { runId: plain, questionId: q2 },
      makeEpisode({ steps: [{ errorKind: "exec" }, { errorKind: "max_steps" }], status: "max_steps", finalAnswer: "Lyon" }),
      false,
    );
    ids.ftpOk = await seedTrajectory(
      db,
      { runId: ftp, questionId: q0 },
      makeEpisode({ steps: [{ candidates: 8 }], ftpPrefix: "Hamlet is a play." }),
      false,
    );
    ids.ftpFixed = await seedTrajectory(
      db,
      { runId: ftp, questionId: q2 },
      makeEpisode({ steps: [{ candidates: 8 }], finalAnswer: "Paris" }),
      true,
    );
  });
  afterAll(async () => {
    await handle?.close();
  });

  const listIds = async (filter: Parameters<typeof listTrajectories>[1]) =>
    (await listTrajectories(handle.db, filter)).rows.map((r) => r.id);

  it("filters by run, outcome, status, errors, FTP and text", async () => {
    expect(await listIds({ run: "plain" })).toEqual([ids.plainOk, ids.plainParse, ids.plainMax]);
    expect(await listIds({ run: "plain", outcome: "correct" })).toEqual([ids.plainOk, ids.plainParse]);
    expect(await listIds({ outcome: "incorrect" })).toEqual([ids.plainMax, ids.ftpOk]);
    expect(await listIds({ status: "max_steps" })).toEqual([ids.plainMax]);
    expect(await listIds({ error: "parse" })).toEqual([ids.plainParse]);
    expect(await listIds({ error: "exec" })).toEqual([ids.plainMax]);
    expect(await listIds({ error: "any", run: "plain" })).toEqual([ids.plainParse, ids.plainMax]);
    expect(await listIds({ ftp: "on" })).toEqual([ids.ftpOk, ids.ftpFixed]);
    expect(await listIds({ ftp: "off", benchmark: "toyqa" })).toHaveLength(3);
    expect(await listIds({ benchmark: "other" })).toEqual([]);
    expect(await listIds({ q: "hamlet" })).toEqual([ids.plainOk, ids.ftpOk]);
    expect(await listIds({ q: "lyon" })).toEqual([ids.plainMax]); // final answer text
    expect(await listIds({ q: "100%" })).toEqual([]); // LIKE wildcards are literal
    expect(await countTrajectories(handle.db, { run: "plain" })).toBe(3);
  });

  it("filters by the latest verdict, whoever gave it", async () => {
    const { db } = handle;
    await addAnnotation(db, "ann", { trajectoryId: ids.plainOk!, verdict: "reject", reason: "lucky_guess" });
    await addAnnotation(db, "bob", { trajectoryId: ids.plainOk!, verdict: "accept" });
    await addAnnotation(db, "ann", { trajectoryId: ids.plainParse!, verdict: "reject", reason: "bad_code" });
    expect(await listIds({ verdict: "accept" })).toEqual([ids.plainOk]);
    expect(await listIds({ verdict: "reject" })).toEqual([ids.plainParse]);
    expect(await listIds({ verdict: "none", run: "plain" })).toEqual([ids.plainMax]);
    const rows = (await listTrajectories(db, { run: "plain" })).rows;
    expect(rows.map((r) => r.verdict)).toEqual(["accept", "reject", null]);
    expect(await queueProgress(db, { run: "plain" }, ids.plainParse)).toEqual({ total: 3, annotated: 2, position: 2 });
  });

  it("pages with a keyset cursor in both directions", async () => {
    const { db } = handle;
    const first = await listTrajectories(db, {}, { limit: 2 });
    expect(first.rows.map((r) => r.id)).toEqual([ids.plainOk, ids.plainParse]);
    expect(first).toMatchObject({ hasPrev: false, hasNext: true });
    const second = await listTrajectories(db, {}, { limit: 2, cursor: { after: ids.plainParse } });
    expect(second.rows.map((r) => r.id)).toEqual([ids.plainMax, ids.ftpOk]);
    expect(second).toMatchObject({ hasPrev: true, hasNext: true });
    const back = await listTrajectories(db, {}, { limit: 2, cursor: { before: ids.plainMax } });
    expect(back.rows.map((r) => r.id)).toEqual([ids.plainOk, ids.plainParse]);
    expect(back).toMatchObject({ hasPrev: false, hasNext: true });
    expect(await neighbours(db, { run: "plain" }, ids.plainParse!)).toEqual({ prev: ids.plainOk, next: ids.plainMax });
    expect(await neighbours(db, { run: "plain" }, ids.plainMax!)).toEqual({ prev: ids.plainParse, next: null });
  });

  it("returns one trajectory with steps, error kinds and SAG candidates", async () => {
    const plain = (await getTrajectory(handle.db, ids.plainMax!))!;
    expect(plain.question.text).toBe("Capital of France?");
    expect(plain.steps.map((s) => s.errorKind)).toEqual(["exec", "max_steps"]);
    const sag = (await getTrajectory(handle.db, ids.ftpOk!))!;
    expect(sag.run).toMatchObject({ name: "with-ftp", ftp: true, sag: 8 });
    expect(sag.ftpPrefix).toBe("Hamlet is a play.");
    const cands = sag.steps[0]!.candidates;
    expect(cands).toHaveLength(8);
    expect(cands.filter((c) => c.chosen).map((c) => c.idx)).toEqual([0]);
    expect(cands.filter((c) => !c.execOk).map((c) => c.idx)).toEqual([3, 6]);
    const full = (await getCandidate(handle.db, cands[3]!.id))!;
    expect(full.error).toContain("NameError");
    expect(await getTrajectory(handle.db, 999_999)).toBeNull();
  });

  it("sends previews of huge observations and the full text on request", async () => {
    const { db } = handle;
    const runId = await seedRun(db, { name: "huge", benchmark: "toyqa", sag: 8 });
    const id = await seedTrajectory(db, { runId, questionId: questionIds[0]! }, hugeEpisode(5, 8, 50_000), true);
    const detail = (await getTrajectory(db, id))!;
    const step = detail.steps[0]!;
    expect(step.observation).toHaveLength(PREVIEW_CHARS);
    expect(step.observationBytes).toBe(50_000);
    expect((await getStepText(db, step.id))!.observation).toHaveLength(50_000);
    expect((await getTrajectory(db, id, { full: true }))!.steps[0]!.observation).toHaveLength(50_000);
  });

  it("pairs FTP and non-FTP trajectories of the same question and model", async () => {
    const { db } = handle;
    const partners = await ftpPartners(db, ids.plainOk!);
    expect(partners.map((p) => [p.id, p.runName, p.ftp])).toEqual([[ids.ftpOk, "with-ftp", true]]);
    // The newest partner run comes first (the "huge" run above answered the same question).
    expect((await ftpPartners(db, ids.ftpOk!)).map((p) => p.runName)).toEqual(["huge", "plain"]);
    expect(await ftpPartners(db, ids.plainParse!)).toEqual([]); // no FTP trajectory for that question
    const other = await seedRun(db, { name: "other-model-ftp", benchmark: "toyqa", model: "another", ftp: true });
    await seedTrajectory(db, { runId: other, questionId: questionIds[1]! }, makeEpisode({ steps: [{}] }), true);
    expect(await ftpPartners(db, ids.plainParse!)).toEqual([]); // a different teacher is no pair

    const changes = (await ftpOutcomeChanges(db, "plain"))!;
    expect(changes.partner).toBe("with-ftp");
    expect(changes.paired).toBe(2);
    expect(changes.rows).toEqual([
      expect.objectContaining({ ftpId: ids.ftpOk, ftpCorrect: false, plainId: ids.plainOk, plainCorrect: true }),
      expect.objectContaining({ ftpId: ids.ftpFixed, ftpCorrect: true, plainId: ids.plainMax, plainCorrect: false }),
    ]);
    const fromFtpSide = (await ftpOutcomeChanges(db, "with-ftp", "plain"))!;
    expect(fromFtpSide.partners).toEqual(["huge", "plain"]); // newest first, the default
    expect(fromFtpSide.rows.map((r) => r.ftpId)).toEqual([ids.ftpOk, ids.ftpFixed]);
  });
});
