// Runs jobs: claims them from the queue, dispatches by kind, heartbeats while they run (with
// progress), turns a cancel in the DB into an AbortSignal, and records the outcome. The same code
// runs a job inside the workbench server or inside a CLI process that holds the database.
import os from "node:os";
import { and, eq, like } from "drizzle-orm";
import type { Db } from "@/db/client";
import { jobs } from "@/db/schema";
import { alive } from "@/server/runtime/owner";
import {
  appendLog,
  claimNextJob,
  finishJob,
  heartbeat,
  HEARTBEAT_MS,
  recordMetrics,
  reapStaleJobs,
  type Job,
  type JobKind,
  type JobProgress,
} from "./queue";

export type JobContext = {
  db: Db;
  job: Job;
  signal: AbortSignal;
  progress: (done: number, total: number, label?: string) => void;
  log: (line: string) => void;
  metrics: (step: number, values: Record<string, number>) => Promise<void>;
};

export type JobHandler = (ctx: JobContext) => Promise<Record<string, unknown>>;

/** Thrown by a handler to fail with a message meant for the user (no stack trace). */
export class JobFailure extends Error {}

export const workerId = () => `${os.hostname()}:${process.pid}`;

/** Fail at once the running jobs of dead processes on this host (no need to wait for staleness). */
export async function reapDeadLocalJobs(db: Db): Promise<number> {
  const running = await db
    .select({ id: jobs.id, claimedBy: jobs.claimedBy })
    .from(jobs)
    .where(and(eq(jobs.status, "running"), like(jobs.claimedBy, `${os.hostname()}:%`)));
  let reaped = 0;
  for (const job of running) {
    const pid = Number(job.claimedBy?.split(":").pop());
    if (Number.isInteger(pid) && pid !== process.pid && !alive(pid)) {
      await finishJob(db, job.id, { status: "failed", error: "the job's process died; see the log tail" });
      reaped++;
    }
  }
  return reaped + (await reapStaleJobs(db)).length;
}

/** Run one claimed job to its end. Never throws: the outcome is written to the job row. */
export async function executeJob(db: Db, job: Job, handler: JobHandler, onProgress?: (p: JobProgress) => void): Promise<Job["status"]> {
  const abort = new AbortController();
  let latest: JobProgress | undefined;
  let pendingLog = "";
  const flush = async () => {
    const text = pendingLog;
    pendingLog = "";
    await appendLog(db, job.id, text);
  };
  const beat = async () => {
    await flush();
    const status = await heartbeat(db, job.id, latest);
    if (status === "cancelled") abort.abort(new JobFailure("cancelled"));
  };
  const timer = setInterval(() => void beat().catch(() => {}), HEARTBEAT_MS);
  const ctx: JobContext = {
    db,
    job,
    signal: abort.signal,
    progress: (done, total, label) => {
      latest = { done, total, ...(label ? { label } : {}) };
      onProgress?.(latest);
    },
    log: (line) => {
      pendingLog += line.endsWith("\n") ? line : line + "\n";
    },
    metrics: (step, values) => recordMetrics(db, job.id, step, values),
  };
  try {
    const result = await handler(ctx);
    clearInterval(timer);
    await beat();
    await finishJob(db, job.id, { status: abort.signal.aborted ? "cancelled" : "succeeded", result });
  } catch (err) {
    clearInterval(timer);
    const message = err instanceof Error ? err.message : String(err);
    ctx.log(err instanceof JobFailure || abort.signal.aborted ? message : String((err as Error)?.stack ?? message));
    await flush().catch(() => {});
    await finishJob(db, job.id, { status: abort.signal.aborted ? "cancelled" : "failed", error: message });
  }
  const [row] = await db.select({ status: jobs.status }).from(jobs).where(eq(jobs.id, job.id));
  return row?.status ?? "failed";
}

/** A loop that keeps claiming and running jobs of the given kinds until stopped. */
export function startJobLoop(db: Db, handlers: Partial<Record<JobKind, JobHandler>>, pollMs = 1_000) {
  let stopped = false;
  const kinds = Object.keys(handlers) as JobKind[];
  const loop = async () => {
    await reapDeadLocalJobs(db).catch(() => {});
    while (!stopped) {
      const job = await claimNextJob(db, workerId(), kinds).catch(() => null);
      if (job) {
        await executeJob(db, job, handlers[job.kind]!);
        continue;
      }
      await reapStaleJobs(db).catch(() => {});
      await new Promise((r) => setTimeout(r, pollMs));
    }
  };
  const done = loop();
  return {
    stop: async () => {
      stopped = true;
      await done;
    },
  };
}
