import { z } from "zod";
import { addAnnotation, annotationHistory, annotationInput, undoAnnotation, type Annotator } from "@/server/annotations/annotations";
import { annotateByRule, ruleAnnotationInput } from "@/server/annotations/rule";
import { annotatorProcedure, researcherProcedure, router, viewerProcedure, type Context } from "../init";

const trajectoryId = z.number().int().positive();
/** The session's account in team mode; otherwise the caller's name. */
const annotatorOf = (ctx: Context): Annotator => ctx.actor ?? ctx.user;

export const annotationsRouter = router({
  /** Record a verdict by the caller (server/auth/request.ts says who); the newest verdict wins. */
  add: annotatorProcedure.input(annotationInput).mutation(({ ctx, input }) => addAnnotation(ctx.db, annotatorOf(ctx), input)),
  /** Remove the caller's newest annotation on the trajectory (undo). */
  undo: annotatorProcedure
    .input(z.object({ trajectoryId }))
    .mutation(async ({ ctx, input }) => ({ removed: await undoAnnotation(ctx.db, annotatorOf(ctx), input.trajectoryId) })),
  /** Accept or reject every trajectory of the runs by a named rule; a person's verdict is never overridden. */
  applyRule: researcherProcedure.input(ruleAnnotationInput).mutation(({ ctx, input }) => annotateByRule(ctx.db, input)),
  history: viewerProcedure.input(z.object({ trajectoryId })).query(({ ctx, input }) => annotationHistory(ctx.db, input.trajectoryId)),
});
