import { ZodError } from "zod";
import { connectApi } from "@/server/client/api";
import { runOrFollowJob } from "@/server/client/follow-job";
import { jobHandlers } from "@/server/wiring/job-handlers";
import { resolveTrainConfig, trainConfigInput } from "@/server/training/config";
import type { Command } from "../command";
import { printJson, table } from "../format";
import { inputFromFlags, optionsFromSchema, usageErrorFromZod } from "../schema-flags";

const help: Record<string, string> = {
  dataset: "dataset NAME[@VERSION] to train on",
  base: "base model: student (default) | teacher | embedded model id | a model directory inside the model cache or <data dir>/models/",
  name: "name of the trained student (default: <dataset>-<base>-lora)",
  backend: "local (child process here) | ray (an existing Ray cluster)",
  rayAddress: "a configured Ray endpoint's name, or the dashboard address, e.g. http://127.0.0.1:8265 (not in team mode)",
  epochs: "epochs (default 2)",
  maxSteps: "stop after N optimizer steps",
  lr: "learning rate (default 2e-4)",
  loraR: "LoRA rank (default 64)",
  loraAlpha: "LoRA alpha (default 128)",
  loraDropout: "LoRA dropout (default 0.05)",
  batchSize: "per-device batch (effective batch 8 with --grad-accum)",
  gradAccum: "gradient accumulation steps",
  maxLength: "max tokens per example (default 10240 agent / 4096 CoT)",
  seed: "seed (default 42)",
};

export const trainCommand: Command = {
  name: "train",
  summary: "fine-tune a student with LoRA on a dataset (local or Ray); resumable",
  usage: "--dataset NAME[@VERSION] [--base MODEL] [--backend local|ray] [overrides]",
  options: { ...optionsFromSchema(trainConfigInput, help), json: { type: "boolean", help: "print JSON" } },
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
      const result = job.result as { model: string; adapter: string; metrics: Record<string, unknown> };
      console.log(table([{ model: result.model, adapter: result.adapter, ...flatMetrics(result.metrics) }]));
    } finally {
      await conn.close();
    }
  },
};

function flatMetrics(metrics: Record<string, unknown>): Record<string, number> {
  return Object.fromEntries(Object.entries(metrics).filter(([, v]) => typeof v === "number")) as Record<string, number>;
}
