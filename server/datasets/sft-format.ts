// The SFT export format (docs/ARCHITECTURE.md §6.6): one JSON object per line,
// {"messages":[{role, content, trainable}], "id"?, "meta"?} — TRL's conversational format with
// per-message trainability, so any trainer can mask. Observations are `user` turns; only
// assistant turns (thought + code, or the CoT answer) are trainable. The Python trainer
// (worker/distillery_worker/train/data.py) reads exactly this.
import { z } from "zod";
import { InputError } from "@/server/errors";

export const SFT_ROLES = ["system", "user", "assistant"] as const;
export type SftRole = (typeof SFT_ROLES)[number];
export type SftMessage = { role: SftRole; content: string; trainable: boolean };
export type SftRecord = { messages: SftMessage[]; id?: string; meta?: Record<string, unknown> };

const messageSchema = z
  .object({ role: z.enum(SFT_ROLES), content: z.string(), trainable: z.boolean() })
  .strict()
  .refine((m) => !m.trainable || m.role === "assistant", {
    message: "only assistant messages may be trainable",
    path: ["trainable"],
  });

export const sftRecordSchema = z
  .object({
    messages: z.array(messageSchema).refine((ms) => ms.some((m) => m.trainable), {
      message: "needs at least one trainable assistant message",
    }),
    id: z.string().optional(),
    meta: z.record(z.string(), z.unknown()).optional(),
  })
  .strict();

/** A stored trajectory message (db/schema.ts `trajectories.messages`). */
const storedMessageSchema = z.object({ role: z.enum(SFT_ROLES), content: z.string() });

export type TrajectoryExportOptions = {
  id?: string;
  meta?: Record<string, unknown>;
  /** Replace (or add) the system prompt: students train on a short one, not the teacher's. */
  systemPrompt?: string;
};

/**
 * A stored trajectory's conversation → one SFT record. System, task and observation turns are
 * masked; every assistant turn trains (for CoT runs that is the one answer turn).
 */
export function trajectoryToSftRecord(messages: unknown, options: TrajectoryExportOptions = {}): SftRecord {
  const where = options.id !== undefined ? `trajectory ${options.id}` : "trajectory";
  const parsed = z.array(storedMessageSchema).safeParse(messages);
  if (!parsed.success) throw new InputError(`${where}: ${describeIssue(parsed.error, "messages")}`);
  const chat = parsed.data.map((m) => ({ role: m.role, content: m.content }));
  if (options.systemPrompt !== undefined) {
    if (chat[0]?.role === "system") chat[0].content = options.systemPrompt;
    else chat.unshift({ role: "system", content: options.systemPrompt });
  }
  if (!chat.some((m) => m.role === "assistant")) throw new InputError(`${where}: no assistant message to train on`);
  const record: SftRecord = { messages: chat.map((m) => ({ ...m, trainable: m.role === "assistant" })) };
  if (options.id !== undefined) record.id = options.id;
  if (options.meta !== undefined) record.meta = options.meta;
  return record;
}

/** One line of the export file (no trailing newline). Key order is fixed so output is stable. */
export function formatSftRecord(record: SftRecord): string {
  const ordered: SftRecord = {
    messages: record.messages.map((m) => ({ role: m.role, content: m.content, trainable: m.trainable })),
  };
  if (record.id !== undefined) ordered.id = record.id;
  if (record.meta !== undefined) ordered.meta = record.meta;
  return JSON.stringify(ordered);
}

export function formatSftJsonl(records: Iterable<SftRecord>): string {
  let out = "";
  for (const record of records) out += formatSftRecord(record) + "\n";
  return out;
}

/** Validate one of our own export records; `where` is "file:line". */
export function parseSftRecord(value: unknown, where: string): SftRecord {
  const parsed = sftRecordSchema.safeParse(value);
  if (!parsed.success) throw new InputError(`${where}: ${describeIssue(parsed.error)}`);
  return parsed.data;
}

export function describeIssue(error: z.ZodError, prefix = ""): string {
  const issue = error.issues[0];
  const path = [prefix, ...(issue?.path ?? []).map((p) => (typeof p === "number" ? `[${p}]` : `.${String(p)}`))]
    .join("")
    .replace(/^\./, "");
  return `${path ? `${path}: ` : ""}${issue?.message ?? "invalid record"}`;
}
