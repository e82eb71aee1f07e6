// The effective verdict of a trajectory and the audit of every change to it. The annotations table
// is the log of verdicts; trajectories.latest_verdict is the verdict that counts — the newest
// adjudicated ("final") one where there is one, else the newest — recomputed in the transaction
// that changes the log, with the trajectory row locked so two annotators at once can't leave a
// stale verdict behind. Every change appends a verdict_events row: who, when, what, and the
// effective verdict before and after.
import { eq, sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import { annotations, trajectories, verdictEvents } from "@/db/schema";
import type { Verdict } from "./reasons";

export type Tx = Parameters<Parameters<Db["transaction"]>[0]>[0];
export type VerdictEvent = typeof verdictEvents.$inferSelect;
/** Who changes verdicts: a name, and the account behind it in team mode. */
export type Who = { name: string; userId: string | null };

export const latestVerdictSql = trajectories.latestVerdict;

/** Lock the trajectory's row; its effective verdict now, or undefined when there is no such trajectory. */
export async function lockTrajectory(tx: Tx, trajectoryId: number): Promise<{ verdict: Verdict | null } | undefined> {
  const [row] = await tx
    .select({ verdict: trajectories.latestVerdict })
    .from(trajectories)
    .where(eq(trajectories.id, trajectoryId))
    .for("update");
  return row;
}

/** The effective verdict, as SQL over the annotations of the trajectory in `id`. */
export const effectiveVerdictOf = (id: unknown) =>
  sql`(select a.verdict from ${annotations} a where a.trajectory_id = ${id}
    order by (a.kind = 'final') desc, a.created_at desc, a.id desc limit 1)`;

export async function refreshLatestVerdict(tx: Tx, trajectoryId: number): Promise<Verdict | null> {
  const [row] = await tx
    .update(trajectories)
    .set({ latestVerdict: effectiveVerdictOf(trajectoryId) })
    .where(eq(trajectories.id, trajectoryId))
    .returning({ verdict: trajectories.latestVerdict });
  return row?.verdict ?? null;
}

export type Change = {
  trajectoryId: number;
  action: VerdictEvent["action"];
  verdict: Verdict;
  reason: string | null;
  before: Verdict | null;
  after: Verdict | null;
  batchId?: number | null;
};

export async function recordChanges(tx: Tx, who: Who, changes: Change[]): Promise<void> {
  if (changes.length === 0) return;
  await tx.insert(verdictEvents).values(changes.map((c) => ({ ...c, batchId: c.batchId ?? null, userName: who.name, userId: who.userId })));
}
