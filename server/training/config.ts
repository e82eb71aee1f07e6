// One schema for a training job's config: the Jobs page form, the CLI's `train` flags and the
// stored job config. Defaults are the paper's (LoRA r 64, alpha 128, dropout 0.05, lr 2e-4,
// 2 epochs, effective batch 8); the trainer fills max length by dataset kind.
import { z } from "zod";
import { withoutUrlCredentials } from "@/server/endpoints/url";
import { nameSchema, toName } from "@/server/names";

export const trainConfigInput = z.object({
  dataset: z.string().min(1),
  base: z.string().min(1).default("student"),
  name: nameSchema.optional(),
  backend: z.enum(["local", "ray"]).default("local"),
  /** A configured Ray endpoint's name, or the dashboard URL (single-user mode only). */
  rayAddress: z.union([z.url({ protocol: /^https?$/ }), nameSchema]).optional(),
  epochs: z.number().positive().default(2),
  maxSteps: z.number().int().positive().optional(),
  lr: z.number().positive().default(2e-4),
  loraR: z.number().int().positive().default(64),
  loraAlpha: z.number().positive().default(128),
  loraDropout: z.number().min(0).max(1).default(0.05),
  batchSize: z.number().int().positive().optional(),
  gradAccum: z.number().int().positive().optional(),
  maxLength: z.number().int().min(16).optional(),
  seed: z.number().int().default(42),
});

/** Evaluating a trained student (the Jobs page's Evaluate panel and training.evaluate). */
export const evaluateInput = z.object({
  model: z.string().min(1),
  benchmark: z.string().min(1),
  split: z.enum(["train", "test"]).default("test"),
  limit: z.number().int().positive().optional(),
  sag: z.number().int().min(1).max(16).default(1),
  /** Default: the embedded model server with the student's adapter; or a vLLM URL serving it. */
  modelUrl: z.string().default("embedded"),
  maxSteps: z.number().int().min(1).max(30).default(5),
  run: nameSchema.optional(),
});
export type EvaluateInput = z.input<typeof evaluateInput>;

export type TrainConfigInput = z.input<typeof trainConfigInput>;
export type TrainConfig = z.output<typeof trainConfigInput>;

export function resolveTrainConfig(input: TrainConfigInput) {
  const config = trainConfigInput.parse(input);
  if (config.backend === "ray" && !config.rayAddress) {
    throw new z.ZodError([{ code: "custom", path: ["rayAddress"], message: "is required with backend ray", input: undefined }]);
  }
  const name = config.name ?? toName(`${config.dataset.replace("@", "-v")}-${config.base}-lora`);
  return { ...config, name };
}

/** The config as stored in jobs.config: a Ray URL without credentials. */
export function storedTrainConfig(input: TrainConfigInput): TrainConfigInput {
  return input.rayAddress ? { ...input, rayAddress: withoutUrlCredentials(input.rayAddress) } : input;
}

/** The trainer's argv overrides for a config (camelCase key → --kebab-case flag). */
export function trainerFlags(config: TrainConfig, maxLengthDefault: number): string[] {
  const flags: string[] = ["--base", config.base, "--epochs", String(config.epochs), "--lr", String(config.lr)];
  flags.push("--lora-r", String(config.loraR), "--lora-alpha", String(config.loraAlpha), "--lora-dropout", String(config.loraDropout));
  flags.push("--max-length", String(config.maxLength ?? maxLengthDefault), "--seed", String(config.seed));
  if (config.maxSteps) flags.push("--max-steps", String(config.maxSteps));
  if (config.batchSize) flags.push("--batch-size", String(config.batchSize));
  if (config.gradAccum) flags.push("--grad-accum", String(config.gradAccum));
  return flags;
}
