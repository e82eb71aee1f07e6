// Bulk verdicts: accept or reject every trajectory of a filtered set in one action, recorded as one
// batch (who, when, the filter, the verdict, how many) with one audited change per trajectory; the
// whole batch can be undone, which removes exactly its verdicts and audits that too.
import { and, desc, eq, isNull } from "drizzle-orm";
import { z } from "zod";
import type { Db } from "@/db/client";
import { annotations, verdictBatches } from "@/db/schema";
import { InputError } from "@/server/errors";
import { trajectoryFilter } from "@/server/trajectories/filter-schema";
import { matchingIds } from "@/server/trajectories/list";
import { annotatorOf, type Annotator } from "./annotations";
import { REJECT_REASONS, VERDICTS } from "./reasons";
import { changeVerdicts } from "./verdicts";

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
    await changeVerdicts(tx, annotator, ids, async (existing) => {
      const values = existing.map((trajectoryId) => ({
        trajectoryId,
        ...by,
        verdict: input.verdict,
        reason,
        note: input.note,
        batchId: batch!.id,
      }));
      if (values.length > 0) await tx.insert(annotations).values(values);
      return { action: "bulk", verdict: input.verdict, reason, batchId: batch!.id };
    });
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
      await changeVerdicts(tx, annotator, ids, async () => {
        await tx.delete(annotations).where(eq(annotations.batchId, batchId));
        return { action: "bulk_undo", verdict: batch.verdict, reason: batch.reason, batchId };
      });
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
