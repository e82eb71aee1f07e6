import { TRPCError } from "@trpc/server";
import { z } from "zod";
import { importBenchmarks, listBenchmarks } from "@/server/benchmarks/import";
import { getBenchmark, listQuestions, questionPageInput } from "@/server/benchmarks/questions";
import { publicProcedure, router } from "../init";

export const benchmarksRouter = router({
  list: publicProcedure.query(({ ctx }) => listBenchmarks(ctx.db)),
  get: publicProcedure.input(z.object({ id: z.number().int().positive() })).query(async ({ ctx, input }) => {
    const benchmark = await getBenchmark(ctx.db, input.id);
    if (!benchmark) throw new TRPCError({ code: "NOT_FOUND", message: `no benchmark with id ${input.id}` });
    return benchmark;
  }),
  questions: publicProcedure.input(questionPageInput).query(({ ctx, input }) => listQuestions(ctx.db, input)),
  import: publicProcedure.mutation(({ ctx }) => importBenchmarks(ctx.db)),
});
