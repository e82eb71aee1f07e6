import { z } from "zod";
import { addAnnotation, annotationHistory, annotationInput, undoAnnotation } from "@/server/annotations/annotations";
import { annotateByRule, ruleAnnotationInput } from "@/server/annotations/rule";
import { publicProcedure, router } from "../init";

const trajectoryId = z.number().int().positive();

export const annotationsRouter = router({
  /** Record a verdict by the calling user (header x-distillery-user); the newest verdict wins. */
  add: publicProcedure.input(annotationInput).mutation(({ ctx, input }) => addAnnotation(ctx.db, ctx.user, input)),
  /** Remove the caller's newest annotation on the trajectory (undo). */
  undo: publicProcedure
    .input(z.object({ trajectoryId }))
    .mutation(async ({ ctx, input }) => ({ removed: await undoAnnotation(ctx.db, ctx.user, input.trajectoryId) })),
  /** Accept or reject every trajectory of the runs by a named rule; a person's verdict is never overridden. */
  applyRule: publicProcedure.input(ruleAnnotationInput).mutation(({ ctx, input }) => annotateByRule(ctx.db, input)),
  history: publicProcedure.input(z.object({ trajectoryId })).query(({ ctx, input }) => annotationHistory(ctx.db, input.trajectoryId)),
});
