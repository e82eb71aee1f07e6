import { desc, eq, sql } from "drizzle-orm";
import { z } from "zod";
import { experiments } from "@/db/schema";
import { nameSchema } from "@/server/names";
import { researcherProcedure, viewerProcedure, router } from "../init";

const stepState = z.object({
  id: z.string(),
  kind: z.string(),
  status: z.string(),
  jobId: z.number().int().optional(),
  product: z.string().optional(),
  summary: z.string().optional(),
  error: z.string().optional(),
  wallS: z.number().int().nonnegative().optional(),
});

export const experimentsRouter = router({
  list: viewerProcedure.query(({ ctx }) => ctx.db.select().from(experiments).orderBy(desc(experiments.updatedAt))),
  /** Create the experiment, or take it up again after a crash (its recipe is replaced; the steps recorded so far are returned). */
  start: researcherProcedure
    .input(z.object({ name: nameSchema, recipe: z.record(z.string(), z.unknown()), steps: z.array(stepState) }))
    .mutation(async ({ ctx, input }) => {
      const [row] = await ctx.db
        .insert(experiments)
        .values({ name: input.name, recipe: input.recipe, steps: input.steps, status: "running" })
        .onConflictDoUpdate({
          target: experiments.name,
          set: { recipe: input.recipe, status: "running", updatedAt: sql`now()` },
        })
        .returning();
      return row!;
    }),
  update: researcherProcedure
    .input(z.object({ id: z.number().int(), status: z.enum(["running", "succeeded", "failed", "cancelled"]), steps: z.array(stepState) }))
    .mutation(async ({ ctx, input }) => {
      await ctx.db
        .update(experiments)
        .set({ status: input.status, steps: input.steps, updatedAt: sql`now()` })
        .where(eq(experiments.id, input.id));
    }),
});
