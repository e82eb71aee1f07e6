// The trainer's config (worker/distillery_worker/train/config.py): its fields are the trainer's
// --kebab-case flags and the keys of the config.json written next to the adapter. This schema is
// the one source of their names, types, defaults and help; `npm run contracts` exports it to
// worker/distillery_worker/contracts/train-config.json, which the trainer reads its defaults from.
// Defaults are the paper's: LoRA r 64, alpha 128, dropout 0.05, lr 2e-4, 2 epochs, effective batch 8.
import { z } from "zod";

/** How much of the model a run trains: a LoRA adapter on every linear layer (the paper's), or every weight. */
export const FINETUNE_METHODS = ["lora", "full"] as const;

/** The learning rate when none is given: the paper's for LoRA; TRL's SFT default for full fine-tuning. */
export const DEFAULT_LR = { lora: 2e-4, full: 2e-5 } as const;

/** Per-device batch × gradient accumulation when neither is given. */
export const EFFECTIVE_BATCH = 8;

/** Max tokens per example by dataset kind (the trainer's own default is the agent one). */
export const MAX_LENGTH_BY_KIND = { agent: 10240, cot: 4096 } as const;

export const trainerConfig = z
  .strictObject({
    data: z.string().min(1).describe("SFT export to train on, JSON lines"),
    out: z.string().min(1).describe("output directory: checkpoints, adapter/ (LoRA), merged/, config.json, metrics.json"),
    base: z.string().min(1).default("student").describe("base model: student | teacher | registry id | model directory"),
    max_steps: z.number().int().positive().optional().describe("stop after N optimizer steps"),
    epochs: z.number().positive().default(2).describe("epochs; ignored when --max-steps is set"),
    finetune: z
      .enum(FINETUNE_METHODS)
      .default("lora")
      .describe(
        "lora: a LoRA adapter on all linear layers; full: every weight (small models: fp32 weights, gradients and AdamW state take 16 bytes a weight)",
      ),
    lr: z
      .number()
      .positive()
      .optional()
      .describe(
        `learning rate; default ${displayNumber(DEFAULT_LR.lora)} with LoRA, ${displayNumber(DEFAULT_LR.full)} with full fine-tuning`,
      ),
    lora_r: z.number().int().positive().default(64).describe("LoRA rank"),
    lora_alpha: z.number().int().positive().default(128).describe("LoRA alpha"),
    lora_dropout: z.number().min(0).max(1).default(0.05).describe("LoRA dropout"),
    batch_size: z
      .number()
      .int()
      .positive()
      .optional()
      .describe(`per-device batch; default 2, or ${EFFECTIVE_BATCH}/grad-accum (effective batch ${EFFECTIVE_BATCH})`),
    grad_accum: z.number().int().positive().optional().describe(`gradient accumulation steps; default ${EFFECTIVE_BATCH}/batch-size`),
    max_length: z
      .number()
      .int()
      .min(16)
      .default(MAX_LENGTH_BY_KIND.agent)
      .describe(`max tokens per example (${MAX_LENGTH_BY_KIND.agent} agent / ${MAX_LENGTH_BY_KIND.cot} CoT)`),
    lr_scheduler: z.string().min(1).default("linear").describe("learning-rate schedule (a transformers scheduler name)"),
    warmup_steps: z.number().int().min(0).default(0).describe("learning-rate warmup steps"),
    group_by_length: z.boolean().default(true).describe("batch samples of similar length (less padding)"),
    padding_free: z
      .boolean()
      .default(true)
      .describe("flatten each batch into one sequence with per-sample positions: no padding, attention kept within each sample"),
    gradient_checkpointing: z.boolean().default(true).describe("recompute activations in backward (TRL's default; long samples)"),
    logging_steps: z.number().int().positive().default(1).describe("emit a step event every N optimizer steps"),
    save_steps: z.number().int().positive().default(50).describe("checkpoint every N optimizer steps"),
    save_total_limit: z.number().int().positive().default(2).describe("checkpoints kept"),
    seed: z.number().int().default(42).describe("seed"),
    resume: z.boolean().default(false).describe("continue from the latest checkpoint in --out"),
  })
  .meta({ title: "the trainer's config", effective_batch: EFFECTIVE_BATCH, default_lr: DEFAULT_LR });

export type TrainerConfig = z.output<typeof trainerConfig>;

/** A hyperparameter as people write it (CLI help, the Jobs form): 2e-4 rather than 0.0002. */
export function displayNumber(value: number): string {
  return value !== 0 && Math.abs(value) < 1e-3 ? value.toExponential() : String(value);
}
