// The job queue lives in the `jobs` table. Claiming uses SELECT … FOR UPDATE SKIP LOCKED so
// several workers can share a Postgres database; a running job heartbeats, and one whose
// heartbeat stops is marked failed with its log tail instead of staying "running" forever.
import { and, asc, desc, eq, inArray, lt, sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import { jobMetrics, jobs } from "@/db/schema";
import { scrubConfig } from "@/server/endpoints/config-scrub";
import { redact } from "@/server/endpoints/redact";

export type Job = typeof jobs.$inferSelect;
export type JobKind = Job["kind"];
export type JobProgress = NonNullable<Job["progress"]>;

const LOG_TAIL_CHARS = 16_000;
export const HEARTBEAT_MS = 5_000;
export const STALE_AFTER_MS = 60_000;

export async function enqueueJob(
  db: Db,
  job: { kind: JobKind; config: Record<string, unknown>; backend?: Job["backend"]; experimentId?: number | null },
): Promise<Job> {
  const [row] = await db
    .insert(jobs)
    // No credentials in a stored config: URL userinfo and ?api_key= are dropped (keys live in the environment).
    .values({ kind: job.kind, config: scrubConfig(job.config), backend: job.backend ?? "local", experimentId: job.experimentId })
    .returning();
  return row!;
}

/** Atomically take the oldest queued job (of the given kinds), marking it running for `workerId`. */
export async function claimNextJob(db: Db, workerId: string, kinds?: JobKind[]): Promise<Job | null> {
  return db.transaction(async (tx) => {
    const [next] = await tx
      .select({ id: jobs.id })
      .from(jobs)
      .where(and(eq(jobs.status, "queued"), kinds ? inArray(jobs.kind, kinds) : undefined))
      .orderBy(asc(jobs.id))
      .limit(1)
      .for("update", { skipLocked: true });
    if (!next) return null;
    const [claimed] = await tx
      .update(jobs)
      .set({ status: "running", claimedBy: workerId, startedAt: sql`now()`, heartbeatAt: sql`now()` })
      .where(eq(jobs.id, next.id))
      .returning();
    return claimed ?? null;
  });
}

/** Claim one specific queued job (the CLI running a job it just created). */
export async function claimJob(db: Db, id: number, workerId: string): Promise<Job | null> {
  const [claimed] = await db
    .update(jobs)
    .set({ status: "running", claimedBy: workerId, startedAt: sql`now()`, heartbeatAt: sql`now()` })
    .where(and(eq(jobs.id, id), eq(jobs.status, "queued")))
    .returning();
  return claimed ?? null;
}

/** Record liveness and progress; returns the job's current status (so a runner sees a cancel). */
export async function heartbeat(db: Db, id: number, progress?: JobProgress): Promise<Job["status"]> {
  const [row] = await db
    .update(jobs)
    .set({ heartbeatAt: sql`now()`, ...(progress ? { progress } : {}) })
    .where(eq(jobs.id, id))
    .returning({ status: jobs.status });
  return row?.status ?? "failed";
}

export async function appendLog(db: Db, id: number, text: string): Promise<void> {
  if (!text) return;
  const safe = redact(text);
  await db
    .update(jobs)
    .set({ logTail: sql`right(${jobs.logTail} || ${safe}, ${LOG_TAIL_CHARS})` })
    .where(eq(jobs.id, id));
}

export async function recordMetrics(db: Db, jobId: number, step: number, values: Record<string, number>) {
  const rows = Object.entries(values)
    .filter(([, v]) => Number.isFinite(v))
    .map(([name, value]) => ({ jobId, step, name, value }));
  if (rows.length === 0) return;
  await db
    .insert(jobMetrics)
    .values(rows)
    .onConflictDoUpdate({
      target: [jobMetrics.jobId, jobMetrics.name, jobMetrics.step],
      set: { value: sql`excluded.value` },
    });
}

/** End a running job; a job already cancelled stays cancelled. */
export async function finishJob(
  db: Db,
  id: number,
  outcome: { status: "succeeded" | "failed" | "cancelled"; result?: Record<string, unknown>; error?: string },
): Promise<void> {
  await db
    .update(jobs)
    .set({
      status: sql`case when ${jobs.status} = 'cancelled' then 'cancelled' else ${outcome.status} end`,
      result: outcome.result,
      error: outcome.error === undefined ? undefined : redact(outcome.error),
      finishedAt: sql`now()`,
    })
    .where(eq(jobs.id, id));
}

/** Cancel a queued or running job. A running job's runner notices at its next heartbeat. */
export async function cancelJob(db: Db, id: number): Promise<boolean> {
  const rows = await db
    .update(jobs)
    .set({ status: "cancelled", finishedAt: sql`now()` })
    .where(and(eq(jobs.id, id), inArray(jobs.status, ["queued", "running"])))
    .returning({ id: jobs.id });
  return rows.length > 0;
}

/** Mark running jobs whose heartbeat stopped as failed, keeping their log tail. */
export async function reapStaleJobs(db: Db, staleAfterMs = STALE_AFTER_MS): Promise<number[]> {
  const rows = await db
    .update(jobs)
    .set({
      status: "failed",
      error: "the job's process stopped (no heartbeat); see the log tail",
      finishedAt: sql`now()`,
    })
    .where(and(eq(jobs.status, "running"), lt(jobs.heartbeatAt, sql`now() - make_interval(secs => ${staleAfterMs / 1000})`)))
    .returning({ id: jobs.id });
  return rows.map((r) => r.id);
}

/** The columns the Jobs list shows. The log tail (up to 16 KB a job) and the result stay with
 *  `getJob`: the list is polled every 2 s while a job runs. */
const listColumns = {
  id: jobs.id,
  kind: jobs.kind,
  backend: jobs.backend,
  status: jobs.status,
  config: jobs.config, // small; the list derives each job's subject (dataset → student, run) from it
  progress: jobs.progress,
  error: jobs.error,
  createdAt: jobs.createdAt,
  startedAt: jobs.startedAt,
  finishedAt: jobs.finishedAt,
};
export type JobListRow = Pick<Job, keyof typeof listColumns>;

/** The newest jobs first, without their log tails. */
export async function listJobs(db: Db, limit = 200): Promise<JobListRow[]> {
  return db.select(listColumns).from(jobs).orderBy(desc(jobs.id)).limit(limit);
}

export async function getJob(db: Db, id: number): Promise<Job | null> {
  const [row] = await db.select().from(jobs).where(eq(jobs.id, id));
  return row ?? null;
}
