import { TRPCError } from "@trpc/server";
import { z } from "zod";
import { enqueueJob } from "@/server/jobs/queue";
import { checkRunEndpoints } from "@/server/runs/endpoints";
import { resolveRunConfig, runConfigInput } from "@/server/runs/config";
import { findBenchmark } from "@/server/runs/generate";
import { getRunByName, listRuns } from "@/server/runs/stats";
import { runFailures } from "@/server/trajectories/failures";
import { probeSandbox } from "@/server/tools/sandbox/probe";
import { researcherProcedure, viewerProcedure, router } from "../init";

export const runsRouter = router({
  list: viewerProcedure.query(({ ctx }) => listRuns(ctx.db)),
  get: viewerProcedure.input(z.object({ name: z.string() })).query(async ({ ctx, input }) => {
    const run = await getRunByName(ctx.db, input.name);
    if (!run) throw new TRPCError({ code: "NOT_FOUND", message: `no run named "${input.name}"` });
    return run;
  }),
  /** Why the run's wrong trajectories are wrong: one failure kind each (server/trajectories/failures.ts). */
  failures: viewerProcedure.input(z.object({ name: z.string() })).query(async ({ ctx, input }) => {
    const run = await getRunByName(ctx.db, input.name);
    if (!run) throw new TRPCError({ code: "NOT_FOUND", message: `no run named "${input.name}"` });
    return { run: run.name, mode: run.mode, trajectories: run.stats.trajectories, ...(await runFailures(ctx.db, run.id)) };
  }),
  /** Queue a generation run (agent / CoT / CoT+RAG) as a job; the same name resumes a run. */
  generate: researcherProcedure.input(runConfigInput).mutation(async ({ ctx, input }) => {
    const config = resolveRunConfig(input);
    checkRunEndpoints(config);
    await findBenchmark(ctx.db, config); // a wrong name is the caller's error, not a failed job
    await probeSandbox(config); // fail closed: refuse to queue a run whose code can't be isolated
    const job = await enqueueJob(ctx.db, { kind: config.role === "student" ? "eval" : "generate", config });
    return { jobId: job.id, kind: job.kind, run: config.run };
  }),
});
