import { TRPCError } from "@trpc/server";
import { asc, eq } from "drizzle-orm";
import { z } from "zod";
import { jobMetrics } from "@/db/schema";
import { cancelJob, enqueueJob, getJob, listJobs } from "@/server/jobs/queue";
import { researcherProcedure, viewerProcedure, router } from "../init";

const byId = z.object({ id: z.number().int().positive() });

export const jobsRouter = router({
  /** The Jobs table's rows; the log tail and result come with `get`. */
  list: viewerProcedure.query(({ ctx }) => listJobs(ctx.db)),
  get: viewerProcedure.input(byId).query(async ({ ctx, input }) => {
    const job = await getJob(ctx.db, input.id);
    if (!job) throw new TRPCError({ code: "NOT_FOUND", message: `no job ${input.id}` });
    return job;
  }),
  metrics: viewerProcedure
    .input(byId)
    .query(({ ctx, input }) =>
      ctx.db
        .select({ step: jobMetrics.step, name: jobMetrics.name, value: jobMetrics.value })
        .from(jobMetrics)
        .where(eq(jobMetrics.jobId, input.id))
        .orderBy(asc(jobMetrics.step)),
    ),
  /** Queue the same job again (a training job resumes from its last checkpoint). */
  retry: researcherProcedure.input(byId).mutation(async ({ ctx, input }) => {
    const job = await getJob(ctx.db, input.id);
    if (!job) throw new TRPCError({ code: "NOT_FOUND", message: `no job ${input.id}` });
    if (job.status === "queued" || job.status === "running") {
      throw new TRPCError({ code: "BAD_REQUEST", message: `job ${input.id} is still ${job.status}` });
    }
    const copy = await enqueueJob(ctx.db, { kind: job.kind, backend: job.backend, config: job.config, experimentId: job.experimentId });
    return { jobId: copy.id };
  }),
  cancel: researcherProcedure.input(byId).mutation(async ({ ctx, input }) => ({ cancelled: await cancelJob(ctx.db, input.id) })),
});
