import os from "node:os";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DbHandle } from "@/db/client";
import { jobMetrics, jobs } from "@/db/schema";
import { createCallerFactory } from "@/server/trpc/init";
import { appRouter } from "@/server/trpc/router";
import { testDatabases } from "@/test/databases";
import { appendLog, cancelJob, claimJob, claimNextJob, enqueueJob, finishJob, getJob, recordMetrics, reapStaleJobs } from "./queue";
import { executeJob, JobFailure, reapDeadLocalJobs } from "./runner";

describe.each(testDatabases())("job queue on $name", ({ open }) => {
  let handle: DbHandle;
  beforeAll(async () => {
    handle = await open();
  });
  afterAll(async () => {
    await handle?.close();
  });

  it("hands each queued job to exactly one claimer, oldest first", async () => {
    const { db } = handle;
    const a = await enqueueJob(db, { kind: "generate", config: { n: 1 } });
    const b = await enqueueJob(db, { kind: "generate", config: { n: 2 } });
    const claims = await Promise.all([claimNextJob(db, "w1"), claimNextJob(db, "w2"), claimNextJob(db, "w3")]);
    const ids = claims
      .filter(Boolean)
      .map((j) => j!.id)
      .sort();
    expect(ids).toEqual([a.id, b.id].sort());
    expect(await claimJob(db, a.id, "w4")).toBeNull();
  });

  it("records a succeeded job's result, progress and metrics", async () => {
    const { db } = handle;
    const job = await enqueueJob(db, { kind: "train", config: {} });
    const claimed = (await claimJob(db, job.id, "me"))!;
    const status = await executeJob(db, claimed, async (ctx) => {
      ctx.progress(3, 3, "done");
      ctx.log("hello from the job");
      await ctx.metrics(1, { loss: 2.5, lr: 1e-4 });
      await ctx.metrics(1, { loss: 2.0 });
      return { adapter: "/tmp/x" };
    });
    expect(status).toBe("succeeded");
    const row = (await getJob(db, job.id))!;
    expect(row.result).toEqual({ adapter: "/tmp/x" });
    expect(row.progress).toEqual({ done: 3, total: 3, label: "done" });
    expect(row.logTail).toContain("hello from the job");
    const metrics = await db.select().from(jobMetrics).where(eq(jobMetrics.jobId, job.id));
    expect(metrics.find((m) => m.name === "loss")?.value).toBe(2.0);
  });

  it("marks a throwing job failed with its message in error and log tail", async () => {
    const { db } = handle;
    const job = (await claimJob(db, (await enqueueJob(db, { kind: "eval", config: {} })).id, "me"))!;
    const status = await executeJob(db, job, async (ctx) => {
      ctx.log("about to fail");
      throw new JobFailure("model endpoint http://127.0.0.1:1 is unreachable");
    });
    expect(status).toBe("failed");
    const row = (await getJob(db, job.id))!;
    expect(row.error).toMatch(/unreachable/);
    expect(row.logTail).toMatch(/about to fail[\s\S]*unreachable/);
  });

  it("keeps a cancelled job cancelled", async () => {
    const { db } = handle;
    const job = (await claimJob(db, (await enqueueJob(db, { kind: "eval", config: {} })).id, "me"))!;
    const status = await executeJob(db, job, async () => {
      await cancelJob(db, job.id);
      return {};
    });
    expect(status).toBe("cancelled");
  });

  it("fails running jobs whose process died or whose heartbeat stopped", async () => {
    const { db } = handle;
    const dead = (await claimJob(db, (await enqueueJob(db, { kind: "train", config: {} })).id, `${os.hostname()}:999999`))!;
    expect(await reapDeadLocalJobs(db)).toBeGreaterThanOrEqual(1);
    expect((await getJob(db, dead.id))!.status).toBe("failed");

    const silent = (await claimJob(db, (await enqueueJob(db, { kind: "train", config: {} })).id, "elsewhere:1"))!;
    await db
      .update(jobs)
      .set({ heartbeatAt: new Date(Date.now() - 120_000) })
      .where(eq(jobs.id, silent.id));
    expect(await reapStaleJobs(db)).toContain(silent.id);
    expect((await getJob(db, silent.id))!.error).toMatch(/no heartbeat/);
  });

  it("records metrics idempotently per (job, name, step)", async () => {
    const { db } = handle;
    const job = await enqueueJob(db, { kind: "train", config: {} });
    await recordMetrics(db, job.id, 5, { loss: 1 });
    await recordMetrics(db, job.id, 5, { loss: 0.5, nan: Number.NaN });
    const rows = await db.select().from(jobMetrics).where(eq(jobMetrics.jobId, job.id));
    expect(rows.map((r) => [r.name, r.value])).toEqual([["loss", 0.5]]);
  });

  it("lists jobs without their log tail or result; the job itself keeps both", async () => {
    const { db } = handle;
    const job = (await claimJob(db, (await enqueueJob(db, { kind: "train", config: { dataset: "d" } })).id, "me"))!;
    await appendLog(db, job.id, "x".repeat(10_000));
    await finishJob(db, job.id, { status: "failed", result: { adapter: "/tmp/a" }, error: "out of memory" });
    const api = createCallerFactory(appRouter)({ db, user: "test" });

    const row = (await api.jobs.list()).find((j) => j.id === job.id)!;
    expect(row).toMatchObject({ kind: "train", status: "failed", error: "out of memory", config: { dataset: "d" } });
    expect(row).not.toHaveProperty("logTail");
    expect(row).not.toHaveProperty("result");

    const full = await api.jobs.get({ id: job.id });
    expect(full.logTail).toHaveLength(10_000);
    expect(full.result).toEqual({ adapter: "/tmp/a" });
  });
});
