// Integration tests of verdicts: who and when, latest wins, undo, validation — on a real database.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DbHandle } from "@/db/client";
import { makeEpisode, seedBenchmark, seedRun, seedTrajectory } from "@/test/trajectory-fixtures";
import { createCallerFactory } from "@/server/trpc/init";
import { appRouter } from "@/server/trpc/router";
import { testDatabases } from "@/test/databases";
import { addAnnotation, annotationHistory, undoAnnotation } from "./annotations";

describe.each(testDatabases())("annotations on $name", ({ open }) => {
  let handle: DbHandle;
  let trajectoryId: number;
  beforeAll(async () => {
    handle = await open();
    const { questionIds } = await seedBenchmark(handle.db, "toyqa", [{ question: "q?", answer: "a" }]);
    const runId = await seedRun(handle.db, { name: "r", benchmark: "toyqa" });
    trajectoryId = await seedTrajectory(handle.db, { runId, questionId: questionIds[0]! }, makeEpisode({ steps: [{}] }), true);
  });
  afterAll(async () => {
    await handle?.close();
  });

  it("stores verdicts with user, time, reason and note; the newest comes first", async () => {
    const { db } = handle;
    await addAnnotation(db, "ann", { trajectoryId, verdict: "accept", reason: "other", note: "  " });
    await addAnnotation(db, "bob", {
      trajectoryId,
      verdict: "reject",
      reason: "hallucinated_retrieval",
      note: "cites a page it never saw",
    });
    const history = await annotationHistory(db, trajectoryId);
    expect(history.map((a) => [a.userName, a.verdict, a.reason, a.note])).toEqual([
      ["bob", "reject", "hallucinated_retrieval", "cites a page it never saw"],
      ["ann", "accept", null, null], // an accept drops the reason; a blank note is no note
    ]);
    expect(history[0]!.createdAt).toBeInstanceOf(Date);
  });

  it("undo removes only the caller's newest annotation", async () => {
    const { db } = handle;
    expect(await undoAnnotation(db, "carol", trajectoryId)).toBeNull();
    const removed = await undoAnnotation(db, "ann", trajectoryId);
    expect(removed?.userName).toBe("ann");
    expect((await annotationHistory(db, trajectoryId)).map((a) => a.userName)).toEqual(["bob"]);
  });

  it("rejects a rejection without a reason and unknown trajectories, via the API with the header's user", async () => {
    const caller = createCallerFactory(appRouter)({ db: handle.db, user: "dave" });
    await expect(caller.annotations.add({ trajectoryId, verdict: "reject" })).rejects.toThrow(/reason/);
    await expect(caller.annotations.add({ trajectoryId: 999_999, verdict: "accept" })).rejects.toThrow(/no trajectory 999999/);
    const added = await caller.annotations.add({ trajectoryId, verdict: "reject", reason: "wrong_answer" });
    expect(added.userName).toBe("dave");
    const list = await caller.trajectories.list({ filter: { verdict: "reject" } });
    expect(list.rows.map((r) => r.id)).toEqual([trajectoryId]);
    expect((await caller.annotations.undo({ trajectoryId })).removed?.id).toBe(added.id);
  });
});
