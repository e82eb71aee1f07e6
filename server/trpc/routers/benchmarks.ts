import { TRPCError } from "@trpc/server";
import { z } from "zod";
import { answerableInput, createAnswerableSubset } from "@/server/benchmarks/answerable";
import { generateBenchmark, generateInput } from "@/server/benchmarks/generate";
import { importBenchmarks, listBenchmarks } from "@/server/benchmarks/import";
import { getBenchmark, listQuestions, questionPageInput } from "@/server/benchmarks/questions";
import { checkEndpointChoice, retrieverTarget } from "@/server/endpoints/registry";
import { InputError } from "@/server/errors";
import { openRetriever, RetrievalConfigError } from "@/server/tools/retrieval";
import { researcherProcedure, viewerProcedure, router } from "../init";

function retrieverFor(value: string) {
  checkEndpointChoice(value, "retriever", "retriever"); // team mode: configured names only
  const { spec, apiKey } = retrieverTarget(value);
  try {
    return openRetriever(spec, { remote: { apiKey } });
  } catch (err) {
    if (err instanceof RetrievalConfigError) throw new InputError(err.message);
    throw err;
  }
}

export const benchmarksRouter = router({
  list: viewerProcedure.query(({ ctx }) => listBenchmarks(ctx.db)),
  get: viewerProcedure.input(z.object({ id: z.number().int().positive() })).query(async ({ ctx, input }) => {
    const benchmark = await getBenchmark(ctx.db, input.id);
    if (!benchmark) throw new TRPCError({ code: "NOT_FOUND", message: `no benchmark with id ${input.id}` });
    return benchmark;
  }),
  questions: viewerProcedure.input(questionPageInput).query(({ ctx, input }) => listQuestions(ctx.db, input)),
  import: researcherProcedure.mutation(({ ctx }) => importBenchmarks(ctx.db)),
  /** A QA benchmark's questions whose answer the retriever finds, as a benchmark of its own. */
  answerable: researcherProcedure
    .input(answerableInput)
    .mutation(({ ctx, input }) => createAnswerableSubset(ctx.db, retrieverFor(input.retriever), input)),
  /** Questions from a task generator (reasoning-gym), stored as a benchmark; idempotent. */
  generate: researcherProcedure.input(generateInput).mutation(({ ctx, input }) => generateBenchmark(ctx.db, input)),
});
