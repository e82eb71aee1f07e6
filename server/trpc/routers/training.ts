import { desc } from "drizzle-orm";
import { students } from "@/db/schema";
import { findDataset } from "@/server/datasets/create";
import { enqueueJob } from "@/server/jobs/queue";
import { resolveRunConfig } from "@/server/runs/config";
import { findBenchmark } from "@/server/runs/generate";
import { checkEndpointChoice } from "@/server/endpoints/registry";
import { storedBackendChoice } from "@/server/jobs/backends/choice";
import { checkModelRef } from "@/server/models/model-ref";
import { checkRunEndpoints } from "@/server/runs/endpoints";
import { distillConfigInput, resolveDistillConfig } from "@/server/distill/config";
import { checkTokenizerPair } from "@/server/distill/pair";
import { evaluateInput, resolveTrainConfig, storedTrainConfig, trainConfigInput } from "@/server/training/config";
import { researcherProcedure, viewerProcedure, router } from "../init";

export { evaluateInput };

export const trainingRouter = router({
  /** Queue a LoRA fine-tune of a dataset; the finished job registers the student model. */
  train: researcherProcedure.input(trainConfigInput).mutation(async ({ ctx, input }) => {
    const config = resolveTrainConfig(input);
    checkModelRef(config.base, "base");
    if (config.rayAddress) checkEndpointChoice(config.rayAddress, "ray", "rayAddress");
    await findDataset(ctx.db, config.dataset);
    const job = await enqueueJob(ctx.db, { kind: "train", backend: config.backend, config: storedTrainConfig(input) });
    return { jobId: job.id, model: config.name };
  }),
  /** Queue an on-policy distillation job; each finished round registers its student (NAME-rK). */
  distill: researcherProcedure.input(distillConfigInput).mutation(async ({ ctx, input }) => {
    const config = resolveDistillConfig(input);
    checkModelRef(config.teacher, "teacher");
    checkEndpointChoice(config.studentUrl, "model", "studentUrl");
    checkEndpointChoice(config.teacherUrl, "model", "teacherUrl");
    if (config.rayAddress) checkEndpointChoice(config.rayAddress, "ray", "rayAddress");
    await findBenchmark(ctx.db, config);
    if (config.evalLimit) await findBenchmark(ctx.db, { benchmark: config.evalBenchmark ?? config.benchmark, split: "test" });
    await checkTokenizerPair(ctx.db, config);
    const job = await enqueueJob(ctx.db, {
      kind: "distill",
      backend: config.backend,
      config: { ...storedBackendChoice(input), name: config.name },
    });
    return { jobId: job.id, name: config.name };
  }),
  students: viewerProcedure.query(({ ctx }) => ctx.db.select().from(students).orderBy(desc(students.id))),
  /** Queue an evaluation run of a student, with SAG on (sag > 1) or off. */
  evaluate: researcherProcedure.input(evaluateInput).mutation(async ({ ctx, input }) => {
    checkRunEndpoints({ modelUrl: input.modelUrl, model: input.model, retriever: "bm25" }); // before the model becomes part of a run name
    const config = resolveRunConfig({
      run: input.run ?? `eval-${input.model}-${input.benchmark}${input.sag > 1 ? `-sag${input.sag}` : ""}`,
      benchmark: input.benchmark,
      split: input.split,
      limit: input.limit,
      modelUrl: input.modelUrl,
      model: input.model,
      role: "student",
      sag: input.sag,
      maxSteps: input.maxSteps,
      tags: ["eval", input.sag > 1 ? "sag" : "no-sag"],
    });
    checkRunEndpoints(config);
    await findBenchmark(ctx.db, config);
    const job = await enqueueJob(ctx.db, { kind: "eval", config });
    return { jobId: job.id, run: config.run };
  }),
});
