import { z } from "zod";
import { addAnnotation, annotationHistory, annotationInput, undoAnnotation, verdictAudit } from "@/server/annotations/annotations";
import { bulkInput, bulkVerdict, recentBatches, undoBatch } from "@/server/annotations/bulk";
import { visibleVerdicts } from "@/server/review/blind";
import { trajectoryFilter } from "@/server/trajectories/filter-schema";
import { countTrajectories } from "@/server/trajectories/list";
import { annotateByRule, ruleAnnotationInput } from "@/server/annotations/rule";
import { annotatorProcedure, callerOf, researcherProcedure, router, viewerProcedure } from "../init";

const trajectoryId = z.number().int().positive();

export const annotationsRouter = router({
  /** Record a verdict by the caller (server/auth/request.ts says who); the newest verdict wins. */
  add: annotatorProcedure.input(annotationInput).mutation(({ ctx, input }) => addAnnotation(ctx.db, callerOf(ctx), input)),
  /** Remove the caller's newest annotation on the trajectory (undo). */
  undo: annotatorProcedure
    .input(z.object({ trajectoryId }))
    .mutation(async ({ ctx, input }) => ({ removed: await undoAnnotation(ctx.db, callerOf(ctx), input.trajectoryId) })),
  /** Accept or reject every trajectory of the runs by a named rule; a person's verdict is never overridden. */
  applyRule: researcherProcedure.input(ruleAnnotationInput).mutation(({ ctx, input }) => annotateByRule(ctx.db, input)),
  /** How many trajectories a bulk verdict on this filter would touch. */
  bulkPreview: researcherProcedure
    .input(z.object({ filter: trajectoryFilter }))
    .query(async ({ ctx, input }) => ({ count: await countTrajectories(ctx.db, input.filter) })),
  /** Accept or reject every trajectory of a filtered set: one audited batch. */
  bulk: researcherProcedure.input(bulkInput).mutation(({ ctx, input }) => bulkVerdict(ctx.db, callerOf(ctx), input)),
  /** Undo a whole batch. */
  undoBulk: researcherProcedure
    .input(z.object({ batchId: z.number().int().positive() }))
    .mutation(({ ctx, input }) => undoBatch(ctx.db, callerOf(ctx), input.batchId)),
  batches: viewerProcedure.query(({ ctx }) => recentBatches(ctx.db)),
  /** Every change of a trajectory's verdicts: who, when, before and after. */
  audit: viewerProcedure
    .input(z.object({ trajectoryId }))
    .query(async ({ ctx, input }) =>
      visibleVerdicts(ctx.db, ctx.actor, input.trajectoryId, await verdictAudit(ctx.db, input.trajectoryId)),
    ),
  history: viewerProcedure
    .input(z.object({ trajectoryId }))
    .query(async ({ ctx, input }) =>
      visibleVerdicts(ctx.db, ctx.actor, input.trajectoryId, await annotationHistory(ctx.db, input.trajectoryId)),
    ),
});
