// The on-policy distillation job (docs/ARCHITECTURE.md §6.4a). Each round: the current student
// acts on the round's questions through the normal agent loop and the real sandbox (an ordinary
// run, NAME:round-K); its episodes are written as an SFT export; the worker
// (python -m distillery_worker.distill) has the teacher score every student token and moves the
// student by per-token reverse KL; the result is registered as student NAME-rK, which acts in the
// next round. Resumable: a round whose student is registered (and whose metrics.json exists) is
// not run again, and runs resume by name without duplicating trajectories.
import fs from "node:fs";
import path from "node:path";
import { and, asc, count, eq } from "drizzle-orm";
import type { Db } from "@/db/client";
import { questions, steps, students, trajectories } from "@/db/schema";
import { prompt } from "@/server/agent/prompts";
import { parseTrainerEvent } from "@/server/contracts/trainer-events";
import { formatSftRecord, trajectoryToSftRecord } from "@/server/datasets/sft-format";
import { resolveEndpoint } from "@/server/endpoints/registry";
import { InputError } from "@/server/errors";
import { backendFor, jobBackend } from "@/server/jobs/backends";
import { JobFailure, type JobContext, type JobHandler } from "@/server/jobs/runner";
import { acquireEmbeddedServer, EMBEDDED } from "@/server/models/embedded";
import { checkModelRef, modelRootsEnv } from "@/server/models/model-ref";
import { resolveRunConfig, type RunConfigInput } from "@/server/runs/config";
import { expectedFailure, type DepsFactory } from "@/server/runs/job";
import { completedRun, findBenchmark, generateRun } from "@/server/runs/generate";
import { runStats } from "@/server/runs/stats";
import { modelDir, registerStudent } from "@/server/training/job";
import { workerPython } from "@/server/worker/interpreter";
import { repoRoot } from "@/server/worker/root";
import { importTokenScores } from "./scores";
import {
  evalRunConfig,
  resolveDistillConfig,
  roundRunConfig,
  studentOf,
  workerFlags,
  type DistillConfig,
  type DistillConfigInput,
} from "./config";

/** What a round reports (the job's result and `distill --json`). */
export type RoundResult = {
  round: number;
  student: string;
  run: string;
  episodes: number;
  episodeAccuracy: number | null;
  reverseKl: number;
  scoredTokens: number;
  evalRun?: string;
  heldoutAccuracy?: number | null;
};

/** The worker's metrics.json of a round. */
type RoundMetrics = { reverse_kl: number; episodes: number; scored_tokens: number; train_loss?: number | null };

/** Where a student starts: the base model the worker loads, and the adapter it continues (an SFT student's). */
type StudentStart = { base: string; adapter: string | null };

export function distillJobHandler(makeDeps: DepsFactory): JobHandler {
  return (ctx) => distill(ctx, makeDeps).catch(expectedFailure);
}

async function distill(ctx: JobContext, makeDeps: DepsFactory) {
  const config = resolveDistillConfig(ctx.job.config as DistillConfigInput);
  const start = await studentStart(ctx.db, config.student);
  checkModelRef(config.teacher, "teacher");
  const poolSize = await questionPool(ctx.db, config);
  const rounds: RoundResult[] = [];
  let baseline: number | null | undefined;
  if (config.evalLimit) baseline = (await evaluate(ctx, makeDeps, config, 0, config.student)).accuracy;

  let student = config.student;
  let adapter = start.adapter;
  for (let round = 1; round <= config.rounds; round++) {
    ctx.signal.throwIfAborted();
    ctx.progress(round - 1, config.rounds, `round ${round}/${config.rounds}`);
    const result = await runRound(ctx, makeDeps, config, { round, student, base: start.base, adapter, poolSize });
    if (config.evalLimit) {
      const evaluation = await evaluate(ctx, makeDeps, config, round, result.student);
      Object.assign(result, { evalRun: evaluation.run, heldoutAccuracy: evaluation.accuracy });
    }
    await ctx.metrics(round, {
      reverse_kl: result.reverseKl,
      scored_tokens: result.scoredTokens,
      ...(result.episodeAccuracy === null ? {} : { episode_accuracy: result.episodeAccuracy }),
      ...(typeof result.heldoutAccuracy === "number" ? { heldout_accuracy: result.heldoutAccuracy } : {}),
    });
    ctx.log(
      `round ${round}: reverse KL ${result.reverseKl.toFixed(4)} per token over ${result.episodes} episodes` +
        (result.heldoutAccuracy === undefined ? "" : `; held-out accuracy ${formatAccuracy(result.heldoutAccuracy)}`),
    );
    rounds.push(result);
    student = result.student;
    adapter = path.join(modelDir(student), "adapter");
  }
  ctx.progress(config.rounds, config.rounds);
  return {
    name: config.name,
    student,
    teacher: config.teacher,
    ...(baseline === undefined ? {} : { baselineAccuracy: baseline }),
    rounds,
  };
}

const formatAccuracy = (a: number | null) => (a === null ? "n/a" : `${(a * 100).toFixed(1)}%`);

/**
 * A registered LoRA student starts from its base and its adapter (the rounds go on training it); a
 * fully fine-tuned one from its own weights; anything else is a base model.
 */
export async function studentStart(db: Db, student: string): Promise<StudentStart> {
  const [row] = await db.select().from(students).where(eq(students.name, student));
  if (row?.adapterPath) return { base: checkModelRef(row.baseModel, "student"), adapter: row.adapterPath };
  if (row?.modelPath) return { base: checkModelRef(row.modelPath, "student"), adapter: null };
  return { base: checkModelRef(student, "student"), adapter: null };
}

/** How many questions the rounds draw from: the split's from `offset`, capped by `limit`. */
async function questionPool(db: Db, config: DistillConfig): Promise<number> {
  const bench = await findBenchmark(db, config);
  const [row] = await db.select({ n: count() }).from(questions).where(eq(questions.benchmarkId, bench.id));
  const pool = Math.min((row?.n ?? 0) - config.offset, config.limit ?? Infinity);
  if (pool < 1) throw new InputError(`benchmark ${config.benchmark} (${config.split}) has no questions from offset ${config.offset}`);
  return pool;
}

type RoundInput = { round: number; student: string; base: string; adapter: string | null; poolSize: number };

async function runRound(ctx: JobContext, makeDeps: DepsFactory, config: DistillConfig, input: RoundInput): Promise<RoundResult> {
  const { round } = input;
  const name = studentOf(config.name, round);
  const out = modelDir(name);
  const runConfig = resolveRunConfig(roundRunConfig(config, round, input.student, input.poolSize));
  const episodes = await runEpisodes(ctx, makeDeps, runConfig);
  const accuracy = (await runStats(ctx.db, [episodes.runId])).get(episodes.runId)?.accuracy ?? null;
  const finished = await finishedRound(ctx.db, name, out);
  if (finished) {
    ctx.log(`round ${round}: student ${name} is already trained; not again`);
    return roundResult(round, name, runConfig.run, finished, accuracy);
  }
  const episodeFile = path.join(out, "episodes.jsonl");
  const written = await writeEpisodes(ctx.db, episodes.runId, episodeFile);
  ctx.log(`round ${round}: ${written} student episodes → ${episodeFile}`);
  const metrics = await scoreAndUpdate(ctx, config, { ...input, out, episodeFile });
  const scored = await importTokenScores(ctx.db, path.join(out, "scores.jsonl"), { student: input.student, teacher: config.teacher });
  ctx.log(`round ${round}: per-token scores of ${scored} episodes stored for the trace viewer`);
  await registerStudent(ctx.db, name, {
    baseModel: input.base,
    adapterPath: path.join(out, "adapter"),
    modelPath: path.join(out, "merged"),
    trainJobId: ctx.job.id,
  });
  return roundResult(round, name, runConfig.run, metrics, accuracy);
}

function roundResult(round: number, student: string, run: string, metrics: RoundMetrics, accuracy: number | null): RoundResult {
  return {
    round,
    student,
    run,
    episodes: metrics.episodes,
    episodeAccuracy: accuracy,
    reverseKl: metrics.reverse_kl,
    scoredTokens: metrics.scored_tokens,
  };
}

/** A round is done once its student is registered and its metrics written (in that order of checks). */
async function finishedRound(db: Db, name: string, out: string): Promise<RoundMetrics | null> {
  const [row] = await db.select({ id: students.id }).from(students).where(eq(students.name, name));
  const file = path.join(out, "metrics.json");
  if (!row || !fs.existsSync(file)) return null;
  return JSON.parse(fs.readFileSync(file, "utf8")) as RoundMetrics;
}

/** Run (or resume, or find finished) a run of the job: the round's episodes or an evaluation. */
async function runEpisodes(ctx: JobContext, makeDeps: DepsFactory, config: ReturnType<typeof resolveRunConfig>) {
  const complete = await completedRun(ctx.db, config);
  if (complete) return complete;
  const deps = await makeDeps(config, ctx.db, ctx.log);
  ctx.log(`run ${config.run}: ${config.model} answers ${config.limit} questions`);
  return generateRun(ctx.db, config, deps, { signal: ctx.signal, log: ctx.log }, ctx.job.id);
}

async function evaluate(ctx: JobContext, makeDeps: DepsFactory, config: DistillConfig, round: number, model: string) {
  const runConfig = resolveRunConfig(evalRunConfig(config, round, model, config.evalLimit!) satisfies RunConfigInput);
  const done = await runEpisodes(ctx, makeDeps, runConfig);
  const accuracy = (await runStats(ctx.db, [done.runId])).get(done.runId)?.accuracy ?? null;
  ctx.log(`${runConfig.run}: held-out accuracy of ${model} ${formatAccuracy(accuracy)} (n=${done.total})`);
  return { run: runConfig.run, accuracy };
}

/** The round's stored episodes as SFT records, written atomically: the student's own turns are
 *  trainable; replayed teacher turns, prompts and observations are not. */
async function writeEpisodes(db: Db, runId: number, file: string): Promise<number> {
  const rows = await db
    .select({ id: trajectories.id, messages: trajectories.messages })
    .from(trajectories)
    .where(eq(trajectories.runId, runId))
    .orderBy(asc(trajectories.id));
  const replayedRows = await db
    .select({ trajectoryId: steps.trajectoryId, idx: steps.idx })
    .from(steps)
    .innerJoin(trajectories, eq(trajectories.id, steps.trajectoryId))
    .where(and(eq(trajectories.runId, runId), eq(steps.replayed, true)));
  const replayed = new Set(replayedRows.map((r) => `${r.trajectoryId}:${r.idx}`));
  const lines: string[] = [];
  for (const row of rows) {
    const messages = (row.messages ?? []) as { role: string }[];
    if (!messages.some((m) => m.role === "assistant")) continue; // an episode that failed before the student spoke
    const record = trajectoryToSftRecord(messages, { id: `trajectory-${row.id}` });
    let turn = 0;
    for (const m of record.messages) if (m.role === "assistant" && replayed.has(`${row.id}:${turn++}`)) m.trainable = false;
    if (record.messages.some((m) => m.trainable)) lines.push(formatSftRecord(record)); // else the teacher's replay answered it
  }
  if (lines.length === 0) throw new JobFailure("the round has no student episode with an assistant turn to score");
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(`${file}.partial`, lines.join("\n") + "\n");
  fs.renameSync(`${file}.partial`, file);
  return lines.length;
}

/** The round's environment: the model roots the worker checks paths against (a Ray cluster runs the
 *  round on paths of this machine — the episodes, the round's directory — so it must share them: a
 *  head on this machine or a shared file system), and the teacher's key, which travels in the
 *  environment, never on the command line (visible in ps) or in the job record. Ray keeps a job's
 *  environment in its own job table, so a keyed teacher is refused there. */
function roundEnv(config: DistillConfig, teacherKey: string | undefined): Record<string, string> {
  if (teacherKey && config.backend === "ray") {
    throw new JobFailure(
      "the teacher's endpoint has an API key, which a Ray job would keep in the cluster's job table; run the round with --backend local",
    );
  }
  return { ...modelRootsEnv(), ...(teacherKey ? { DISTILLERY_TEACHER_API_KEY: teacherKey } : {}) };
}

/** The teacher's own agent prompt, which the worker puts in place of the student's when the teacher
 *  scores: under the student's short prompt the teacher doubts the action format's own tokens (README). */
function writeTeacherPrompt(config: DistillConfig, out: string): string {
  const file = path.join(out, "teacher-system-prompt.md");
  fs.writeFileSync(file, prompt("teacher", { max_steps: config.maxSteps }));
  return file;
}

/** The teacher's model server: leased from the embedded pool, or a configured endpoint / URL. */
async function teacherEndpoint(ctx: JobContext, config: DistillConfig): Promise<{ url: string; apiKey?: string; release: () => void }> {
  if (config.teacherUrl !== EMBEDDED) return { ...resolveEndpoint(config.teacherUrl, "model"), release: () => {} };
  return acquireEmbeddedServer({ model: config.teacher }, ctx.log);
}

async function scoreAndUpdate(
  ctx: JobContext,
  config: DistillConfig,
  input: RoundInput & { out: string; episodeFile: string },
): Promise<RoundMetrics> {
  const teacher = await teacherEndpoint(ctx, config);
  try {
    const metricsFile = path.join(input.out, "metrics.json");
    fs.rmSync(metricsFile, { force: true }); // an earlier, interrupted attempt's
    const argv = [workerPython(), "-m", "distillery_worker.distill", "--episodes", input.episodeFile, "--out", input.out];
    argv.push("--student", input.base, "--teacher", config.teacher, "--teacher-url", teacher.url);
    if (input.adapter) argv.push("--adapter", input.adapter);
    if (config.teacherPrompt === "teacher") argv.push("--teacher-system-prompt", writeTeacherPrompt(config, input.out));
    argv.push(...workerFlags(config));
    const backend = jobBackend(backendFor(config));
    const env = roundEnv(config, teacher.apiKey);
    const handle = await backend.submit({ entrypoint: argv, cwd: repoRoot(), name: studentOf(config.name, input.round), env });
    const onAbort = () => void backend.stop(handle).catch(() => {});
    ctx.signal.addEventListener("abort", onAbort, { once: true });
    let failure: string | null = null;
    const state = await backend.follow(handle, (line) => {
      const event = parseTrainerEvent(line);
      if (event?.event === "error") failure = event.message;
      else if (event?.event === "teacher_scored")
        ctx.progress(input.round - 1, config.rounds, `round ${input.round}: the teacher scored ${event.episodes}/${event.of} episodes`);
      else if (event?.event === "scored") {
        teacher.release(); // prefill only: the teacher's server may stop (or make room) while the student trains
        ctx.log(`round ${input.round}: ${event.tokens} student tokens scored, reverse KL ${event.reverse_kl.toFixed(4)} per token`);
      } else if (event?.event === "step")
        ctx.progress(input.round - 1, config.rounds, `round ${input.round}: update step ${event.step}/${event.max_steps}`);
      else if (!event) ctx.log(line);
    });
    ctx.signal.removeEventListener("abort", onAbort);
    if (ctx.signal.aborted) throw new JobFailure("cancelled");
    if (state.status !== "succeeded" || !fs.existsSync(metricsFile)) {
      throw new JobFailure(failure ?? state.message ?? `the distillation round ended with status ${state.status}`);
    }
    return JSON.parse(fs.readFileSync(metricsFile, "utf8")) as RoundMetrics;
  } finally {
    teacher.release();
  }
}
