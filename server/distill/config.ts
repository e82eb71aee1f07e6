// One schema for an on-policy distillation job (docs/ARCHITECTURE.md §6.4a): the CLI's `distill`
// flags and help, the tRPC input, the recipe step and the stored job config. The names of what a
// job makes follow from its name: round K's student episodes are run NAME:round-K, the student
// after round K is NAME-rK (a registered student, its directory <data dir>/models/NAME-rK/), and
// its held-out evaluation is run NAME:eval-K (round 0: the student the job started from).
import { z } from "zod";
import { withoutUrlCredentials } from "@/server/endpoints/url";
import { backendFields, checkBackendChoice, storedBackendChoice } from "@/server/jobs/backends/choice";
import { NAME_MAX, nameSchema, toName } from "@/server/names";
import type { RunConfigInput } from "@/server/runs/config";

const endpoint = z.union([z.literal("embedded"), z.url({ protocol: /^https?$/ }), nameSchema]);
const positive = z.number().positive();
const count = z.number().int().min(1);

export const distillConfigInput = z.object({
  student: z.string().min(1).describe("the student to start from: student | a model id | a registered (e.g. SFT-trained) student's name"),
  teacher: z.string().min(1).default("teacher").describe("the teacher: teacher | a model id; its tokenizer must be the student's"),
  benchmark: z.string().min(1).describe("the benchmark whose questions the student answers each round"),
  split: z.enum(["train", "test"]).default("train").describe("the split the rounds draw questions from"),
  offset: z.number().int().min(0).default(0).describe("first question of the pool"),
  limit: count.optional().describe("size of the question pool (default: the rest of the split); rounds cycle through it"),
  rounds: count.max(50).default(3).describe("rounds of act → score → update"),
  episodesPerRound: count.max(10_000).default(32).describe("student episodes per round (one per question)"),
  name: nameSchema.optional().describe("the job's name; its students are NAME-r1, NAME-r2, … (default: distill-<student>-<benchmark>)"),
  evalLimit: count
    .optional()
    .describe("evaluate the starting student and each round's student on the first N test questions (greedy); none: no evaluation"),
  baselineRun: nameSchema
    .optional()
    .describe(
      "a greedy evaluation of the starting student already made (e.g. the SFT student's) to stand as round 0's: it must have the job's evaluation settings, and what it lacks is run",
    ),
  evalBenchmark: z.string().min(1).optional().describe("the held-out evaluation's benchmark, test split (default: --benchmark)"),
  studentUrl: endpoint.default("embedded").describe("where the student acts: embedded | a configured endpoint | an http(s) URL"),
  teacherUrl: endpoint.default("embedded").describe("where the teacher scores: embedded | a configured endpoint | an http(s) URL (vLLM)"),
  replayTeacherPrefix: z
    .boolean()
    .default(false)
    .describe("start each episode from a prefix of an accepted teacher trajectory, shorter each round: (R − K + 1) / (R + 1) of its turns"),
  teacherPrompt: z
    .enum(["teacher", "student"])
    .default("teacher")
    .describe("the system prompt the teacher scores under: its own (the one its trajectories were made with) or the student's"),
  temperature: z.number().min(0).max(2).default(1).describe("the student's sampling temperature while it acts"),
  maxSteps: count.max(30).default(5).describe("agent steps per episode"),
  maxTokens: z.number().int().min(16).max(32_768).default(512).describe("tokens per student action"),
  concurrency: count.max(256).default(8).describe("student episodes in flight"),
  lr: positive.optional().describe("learning rate of the reverse-KL update (worker default 1e-4)"),
  epochs: positive.optional().describe("passes over each round's episodes (worker default 1)"),
  gradAccum: count.optional().describe("episodes per optimizer step (worker default 4)"),
  loraR: count.optional().describe("LoRA rank of a new adapter (worker default 64)"),
  loraAlpha: count.optional().describe("LoRA alpha of a new adapter (worker default 128)"),
  maxLength: z.number().int().min(16).optional().describe("max tokens per episode (worker default 4096)"),
  seed: z.number().int().default(42),
  ...backendFields,
});

export type DistillConfigInput = z.input<typeof distillConfigInput>;
export type DistillConfig = z.output<typeof distillConfigInput> & { name: string };

/** The worker round's own flags that a job config may set (camelCase key → --kebab-case flag). */
const WORKER_FLAGS = ["lr", "epochs", "gradAccum", "loraR", "loraAlpha", "maxLength", "seed"] as const;

export function resolveDistillConfig(input: DistillConfigInput): DistillConfig {
  const config = distillConfigInput.parse(input);
  checkBackendChoice(config);
  const name = config.name ?? toName(`distill-${config.student.split(/[/:]/).pop()}-${config.benchmark}`);
  if (config.split === "test" && config.evalLimit && (config.evalBenchmark ?? config.benchmark) === config.benchmark) {
    throw new z.ZodError([
      { code: "custom", path: ["split"], message: "the rounds would train on the test questions they are evaluated on", input: "test" },
    ]);
  }
  const longest = studentOf(name, config.rounds);
  if (longest.length > NAME_MAX) {
    throw new z.ZodError([{ code: "custom", path: ["name"], message: `too long for its students' names (${longest})`, input: name }]);
  }
  return {
    ...storedBackendChoice(config),
    name,
    studentUrl: withoutUrlCredentials(config.studentUrl),
    teacherUrl: withoutUrlCredentials(config.teacherUrl),
  };
}

export const studentOf = (name: string, round: number) => `${name}-r${round}`;
export const roundRunOf = (name: string, round: number) => `${name}:round-${round}`;
export const evalRunOf = (name: string, round: number) => `${name}:eval-${round}`;

/** The worker's flags for the overrides a config sets. */
export function workerFlags(config: DistillConfig): string[] {
  return WORKER_FLAGS.flatMap((key) => {
    const value = config[key];
    return value === undefined ? [] : [`--${key.replace(/[A-Z]/g, (c) => "-" + c.toLowerCase())}`, String(value)];
  });
}

/** Round K's questions: the next `episodesPerRound` of the pool, wrapping at its end (`poolSize`). */
export function roundQuestions(config: DistillConfig, round: number, poolSize: number): { offset: number; limit: number } {
  const start = ((round - 1) * config.episodesPerRound) % poolSize;
  return { offset: config.offset + start, limit: Math.min(config.episodesPerRound, poolSize - start) };
}

/** Round K's student episodes, as an ordinary run: the student acting (sampled) on the round's questions. */
export function roundRunConfig(config: DistillConfig, round: number, model: string, poolSize: number): RunConfigInput {
  return {
    run: roundRunOf(config.name, round),
    benchmark: config.benchmark,
    split: config.split,
    ...roundQuestions(config, round, poolSize),
    modelUrl: config.studentUrl,
    model,
    role: "student",
    mode: "agent",
    temperature: config.temperature,
    topP: 1,
    maxSteps: config.maxSteps,
    maxTokens: config.maxTokens,
    concurrency: config.concurrency,
    seed: config.seed + round,
    ...(config.replayTeacherPrefix ? { replayTeacher: replayFraction(config, round) } : {}),
    tags: ["distill", `distill:${config.name}`, `round:${round}`, ...(config.replayTeacherPrefix ? ["replay"] : [])],
  };
}

/** The share of a teacher trajectory's turns replayed in round K of R: (R − K + 1) / (R + 1), shrinking each round. */
export function replayFraction(config: DistillConfig, round: number): number {
  return (config.rounds - round + 1) / (config.rounds + 1);
}

/** The held-out evaluation of the student after round K (round 0: the starting student, or the run
 *  `baselineRun` names: runs resume by name and refuse other settings, so it is adopted, completed
 *  if it is short, or refused with the setting that differs), greedy. */
export function evalRunConfig(config: DistillConfig, round: number, model: string, limit: number): RunConfigInput {
  return {
    run: round === 0 && config.baselineRun ? config.baselineRun : evalRunOf(config.name, round),
    benchmark: config.evalBenchmark ?? config.benchmark,
    split: "test",
    limit,
    modelUrl: config.studentUrl,
    model,
    role: "student",
    mode: "agent",
    temperature: 0,
    maxSteps: config.maxSteps,
    maxTokens: config.maxTokens,
    concurrency: config.concurrency,
    seed: config.seed,
    tags: ["eval", "distill", `distill:${config.name}`, `round:${round}`],
  };
}
