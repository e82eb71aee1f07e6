// Team review on a real database, through the API as signed-in callers: queues hand out items that
// still need someone, blind mode withholds the others' verdicts, agreement is computed from what
// was given, a final ruling wins (and datasets follow it), bulk verdicts undo as a whole, and every
// change is audited.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DbHandle } from "@/db/client";
import type { Actor } from "@/server/auth/actor";
import { createDataset } from "@/server/datasets/create";
import { createCallerFactory } from "@/server/trpc/init";
import { appRouter } from "@/server/trpc/router";
import { testDatabases } from "@/test/databases";
import { makeEpisode, seedBenchmark, seedRun, seedTrajectory } from "@/test/trajectory-fixtures";

describe.each(testDatabases())("team review on $name", ({ open }) => {
  let handle: DbHandle;
  let ids: number[];
  const as = (name: string, role: Actor["role"] = "annotator") =>
    createCallerFactory(appRouter)({ db: handle.db, user: name, actor: { name, role, userId: null } });

  beforeAll(async () => {
    handle = await open();
    const qs = Array.from({ length: 4 }, (_, i) => ({ question: `q${i}?`, answer: `${i}` }));
    const { questionIds } = await seedBenchmark(handle.db, "toy", qs);
    const runId = await seedRun(handle.db, { name: "teacher-run", benchmark: "toy" });
    ids = [];
    for (const [i, questionId] of questionIds.entries()) {
      ids.push(await seedTrajectory(handle.db, { runId, questionId }, makeEpisode({ steps: [{}] }), i % 2 === 0));
    }
    await seedRun(handle.db, { name: "other-run", benchmark: "toy" });
  });
  afterAll(async () => {
    await handle?.close();
  });

  it("a queue hands each annotator the items that still need them, blind until they have judged", async () => {
    const lead = as("lead", "researcher");
    await expect(as("ann").review.create({ name: "q", filter: { run: "teacher-run" } })).rejects.toThrow(/researcher/);
    await expect(lead.review.create({ name: "q", filter: { run: "other-run" } })).rejects.toThrow(/matches no trajectory/);
    await expect(lead.review.create({ name: "q", filter: { run: "teacher-run" }, annotatorsPerItem: 6 })).rejects.toThrow();
    const queue = await lead.review.create({ name: "pair", filter: { run: "teacher-run" }, annotatorsPerItem: 2, allowed: ["ann", "bob"] });
    expect(queue.blind).toBe(true); // the default when an item needs more than one person
    expect(queue.trajectoryIds).toEqual(ids);
    await expect(lead.review.create({ name: "pair", filter: { run: "teacher-run" } })).rejects.toThrow(/exists already/);
    await expect(as("carol").review.next({ id: queue.id })).rejects.toThrow(/may not take items.*ann, bob/);

    const ann = as("ann");
    const bob = as("bob");
    expect(await ann.review.next({ id: queue.id })).toMatchObject({ trajectoryId: ids[0], position: 1, left: 4 });
    expect((await ann.review.next({ id: queue.id, after: ids[0] })).trajectoryId).toBe(ids[1]); // skip
    await ann.annotations.add({ trajectoryId: ids[0]!, verdict: "accept" });
    await ann.annotations.add({ trajectoryId: ids[1]!, verdict: "reject", reason: "bad_code" });
    expect(await ann.review.next({ id: queue.id })).toMatchObject({ trajectoryId: ids[2], left: 2 });

    // Bob has not judged item 0: Ann's verdict is withheld, only counted.
    const blind = await bob.review.item({ id: queue.id, trajectoryId: ids[0]! });
    expect(blind).toMatchObject({ own: null, others: null, hiddenCount: 1 });
    await bob.annotations.add({ trajectoryId: ids[0]!, verdict: "accept" });
    const open = await bob.review.item({ id: queue.id, trajectoryId: ids[0]! });
    expect(open.own?.verdict).toBe("accept");
    expect(open.others?.map((v) => [v.userName, v.verdict])).toEqual([["ann", "accept"]]);
    await bob.annotations.add({ trajectoryId: ids[1]!, verdict: "accept" });
    // Item 0 and 1 have their two people now: Bob's next is item 2.
    expect((await bob.review.next({ id: queue.id })).trajectoryId).toBe(ids[2]);
    for (const id of ids.slice(2)) {
      await ann.annotations.add({ trajectoryId: id, verdict: "reject", reason: "wrong_answer" });
      await bob.annotations.add({ trajectoryId: id, verdict: "reject", reason: "wrong_answer" });
    }
    expect(await ann.review.next({ id: queue.id })).toMatchObject({ trajectoryId: null, left: 0 });

    const got = await lead.review.get({ id: queue.id });
    expect(got.progress).toEqual({
      items: 4,
      complete: 4,
      byAnnotator: [
        { userName: "ann", done: 4 },
        { userName: "bob", done: 4 },
      ],
    });
  });

  it("a blind queue stays blind on the trajectory page for an annotator who may still take the item", async () => {
    const lead = as("lead", "researcher");
    const open = await lead.review.create({ name: "open-to-all", filter: { run: "teacher-run" }, annotatorsPerItem: 3 });
    const dave = as("dave");
    const seen = await dave.trajectories.get({ id: ids[0]! });
    expect(seen.annotations).toEqual([]);
    expect(await dave.annotations.audit({ trajectoryId: ids[0]! })).toEqual([]);
    expect(await dave.annotations.history({ trajectoryId: ids[0]! })).toEqual([]);
    // A researcher sees every verdict; so does Dave once his own is in.
    expect((await lead.trajectories.get({ id: ids[0]! })).annotations.map((a) => a.userName).sort()).toEqual(["ann", "bob"]);
    await dave.annotations.add({ trajectoryId: ids[0]!, verdict: "accept" });
    expect((await dave.trajectories.get({ id: ids[0]! })).annotations.map((a) => a.userName).sort()).toEqual(["ann", "bob", "dave"]);
    await dave.annotations.undo({ trajectoryId: ids[0]! });
    expect(open.blind).toBe(true);
  });

  it("agreement: percent, Cohen, Fleiss and AC1 per queue and pair, the grader as one more annotator", async () => {
    const queue = (await as("lead").review.list()).find((q) => q.name === "pair");
    const table = await as("viewer", "viewer").review.agreement({ id: queue!.id });
    // Ann and Bob agree on items 0, 2, 3 and disagree on item 1.
    expect(table.annotators).toEqual(["ann", "bob"]);
    expect(table.percent).toBeCloseTo(0.75);
    expect(table.pairs).toHaveLength(1);
    expect(table.pairs[0]).toMatchObject({ a: "ann", b: "bob", n: 4, percent: 0.75 });
    // Ann: accept, reject, reject, reject; Bob: accept, accept, reject, reject →
    // po = 0.75, pe = 0.25·0.5 + 0.75·0.5 = 0.5, κ = 0.5.
    expect(table.pairs[0]!.cohen).toBeCloseTo(0.5);
    expect(table.disagreements.map((d) => d.trajectoryId)).toEqual([ids[1]]);
    expect(table.disagreements[0]!.verdicts.map((v) => [v.userName, v.verdict])).toEqual([
      ["ann", "reject"],
      ["bob", "accept"],
    ]);
    // In a blind queue an annotator sees only the disagreements on items they judged themselves.
    expect((await as("carol").review.agreement({ id: queue!.id })).disagreements).toEqual([]);
    expect((await as("ann").review.agreement({ id: queue!.id })).disagreements.map((d) => d.trajectoryId)).toEqual([ids[1]]);
    const withGrader = await as("viewer", "viewer").review.agreement({ id: queue!.id, withGrader: true });
    expect(withGrader.annotators).toEqual(["ann", "bob", "grader"]);
    expect(withGrader.pairs.map((p) => `${p.a}-${p.b}`)).toEqual(["ann-bob", "ann-grader", "bob-grader"]);
  });

  it("adjudication: a final verdict wins over later ordinary ones, datasets follow it, and it is audited", async () => {
    const disputed = ids[1]!;
    await expect(as("ann").review.adjudicate({ trajectoryId: disputed, verdict: "accept" })).rejects.toThrow(/researcher/);
    await as("lead", "researcher").review.adjudicate({ trajectoryId: disputed, verdict: "accept" });
    await as("ann").annotations.add({ trajectoryId: disputed, verdict: "reject", reason: "other" }); // newer, not final
    const accepted = await as("viewer", "viewer").trajectories.list({ filter: { run: "teacher-run", verdict: "accept" } });
    expect(accepted.rows.map((r) => r.id)).toEqual([ids[0], disputed]);
    const dataset = await createDataset(handle.db, { name: "final-wins", run: ["teacher-run"], acceptedOnly: true });
    expect(dataset.dataset.trajectoryIds).toContain(disputed);

    const audit = await as("viewer", "viewer").annotations.audit({ trajectoryId: disputed });
    expect(audit.map((e) => [e.userName, e.action, e.verdict, e.before, e.after])).toEqual([
      ["ann", "add", "reject", "accept", "accept"], // the final ruling still stands
      ["lead", "final", "accept", "accept", "accept"],
      ["bob", "add", "accept", "reject", "accept"],
      ["ann", "add", "reject", null, "reject"],
    ]);
  });

  it("a bulk verdict touches the whole filtered set as one batch, and undoing it restores each verdict", async () => {
    const lead = as("lead", "researcher");
    await expect(as("ann").annotations.bulk({ filter: { run: "teacher-run" }, verdict: "accept", note: "x" })).rejects.toThrow(
      /researcher/,
    );
    await expect(lead.annotations.bulk({ filter: { run: "teacher-run" }, verdict: "reject", note: "no reason" })).rejects.toThrow(/reason/);
    await expect(lead.annotations.bulk({ filter: { run: "other-run" }, verdict: "accept", note: "empty" })).rejects.toThrow(
      /no trajectory/,
    );
    const filter = { run: "teacher-run", outcome: "incorrect" as const };
    expect(await lead.annotations.bulkPreview({ filter })).toEqual({ count: 2 });
    const before = await lead.trajectories.list({ filter: { run: "teacher-run" } });
    const batch = await lead.annotations.bulk({ filter, verdict: "reject", reason: "wrong_answer", note: "wrong answers out" });
    expect(batch).toMatchObject({ count: 2, verdict: "reject", userName: "lead", undoneAt: null });
    const during = await lead.trajectories.list({ filter: { run: "teacher-run", verdict: "reject" } });
    expect(during.rows.map((r) => r.id)).toEqual([ids[2], ids[3]]); // ids[1] keeps its final ruling (accept)
    expect((await lead.annotations.audit({ trajectoryId: ids[3]! }))[0]).toMatchObject({ action: "bulk", batchId: batch.id });

    const undone = await lead.annotations.undoBulk({ batchId: batch.id });
    expect(undone.undoneBy).toBe("lead");
    const after = await lead.trajectories.list({ filter: { run: "teacher-run" } });
    expect(after.rows.map((r) => [r.id, r.verdict])).toEqual(before.rows.map((r) => [r.id, r.verdict]));
    expect((await lead.annotations.audit({ trajectoryId: ids[3]! }))[0]).toMatchObject({ action: "bulk_undo", before: "reject" });
    await expect(lead.annotations.undoBulk({ batchId: batch.id })).rejects.toThrow(/undone already/);
    expect((await lead.annotations.batches())[0]).toMatchObject({ id: batch.id, undoneBy: "lead" });
  });
});
