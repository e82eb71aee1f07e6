// The effective verdict of a trajectory and the audit of every change to it. The annotations table
// is the log of verdicts; trajectories.latest_verdict is the verdict that counts — the newest
// adjudicated ("final") one where there is one, else the newest — recomputed in the transaction
// that changes the log, with the trajectory row locked so two annotators at once can't leave a
// stale verdict behind. Every change appends a verdict_events row: who, when, what, and the
// effective verdict before and after.
import { inArray, sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import { annotations, trajectories, verdictEvents } from "@/db/schema";
import type { Verdict } from "./reasons";

export type Tx = Parameters<Parameters<Db["transaction"]>[0]>[0];
export type VerdictEvent = typeof verdictEvents.$inferSelect;
/** Who changes verdicts: a name, and the account behind it in team mode. */
export type Who = { name: string; userId: string | null };

export const latestVerdictSql = trajectories.latestVerdict;

/** The effective verdict, as SQL over the annotations of the trajectory in `id`. */
export const effectiveVerdictOf = (id: unknown) =>
  sql`(select a.verdict from ${annotations} a where a.trajectory_id = ${id}
    order by (a.kind = 'final') desc, a.created_at desc, a.id desc limit 1)`;

export type Change = {
  trajectoryId: number;
  action: VerdictEvent["action"];
  verdict: Verdict;
  reason: string | null;
  before: Verdict | null;
  after: Verdict | null;
  batchId?: number | null;
};
/** What a change did, the same for each trajectory it touched (the audit adds before and after). */
export type ChangeEvent = Omit<Change, "trajectoryId" | "before" | "after">;

/**
 * The one way verdicts change: the rows of trajectories `ids` locked (in id order, so concurrent
 * changes cannot deadlock), `change` applied to those that exist, their effective verdicts
 * recomputed, and one audit row per trajectory with its verdict before and after. `change` returns
 * what it did, or null when it did nothing (nothing is recomputed or audited then).
 */
export async function changeVerdicts(
  tx: Tx,
  who: Who,
  ids: number[],
  change: (existing: number[]) => Promise<ChangeEvent | null>,
): Promise<void> {
  const locked = await tx
    .select({ id: trajectories.id, verdict: trajectories.latestVerdict })
    .from(trajectories)
    .where(inArray(trajectories.id, ids))
    .orderBy(trajectories.id)
    .for("update");
  const event = await change(locked.map((r) => r.id));
  if (!event || locked.length === 0) return;
  const refreshed = await tx
    .update(trajectories)
    .set({ latestVerdict: effectiveVerdictOf(trajectories.id) })
    .where(inArray(trajectories.id, ids))
    .returning({ id: trajectories.id, verdict: trajectories.latestVerdict });
  const after = new Map(refreshed.map((r) => [r.id, r.verdict]));
  await tx.insert(verdictEvents).values(
    locked.map((r) => ({
      ...event,
      trajectoryId: r.id,
      before: r.verdict,
      after: after.get(r.id) ?? null,
      batchId: event.batchId ?? null,
      userName: who.name,
      userId: who.userId,
    })),
  );
}
