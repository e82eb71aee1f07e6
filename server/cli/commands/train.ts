import { ZodError } from "zod";
import { connectApi } from "@/server/client/api";
import { runOrFollowJob } from "@/server/client/follow-job";
import { jobHandlers } from "@/server/wiring/job-handlers";
import { resolveTrainConfig, trainConfigInput } from "@/server/training/config";
import type { Command } from "../command";
import { printJson, table } from "../format";
import { helpFromSchema, inputFromFlags, optionsFromSchema, usageErrorFromZod } from "../schema-flags";

export const trainCommand: Command = {
  name: "train",
  summary: "fine-tune a student on a dataset, LoRA or full (local or Ray); resumable",
  usage: "--dataset NAME[@VERSION] [--base MODEL] [--backend local|ray] [overrides]",
  // Flags, help and defaults are the config schema's (and, for the trainer's own fields, its contract's).
  options: { ...optionsFromSchema(trainConfigInput, helpFromSchema(trainConfigInput)), json: { type: "boolean", help: "print JSON" } },
  async run(args) {
    const input = inputFromFlags(trainConfigInput, args);
    try {
      resolveTrainConfig(input);
    } catch (err) {
      if (err instanceof ZodError) throw usageErrorFromZod(err);
      throw err;
    }
    const conn = await connectApi();
    try {
      const { jobId, model } = await conn.api.training.train.mutate(input);
      if (!args.values.json) console.error(`training ${model} (job ${jobId}, via ${conn.via})`);
      const job = await runOrFollowJob(conn, jobId, model, jobHandlers().train!);
      if (args.values.json) return printJson({ id: job.id, status: job.status, result: job.result, error: job.error });
      if (job.status !== "succeeded") {
        console.error(`distillery: training ${model} ${job.status}: ${job.error ?? "see npx distillery jobs show " + job.id}`);
        return job.status === "cancelled" ? 130 : 1;
      }
      const result = job.result as { model: string; finetune: string; weights: string; metrics: Record<string, unknown> };
      console.log(table([{ model: result.model, finetune: result.finetune, weights: result.weights, ...flatMetrics(result.metrics) }]));
    } finally {
      await conn.close();
    }
  },
};

function flatMetrics(metrics: Record<string, unknown>): Record<string, number> {
  return Object.fromEntries(Object.entries(metrics).filter(([, v]) => typeof v === "number")) as Record<string, number>;
}
