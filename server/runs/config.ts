// One schema for a generation run's config: the tRPC input, the CLI's flags and the stored
// `runs.config` column all go through it, and the resolved config is saved with the run.
import { z } from "zod";
import { withoutUrlCredentials } from "@/server/endpoints/url";
import { nameSchema, toName } from "@/server/names";
import { sandboxOptedOut } from "@/server/tools/sandbox/policy";

export const runConfigInput = z.object({
  run: nameSchema.optional(),
  benchmark: z.string().min(1),
  split: z.enum(["train", "test"]).default("test"),
  limit: z.number().int().positive().optional(),
  offset: z.number().int().min(0).default(0),
  /** "embedded" (the worker's own model server, started on demand), a configured endpoint's name
   *  (server/endpoints/registry.ts), or an OpenAI-compatible base URL (single-user mode only). */
  modelUrl: z.union([z.literal("embedded"), z.url({ protocol: /^https?$/ }), nameSchema]),
  model: z.string().min(1),
  role: z.enum(["teacher", "student"]).default("teacher"),
  mode: z.enum(["agent", "cot", "cot-rag"]).default("agent"),
  ftp: z.boolean().default(false),
  sag: z.number().int().min(1).max(16).default(1),
  temperature: z.number().min(0).max(2).optional(),
  topP: z.number().gt(0).max(1).optional(),
  maxSteps: z.number().int().min(1).max(30).default(5),
  maxTokens: z.number().int().min(16).max(32_768).default(1024),
  samplesPerQuestion: z.number().int().min(1).max(64).default(1),
  concurrency: z.number().int().min(1).max(256).default(8),
  retriever: z.string().min(1).default("bm25"),
  seed: z.number().int().default(42),
  /** Replay this fraction of an accepted teacher trajectory's turns (before its last) before the
   *  model acts on each question (server/runs/replay.ts); on-policy distillation sets it per round. */
  replayTeacher: z.number().gt(0).max(1).optional(),
  tags: z.array(z.string()).default([]),
  /** Run model code even where the sandbox lacks required isolation layers (recorded on the run). */
  unsafeNoSandbox: z.boolean().default(false),
});
export type RunConfigInput = z.input<typeof runConfigInput>;

export type RunConfig = Omit<z.output<typeof runConfigInput>, "run" | "temperature" | "topP"> & {
  run: string;
  temperature: number;
  topP: number;
  /** "unsafe": started with the sandbox opt-out (flag or DISTILLERY_SANDBOX=unsafe). */
  sandbox: "isolated" | "unsafe";
  /** Isolation layers that were off, from the sandbox probe when the run started (never input). */
  sandboxLayersOff?: string[];
};

/**
 * Fill the paper's defaults: greedy teacher (temperature 0, top_p 0.8), SAG sampling at
 * temperature 0.4 / top_p 0.8. FTP is for teacher agent runs only.
 */
export function resolveRunConfig(input: RunConfigInput): RunConfig {
  const parsed = runConfigInput.parse(input);
  if (parsed.ftp && parsed.mode !== "agent") throw new z.ZodError([issue("ftp", "FTP applies to agent mode only")]);
  if (parsed.replayTeacher && parsed.mode !== "agent") throw new z.ZodError([issue("replayTeacher", "replay applies to agent mode only")]);
  if (parsed.sag > 1 && parsed.mode !== "agent") throw new z.ZodError([issue("sag", "SAG applies to agent mode only")]);
  if (parsed.sag > 1 && parsed.temperature === 0) {
    // Greedy candidates are all the same, and vLLM refuses n > 1 at temperature 0.
    throw new z.ZodError([issue("temperature", "SAG samples its candidates: it needs a temperature above 0")]);
  }
  const temperature = parsed.temperature ?? (parsed.sag > 1 ? 0.4 : 0);
  const topP = parsed.topP ?? 0.8;
  const run =
    parsed.run ??
    toName(
      [
        parsed.benchmark,
        parsed.split,
        parsed.mode,
        parsed.model.split(/[/:]/).pop(),
        parsed.ftp ? "ftp" : "",
        parsed.sag > 1 ? `sag${parsed.sag}` : "",
      ]
        .filter(Boolean)
        .join("-"),
    );
  // Credentials in a URL are dropped before the config is stored anywhere; keys come from the environment.
  const modelUrl = withoutUrlCredentials(parsed.modelUrl);
  const retriever = withoutUrlCredentials(parsed.retriever);
  const unsafeNoSandbox = sandboxOptedOut(parsed.unsafeNoSandbox);
  const sandbox = unsafeNoSandbox ? ("unsafe" as const) : ("isolated" as const);
  return { ...parsed, modelUrl, retriever, run, temperature, topP, unsafeNoSandbox, sandbox };
}

function issue(path: string, message: string): z.core.$ZodIssue {
  return { code: "custom", path: [path], message, input: undefined };
}

/** Config keys that define what a run *is*; resuming with different values is refused. */
export const IDENTITY_KEYS = [
  "benchmark",
  "split",
  "model",
  "role",
  "mode",
  "ftp",
  "sag",
  "temperature",
  "topP",
  "maxSteps",
  "maxTokens",
  "retriever",
  "seed",
  "replayTeacher",
] as const;
