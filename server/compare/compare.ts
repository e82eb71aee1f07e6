// Everything the compare page draws for a set of runs, in one request: the runs themselves and
// the data of charts 1–5 (chart 6, loss curves, is its own query: it also takes train jobs).
import { z } from "zod";
import type { Db } from "@/db/client";
import { nameSchema } from "@/server/names";
import { accuracyByBenchmark, methodMatrix, sagComparison, teacherFtp, tokensPerQuestion } from "./charts";
import { loadCompareRuns } from "./runs";

export const MAX_COMPARE_RUNS = 50;

export const compareInput = z.object({
  runs: z.array(nameSchema).max(MAX_COMPARE_RUNS).default([]),
});
export const lossCurvesInput = compareInput.extend({
  trainJobs: z.array(z.number().int().positive()).max(MAX_COMPARE_RUNS).default([]),
});

export async function compareRuns(db: Db, input: z.input<typeof compareInput>) {
  const { runs: names } = compareInput.parse(input);
  const { runs, missing } = await loadCompareRuns(db, [...new Set(names)]);
  return {
    runs,
    missing,
    accuracy: accuracyByBenchmark(runs),
    matrix: methodMatrix(runs),
    ftp: teacherFtp(runs),
    sag: sagComparison(runs),
    tokens: tokensPerQuestion(runs),
  };
}
export type CompareResult = Awaited<ReturnType<typeof compareRuns>>;
