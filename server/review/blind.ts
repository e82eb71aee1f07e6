// Blind review outside the queue page: an annotator who may still take a trajectory in a blind
// queue, and has not judged it, sees only their own verdicts on it wherever the API shows verdicts
// (the trajectory page's verdict, its history, its audit) — opening the trajectory by its link must
// not undo the blindness. Researchers and viewers (who do not judge) see everything.
import { and, eq, sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import { annotations, reviewQueues } from "@/db/schema";
import type { Actor } from "@/server/auth/actor";

async function blindedFor(db: Db, name: string, trajectoryId: number): Promise<boolean> {
  const queues = await db
    .select({ allowed: reviewQueues.allowed })
    .from(reviewQueues)
    .where(and(eq(reviewQueues.blind, true), sql`${reviewQueues.trajectoryIds} @> ${JSON.stringify([trajectoryId])}::jsonb`));
  if (!queues.some((q) => !q.allowed || q.allowed.includes(name))) return false;
  const [own] = await db
    .select({ id: annotations.id })
    .from(annotations)
    .where(and(eq(annotations.trajectoryId, trajectoryId), eq(annotations.userName, name), eq(annotations.kind, "verdict")))
    .limit(1);
  return !own;
}

/** The rows of a trajectory's verdicts `actor` may see. */
export async function visibleVerdicts<T extends { userName: string }>(
  db: Db,
  actor: Actor | null | undefined,
  trajectoryId: number,
  rows: T[],
): Promise<T[]> {
  if (actor?.role !== "annotator" || !(await blindedFor(db, actor.name, trajectoryId))) return rows;
  return rows.filter((r) => r.userName === actor.name);
}
