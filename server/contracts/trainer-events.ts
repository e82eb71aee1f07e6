// The trainer's JSON-lines progress on stdout (worker/distillery_worker/train/events.py), and a
// distillation round's (worker/distillery_worker/distill/round.py): one object per line, told apart
// by `event`. Exported to worker/distillery_worker/contracts/
// trainer-events.json, against which the worker's tests check every event the trainer emits.
import { z } from "zod";

/** A float the trainer could not compute (NaN or infinite) is sent as null. */
const measured = z.number().nullable();

export const trainerEvent = z.discriminatedUnion("event", [
  z
    .strictObject({
      event: z.literal("mask"),
      samples: z.number().int(),
      tokens: z.number().int(),
      trainable_tokens: z.number().int(),
      trainable_fraction: z.number(),
      dropped_truncated: z.number().int(),
    })
    .describe("before training: the loss mask was checked on every sample"),
  z
    .strictObject({
      event: z.literal("step"),
      step: z.number().int(),
      max_steps: z.number().int(),
      epoch: measured,
      loss: measured,
      lr: measured,
      grad_norm: measured,
      tokens_per_s: z.number().describe("real (non-padding) tokens per second since the last step event"),
    })
    .describe("every logging step"),
  z.strictObject({ event: z.literal("checkpoint"), step: z.number().int(), path: z.string() }).describe("after each save"),
  z
    .strictObject({ event: z.literal("teacher_scored"), episodes: z.number().int(), of: z.number().int() })
    .describe("a distillation round: the teacher has scored this many of the round's episodes"),
  z
    .strictObject({
      event: z.literal("scored"),
      reverse_kl: z.number().describe("mean per-token reverse KL of the student's sampled tokens"),
      episodes: z.number().int(),
      tokens: z.number().int().describe("student tokens the teacher scored"),
    })
    .describe("a distillation round: every token is scored and the teacher is no longer needed; the update follows"),
  z
    .strictObject({
      event: z.literal("done"),
      adapter: z.string().optional().describe("the trained LoRA adapter's directory (absent after full fine-tuning)"),
      config: z.string().optional().describe("the resolved config.json (SFT)"),
      merged: z.string().describe("the student's weights: the adapter folded into its base, or every weight trained"),
      metrics: z.record(z.string(), z.unknown()),
    })
    .describe("the student is written; the last event of a successful run"),
  z.strictObject({ event: z.literal("error"), message: z.string() }).describe("bad input or configuration; the trainer exits 2"),
]);

export type TrainerEvent = z.output<typeof trainerEvent>;

/** A stdout line as a trainer event; null for anything else (library chatter, malformed events). */
export function parseTrainerEvent(line: string): TrainerEvent | null {
  if (!line.startsWith("{")) return null;
  try {
    const parsed = trainerEvent.safeParse(JSON.parse(line));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}
