// One schema for a training job's config: the Jobs page form, the CLI's `train` flags and help,
// and the stored job config. Its hyperparameters are the trainer's own fields (the contract in
// server/contracts/train-config.ts, with their defaults and help); the trainer fills max length
// by dataset kind.
import { z } from "zod";
import { MAX_LENGTH_BY_KIND, trainerConfig } from "@/server/contracts/train-config";
import { backendFields, checkBackendChoice, storedBackendChoice } from "@/server/jobs/backends/choice";
import { nameSchema, toName } from "@/server/names";

const trainer = trainerConfig.shape;

/** The job config's keys that the trainer takes, and the trainer field (and flag) each one sets. */
const TRAINER_FIELDS = {
  base: "base",
  epochs: "epochs",
  maxSteps: "max_steps",
  finetune: "finetune",
  lr: "lr",
  loraR: "lora_r",
  loraAlpha: "lora_alpha",
  loraDropout: "lora_dropout",
  batchSize: "batch_size",
  gradAccum: "grad_accum",
  maxLength: "max_length",
  gradientCheckpointing: "gradient_checkpointing",
  saveSteps: "save_steps",
  seed: "seed",
} as const satisfies Record<string, keyof typeof trainer>;

export const trainConfigInput = z.object({
  dataset: z.string().min(1).describe("dataset NAME[@VERSION] to train on"),
  base: trainer.base.describe(
    "base model: student | teacher | embedded model id | a model directory inside the model cache or <data dir>/models/",
  ),
  name: nameSchema.optional().describe("name of the trained student (default: <dataset>-<base>-<finetune>)"),
  ...backendFields,
  epochs: trainer.epochs,
  maxSteps: trainer.max_steps,
  finetune: trainer.finetune,
  lr: trainer.lr,
  loraR: trainer.lora_r,
  loraAlpha: trainer.lora_alpha,
  loraDropout: trainer.lora_dropout,
  batchSize: trainer.batch_size,
  gradAccum: trainer.grad_accum,
  // Absent: by the dataset's kind (maxLengthFor), not the trainer's own default.
  maxLength: trainer.max_length
    .unwrap()
    .optional()
    .describe(trainer.max_length.description ?? "max tokens per example"),
  gradientCheckpointing: trainer.gradient_checkpointing,
  // How much a crash can cost: a 0.5B student on 2 cores takes minutes per step.
  saveSteps: trainer.save_steps,
  seed: trainer.seed,
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
  checkBackendChoice(config);
  const name = config.name ?? toName(`${config.dataset.replace("@", "-v")}-${config.base}-${config.finetune}`);
  return { ...config, name };
}

/** The config as stored in jobs.config: a Ray URL without credentials. */
export const storedTrainConfig = (input: TrainConfigInput): TrainConfigInput => storedBackendChoice(input);

/** Max tokens per example for a dataset of this kind, unless the config sets it. */
export function maxLengthFor(kind: keyof typeof MAX_LENGTH_BY_KIND): number {
  return MAX_LENGTH_BY_KIND[kind];
}

/** The trainer's argv overrides for a config (camelCase key → the trainer's --kebab-case flag). */
export function trainerFlags(config: TrainConfig, maxLengthDefault: number): string[] {
  const values: TrainConfig = { ...config, maxLength: config.maxLength ?? maxLengthDefault };
  const flags: string[] = [];
  for (const [key, field] of Object.entries(TRAINER_FIELDS)) {
    const value = values[key as keyof typeof TRAINER_FIELDS];
    const flag = field.replaceAll("_", "-");
    if (typeof value === "boolean") flags.push(value ? `--${flag}` : `--no-${flag}`);
    else if (value !== undefined) flags.push(`--${flag}`, String(value));
  }
  return flags;
}
