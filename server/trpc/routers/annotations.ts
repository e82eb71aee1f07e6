import { z } from "zod";
import { addAnnotation, annotationHistory, annotationInput, undoAnnotation } from "@/server/annotations/annotations";
import { publicProcedure, router } from "../init";

const trajectoryId = z.number().int().positive();

export const annotationsRouter = router({
  /** Record a verdict by the calling user (header x-distillery-user); the newest verdict wins. */
  add: publicProcedure.input(annotationInput).mutation(({ ctx, input }) => addAnnotation(ctx.db, ctx.user, input)),
  /** Remove the caller's newest annotation on the trajectory (undo). */
  undo: publicProcedure
    .input(z.object({ trajectoryId }))
    .mutation(async ({ ctx, input }) => ({ removed: await undoAnnotation(ctx.db, ctx.user, input.trajectoryId) })),
  history: publicProcedure.input(z.object({ trajectoryId })).query(({ ctx, input }) => annotationHistory(ctx.db, input.trajectoryId)),
});
