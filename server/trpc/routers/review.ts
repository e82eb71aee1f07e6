// Team review: queues, the next item for the caller, blind items, agreement and adjudication.
import { z } from "zod";
import { addAnnotation, annotationInput } from "@/server/annotations/annotations";
import { queueAgreement } from "@/server/review/queue-agreement";
import { createQueue, getQueue, itemFor, listQueues, nextItem, progressOf, queueInput, queueItems } from "@/server/review/queues";
import { annotatorProcedure, callerOf, researcherProcedure, router, viewerProcedure } from "../init";

const id = z.number().int().positive();

export const reviewRouter = router({
  /** Freeze a filtered set of trajectories into a queue (a researcher sets it up). */
  create: researcherProcedure.input(queueInput).mutation(({ ctx, input }) => createQueue(ctx.db, callerOf(ctx), input)),
  /** Every queue with its progress. */
  list: viewerProcedure.query(async ({ ctx }) => {
    const queues = await listQueues(ctx.db);
    return Promise.all(queues.map(async (q) => ({ ...q, trajectoryIds: undefined, progress: progressOf(q, await queueItems(ctx.db, q)) })));
  }),
  get: viewerProcedure.input(z.object({ id })).query(async ({ ctx, input }) => {
    const queue = await getQueue(ctx.db, input.id);
    return { ...queue, progress: progressOf(queue, await queueItems(ctx.db, queue)) };
  }),
  /** The next item that still needs the caller (after `after`, to skip one). */
  next: annotatorProcedure
    .input(z.object({ id, after: id.optional() }))
    .query(({ ctx, input }) => nextItem(ctx.db, input.id, callerOf(ctx), input.after)),
  /** One item's verdicts as the caller may see them (blind: the others' only after one's own). */
  item: annotatorProcedure
    .input(z.object({ id, trajectoryId: id }))
    .query(({ ctx, input }) => itemFor(ctx.db, input.id, input.trajectoryId, callerOf(ctx))),
  /** Agreement per queue and per pair of annotators, and the items they disagree on. */
  agreement: viewerProcedure.input(z.object({ id, withGrader: z.boolean().default(false) })).query(({ ctx, input }) => {
    // An annotator of a blind queue sees the disagreements on items they judged, not the rest.
    const seesAll = ctx.actor?.role !== "annotator";
    return queueAgreement(ctx.db, input.id, { withGrader: input.withGrader, blindFor: seesAll ? undefined : callerOf(ctx).name });
  }),
  /** Record an adjudicator's final verdict, which wins over the annotators' (and datasets use it). */
  adjudicate: researcherProcedure
    .input(annotationInput)
    .mutation(({ ctx, input }) => addAnnotation(ctx.db, callerOf(ctx), input, { final: true })),
});
