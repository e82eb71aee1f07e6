// The latest verdict of a trajectory. The annotations table is the log; trajectories.latest_verdict
// is its newest entry, recomputed in the transaction that changes the log (with the trajectory
// row locked, so two annotators at once can't leave a stale verdict behind).
import { eq, sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import { annotations, trajectories } from "@/db/schema";

type Tx = Parameters<Parameters<Db["transaction"]>[0]>[0];

export const latestVerdictSql = trajectories.latestVerdict;

export async function lockTrajectory(tx: Tx, trajectoryId: number): Promise<boolean> {
  const rows = await tx.select({ id: trajectories.id }).from(trajectories).where(eq(trajectories.id, trajectoryId)).for("update");
  return rows.length > 0;
}

export async function refreshLatestVerdict(tx: Tx, trajectoryId: number): Promise<void> {
  await tx
    .update(trajectories)
    .set({
      latestVerdict: sql`(select a.verdict from ${annotations} a where a.trajectory_id = ${trajectoryId}
        order by a.created_at desc, a.id desc limit 1)`,
    })
    .where(eq(trajectories.id, trajectoryId));
}
