// Bulk verdicts: accept or reject every trajectory of a filtered set in one action, recorded as one
// batch (who, when, the filter, the verdict, how many) with one audited change per trajectory; the
// whole batch can be undone, which removes exactly its verdicts and audits that too.
import { and, desc, eq, inArray, isNull } from "drizzle-orm";
import { z } from "zod";
import type { Db } from "@/db/client";
import { annotations, trajectories, verdictBatches } from "@/db/schema";
import { InputError } from "@/server/errors";
import { trajectoryFilter } from "@/server/trajectories/filter-schema";
import { matchingIds } from "@/server/trajectories/list";
import { annotatorOf, type Annotator } from "./annotations";
import { REJECT_REASONS, VERDICTS } from "./reasons";
import { effectiveVerdictOf, recordChanges, type Change, type Tx, type Who } from "./verdicts";

/** The most trajectories one bulk action may touch. */
export const BULK_LIMIT = 5_000;

export const bulkInput = z
  .object({
    filter: trajectoryFilter,
    verdict: z.enum(VERDICTS),
    reason: z.enum(REJECT_REASONS).optional(),
    note: z.string().trim().min(1, "say why (a reason for the whole batch)").max(4000),
  })
  .refine((b) => b.verdict === "accept" || b.reason !== undefined, { message: "a rejection needs a reason", path: ["reason"] });
export type BulkInput = z.infer<typeof bulkInput>;
export type VerdictBatch = typeof verdictBatches.$inferSelect;

/**
 * Change the verdicts of many trajectories at once: their rows locked, `change` applied, their
 * effective verdicts recomputed, and one audit row per trajectory with its verdict before and after.
 */
async function changeMany(
  tx: Tx,
  who: Who,
  ids: number[],
  event: Omit<Change, "trajectoryId" | "before" | "after">,
  change: () => Promise<unknown>,
) {
  const locked = await tx
    .select({ id: trajectories.id, verdict: trajectories.latestVerdict })
    .from(trajectories)
    .where(inArray(trajectories.id, ids))
    .orderBy(trajectories.id)
    .for("update");
  const before = new Map(locked.map((r) => [r.id, r.verdict]));
  await change();
  const refreshed = await tx
    .update(trajectories)
    .set({ latestVerdict: effectiveVerdictOf(trajectories.id) })
    .where(inArray(trajectories.id, ids))
    .returning({ id: trajectories.id, verdict: trajectories.latestVerdict });
  const after = new Map(refreshed.map((r) => [r.id, r.verdict]));
  await recordChanges(
    tx,
    who,
    ids.map((id) => ({ ...event, trajectoryId: id, before: before.get(id) ?? null, after: after.get(id) ?? null })),
  );
}

export async function bulkVerdict(db: Db, who: Annotator, raw: BulkInput): Promise<VerdictBatch> {
  const input = bulkInput.parse(raw);
  const annotator = annotatorOf(who);
  const by = { userName: annotator.name, userId: annotator.userId };
  const ids = await matchingIds(db, input.filter, BULK_LIMIT);
  if (ids.length === 0) throw new InputError("the filter matches no trajectory; nothing to do");
  const reason = input.verdict === "reject" ? input.reason! : null;
  return db.transaction(async (tx) => {
    const [batch] = await tx
      .insert(verdictBatches)
      .values({
        ...by,
        verdict: input.verdict,
        reason,
        note: input.note,
        filter: input.filter as Record<string, unknown>,
        count: ids.length,
      })
      .returning();
    const event = { action: "bulk" as const, verdict: input.verdict, reason, batchId: batch!.id };
    await changeMany(tx, annotator, ids, event, () =>
      tx
        .insert(annotations)
        .values(ids.map((trajectoryId) => ({ trajectoryId, ...by, verdict: input.verdict, reason, note: input.note, batchId: batch!.id }))),
    );
    return batch!;
  });
}

/** Undo a whole batch: its verdicts are removed (verdicts given since stay), audited per trajectory. */
export async function undoBatch(db: Db, who: Annotator, batchId: number): Promise<VerdictBatch> {
  const annotator = annotatorOf(who);
  return db.transaction(async (tx) => {
    const [batch] = await tx.select().from(verdictBatches).where(eq(verdictBatches.id, batchId)).for("update");
    if (!batch) throw new InputError(`no bulk action ${batchId}`);
    if (batch.undoneAt) throw new InputError(`bulk action ${batchId} was undone already (by ${batch.undoneBy})`);
    const rows = await tx.select({ id: annotations.trajectoryId }).from(annotations).where(eq(annotations.batchId, batchId));
    const ids = [...new Set(rows.map((r) => r.id))].sort((a, b) => a - b);
    if (ids.length > 0) {
      const event = { action: "bulk_undo" as const, verdict: batch.verdict, reason: batch.reason, batchId };
      await changeMany(tx, annotator, ids, event, () => tx.delete(annotations).where(eq(annotations.batchId, batchId)));
    }
    const [undone] = await tx
      .update(verdictBatches)
      .set({ undoneAt: new Date(), undoneBy: annotator.name })
      .where(and(eq(verdictBatches.id, batchId), isNull(verdictBatches.undoneAt)))
      .returning();
    return undone!;
  });
}

export async function recentBatches(db: Db, limit = 20): Promise<VerdictBatch[]> {
  return db.select().from(verdictBatches).orderBy(desc(verdictBatches.createdAt), desc(verdictBatches.id)).limit(limit);
}
