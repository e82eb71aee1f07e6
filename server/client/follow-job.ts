// Runs or follows a job for a client process (the CLI, the experiment runner): in-process when
// this process holds the database, otherwise by polling the workbench that runs it. Either way a
// progress bar is drawn on a TTY.
import { claimJob, type Job } from "@/server/jobs/queue";
import { executeJob, reapDeadLocalJobs, workerId, type JobHandler } from "@/server/jobs/runner";
import type { ApiConnection } from "./api";
import { progressBar } from "./progress-bar";

export async function runOrFollowJob(conn: ApiConnection, jobId: number, title: string, handler: JobHandler): Promise<Job> {
  let bar: ReturnType<typeof progressBar> | null = null;
  const show = (p: Job["progress"]) => {
    if (!p) return;
    bar ??= progressBar(p.total, title);
    bar.tick(p.done, p.label);
  };
  try {
    if (conn.db) {
      await reapDeadLocalJobs(conn.db); // jobs of a CLI that was killed are failed, not left running
      const job = await claimJob(conn.db, jobId, workerId());
      if (!job) throw new Error(`job ${jobId} was already claimed by another worker`);
      const cancel = () => {
        void conn.api.jobs.cancel.mutate({ id: jobId });
      };
      process.once("SIGINT", cancel);
      await executeJob(conn.db, job, handler, show);
      process.off("SIGINT", cancel);
    } else {
      for (;;) {
        const job = await conn.api.jobs.get.query({ id: jobId });
        show(job.progress);
        if (job.status !== "queued" && job.status !== "running") break;
        await new Promise((r) => setTimeout(r, 1000));
      }
    }
  } finally {
    (bar as ReturnType<typeof progressBar> | null)?.finish();
  }
  return conn.api.jobs.get.query({ id: jobId });
}
