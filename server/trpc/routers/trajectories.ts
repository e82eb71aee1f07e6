import { TRPCError } from "@trpc/server";
import { stepTokenScores } from "@/server/distill/scores";
import { z } from "zod";
import { visibleVerdicts } from "@/server/review/blind";
import { getCandidate, getStepText, getTrajectory } from "@/server/trajectories/detail";
import { trajectoryFilter } from "@/server/trajectories/filters";
import { ftpOutcomeChanges, ftpPartners } from "@/server/trajectories/ftp";
import { countTrajectories, listTrajectories, neighbours, queueProgress } from "@/server/trajectories/list";
import { comparableTrajectories, pairTrajectories } from "@/server/trajectories/pair";
import { viewerProcedure, router } from "../init";

const id = z.number().int().positive();
const cursor = z.object({ after: id.optional(), before: id.optional() }).optional();

function orNotFound<T>(value: T | null, what: string): T {
  if (value === null) throw new TRPCError({ code: "NOT_FOUND", message: `no ${what}` });
  return value;
}

export const trajectoriesRouter = router({
  list: viewerProcedure
    .input(z.object({ filter: trajectoryFilter, cursor, limit: z.number().int().min(1).max(200).default(50) }))
    .query(({ ctx, input }) => listTrajectories(ctx.db, input.filter, { cursor: input.cursor, limit: input.limit })),
  count: viewerProcedure.input(z.object({ filter: trajectoryFilter })).query(({ ctx, input }) => countTrajectories(ctx.db, input.filter)),
  get: viewerProcedure.input(z.object({ id, full: z.boolean().default(false) })).query(async ({ ctx, input }) => {
    const trajectory = orNotFound(await getTrajectory(ctx.db, input.id, { full: input.full }), `trajectory ${input.id}`);
    return { ...trajectory, annotations: await visibleVerdicts(ctx.db, ctx.actor, input.id, trajectory.annotations) };
  }),
  stepText: viewerProcedure
    .input(z.object({ stepId: id }))
    .query(async ({ ctx, input }) => orNotFound(await getStepText(ctx.db, input.stepId), `step ${input.stepId}`)),
  candidate: viewerProcedure
    .input(z.object({ candidateId: id }))
    .query(async ({ ctx, input }) => orNotFound(await getCandidate(ctx.db, input.candidateId), `candidate ${input.candidateId}`)),
  /** Per-token teacher/student logprobs by step, for a distillation round's episode; null when never scored. */
  tokenScores: viewerProcedure.input(z.object({ id })).query(({ ctx, input }) => stepTokenScores(ctx.db, input.id)),
  neighbours: viewerProcedure
    .input(z.object({ id, filter: trajectoryFilter }))
    .query(({ ctx, input }) => neighbours(ctx.db, input.filter, input.id)),
  queueProgress: viewerProcedure
    .input(z.object({ filter: trajectoryFilter, id: id.optional() }))
    .query(({ ctx, input }) => queueProgress(ctx.db, input.filter, input.id)),
  /** The first trajectory of a filter at or after `from` (the review queue's entry point). */
  first: viewerProcedure.input(z.object({ filter: trajectoryFilter })).query(async ({ ctx, input }) => {
    const page = await listTrajectories(ctx.db, input.filter, { limit: 1 });
    return page.rows[0]?.id ?? null;
  }),
  /** Two trajectories side by side: steps aligned, the first divergence, whether the answers differ. */
  pair: viewerProcedure.input(z.object({ a: id, b: id })).query(({ ctx, input }) => pairTrajectories(ctx.db, input.a, input.b)),
  /** The other trajectories of the same question (any run, any sample), newest runs first. */
  comparable: viewerProcedure.input(z.object({ id })).query(({ ctx, input }) => comparableTrajectories(ctx.db, input.id)),
  ftpPartners: viewerProcedure.input(z.object({ id })).query(({ ctx, input }) => ftpPartners(ctx.db, input.id)),
  ftpChanges: viewerProcedure
    .input(z.object({ run: z.string().min(1), partner: z.string().optional() }))
    .query(async ({ ctx, input }) => orNotFound(await ftpOutcomeChanges(ctx.db, input.run, input.partner), `run named "${input.run}"`)),
});
