// A generation run: a model answers a benchmark's questions (agent, CoT or CoT+RAG), C episodes
// in flight, each finished trajectory scored and stored at once. Re-running with the same run
// name resumes: questions that already have a trajectory are skipped.
import { and, asc, eq } from "drizzle-orm";
import type { Db } from "@/db/client";
import { benchmarks, questions, runs, students } from "@/db/schema";
import { firstThoughtPrefix, runCotEpisode } from "@/server/agent/cot";
import { runEpisode } from "@/server/agent/episode";
import type { ChatModel, CodeSession, EpisodeResult } from "@/server/agent/types";
import { InputError } from "@/server/errors";
import { LlmHttpError, LlmUnreachableError } from "@/server/llm";
import type { Served } from "@/server/models/served";
import { RetrievalConfigError, webSearch, type Retriever } from "@/server/tools/retrieval";
import type { ToolHandler } from "@/server/tools/sandbox/session";
import { IDENTITY_KEYS, type RunConfig } from "./config";
import { teacherPrefixes } from "./replay";
import { doneKeys, saveTrajectory, type Score } from "./store";

export type Question = { id: number; question: string; answer: string; kind: "qa" | "math" };

export type RunDeps = {
  model: ChatModel;
  retriever: () => Retriever;
  score: (question: Question, predicted: string | null) => Promise<Score>;
  startSession: () => Promise<CodeSession & { close: () => Promise<void> }>;
  /** Checked once before any episode: throws if the sandbox cannot isolate (and no opt-out),
   *  else the isolation layers that are off. Absent: nothing to check (tests' fake sessions). */
  probeSandbox?: () => Promise<string[]>;
  /** Gives back what the run held (the embedded model server's lease); generateRun calls it when the run ends. */
  close?: () => Promise<void>;
  /** What the embedded model server runs on, stored with each trajectory; absent for other endpoints. */
  served?: Served;
};

export type RunHooks = {
  signal?: AbortSignal;
  progress?: (done: number, total: number, label?: string) => void;
  log?: (line: string) => void;
};

/** A run of that name must have been made with the same settings: resuming it with others would mix them. */
function checkSameRun(existing: typeof runs.$inferSelect, config: RunConfig) {
  const stored = existing.config as Record<string, unknown>;
  const changed = IDENTITY_KEYS.filter((k) => JSON.stringify(stored[k]) !== JSON.stringify(config[k]));
  if (changed.length > 0) {
    const k = changed[0]!;
    throw new InputError(
      `run "${config.run}" exists with ${k}=${JSON.stringify(stored[k])}, not ${JSON.stringify(config[k])}; ` +
        "use another --run name to start a new run",
    );
  }
}

/** A run whose every question (and sample) is already stored: its summary, found without a model
 * server or a sandbox, so a resumed recipe passes a finished step in seconds. Null when there is
 * no such run or anything is left to do. */
export async function completedRun(db: Db, config: RunConfig) {
  const [existing] = await db.select().from(runs).where(eq(runs.name, config.run));
  if (!existing) return null;
  checkSameRun(existing, config);
  const questionList = await selectQuestions(db, config);
  const done = await doneKeys(db, existing.id);
  const { total, todo } = workLeft(questionList, config.samplesPerQuestion, done);
  if (todo.length > 0) return null;
  if (existing.status !== "succeeded") {
    await db.update(runs).set({ status: "succeeded", updatedAt: new Date() }).where(eq(runs.id, existing.id));
  }
  return { runId: existing.id, run: config.run, total, stored: total };
}

/** Every (question, sample) of a run, and those not yet stored (`done`: "questionId:sampleIdx" keys). */
function workLeft(questionList: Question[], samplesPerQuestion: number, done: Set<string>) {
  const work = questionList.flatMap((q) => Array.from({ length: samplesPerQuestion }, (_, sampleIdx) => ({ q, sampleIdx })));
  return { total: work.length, todo: work.filter(({ q, sampleIdx }) => !done.has(`${q.id}:${sampleIdx}`)) };
}

export async function findOrCreateRun(db: Db, config: RunConfig, jobId?: number) {
  const [existing] = await db.select().from(runs).where(eq(runs.name, config.run));
  if (existing) {
    checkSameRun(existing, config);
    await db.update(runs).set({ status: "running", jobId, config, updatedAt: new Date() }).where(eq(runs.id, existing.id));
    return existing;
  }
  const [student] = await db.select({ id: students.id }).from(students).where(eq(students.name, config.model));
  const [created] = await db
    .insert(runs)
    .values({
      name: config.run,
      role: config.role,
      mode: config.mode,
      modelEndpoint: config.modelUrl,
      modelName: config.model,
      studentId: student?.id ?? null,
      config,
      tags: config.tags,
      status: "running",
      jobId,
    })
    .returning();
  return created!;
}

/** The run's benchmark, or an InputError listing the known ones. */
export async function findBenchmark(db: Db, config: Pick<RunConfig, "benchmark" | "split">) {
  const [bench] = await db
    .select()
    .from(benchmarks)
    .where(and(eq(benchmarks.name, config.benchmark), eq(benchmarks.split, config.split)));
  if (!bench) {
    const names = await db.select({ name: benchmarks.name, split: benchmarks.split }).from(benchmarks);
    const known = names.map((b) => `${b.name} (${b.split})`).join(", ");
    throw new InputError(
      `no benchmark "${config.benchmark}" with split ${config.split}` +
        (known ? `; known: ${known}` : "; run npx distillery import-benchmarks first"),
    );
  }
  return bench;
}

export async function selectQuestions(db: Db, config: RunConfig): Promise<Question[]> {
  const bench = await findBenchmark(db, config);
  const rows = await db
    .select({ id: questions.id, question: questions.question, answer: questions.answer })
    .from(questions)
    .where(eq(questions.benchmarkId, bench.id))
    .orderBy(asc(questions.position))
    .offset(config.offset)
    .limit(config.limit ?? 1_000_000);
  return rows.map((r) => ({ ...r, kind: bench.kind }));
}

export async function generateRun(db: Db, config: RunConfig, deps: RunDeps, hooks: RunHooks = {}, jobId?: number) {
  try {
    return await answerQuestions(db, config, deps, hooks, jobId);
  } finally {
    await deps.close?.();
  }
}

async function answerQuestions(db: Db, config: RunConfig, deps: RunDeps, hooks: RunHooks, jobId?: number) {
  const questionList = await selectQuestions(db, config);
  if (config.mode === "agent" && deps.probeSandbox) {
    // Fail closed before the first episode; an opted-out run stores which layers were off.
    const sandboxLayersOff = await deps.probeSandbox();
    config = { ...config, sandboxLayersOff };
    if (sandboxLayersOff.length) {
      hooks.log?.(`WARNING: unsafe sandbox (opted out): model code runs without ${sandboxLayersOff.join(", ")}`);
    }
  }
  const run = await findOrCreateRun(db, config, jobId);
  const done = await doneKeys(db, run.id);
  const { total, todo } = workLeft(questionList, config.samplesPerQuestion, done);
  let finished = total - todo.length;
  if (finished > 0) hooks.log?.(`resuming run "${config.run}": ${finished} of ${total} trajectories already stored`);
  hooks.progress?.(finished, total);

  // Opened on first search only (deps.retriever memoises): math agents may never search.
  const retriever: Retriever = {
    name: "lazy",
    searchMany: (queries, k) => deps.retriever().searchMany(queries, k),
  };
  const replays = config.replayTeacher ? await teacherPrefixes(db, [...new Set(todo.map((w) => w.q.id))], config.replayTeacher) : new Map();
  if (config.replayTeacher)
    hooks.log?.(`teacher-prefix replay: ${replays.size} of the questions left start from an accepted teacher trajectory`);
  let next = 0;
  let failure: unknown = null;
  const worker = async () => {
    while (next < todo.length && failure === null && !hooks.signal?.aborted) {
      const item = todo[next++]!;
      const key = { runId: run.id, questionId: item.q.id, sampleIdx: item.sampleIdx };
      try {
        let episode: EpisodeResult;
        try {
          episode = await runOne(item.q, item.sampleIdx, config, deps, retriever, hooks.signal, replays.get(item.q.id));
        } catch (err) {
          // A fatal problem (endpoint down, bad config) stops the run; anything else the model
          // or a tool did wrong to this one question is stored as an "error" trajectory.
          if (hooks.signal?.aborted || isFatal(err)) throw err;
          hooks.log?.(`question ${item.q.id}: ${(err as Error).message}`);
          episode = errorEpisode(err);
        }
        const score = await deps.score(item.q, episode.finalAnswer);
        await saveTrajectory(db, key, episode, score, deps.served);
        finished++;
        hooks.progress?.(finished, total, score.correct ? "✓" : "✗");
      } catch (err) {
        if (hooks.signal?.aborted) return;
        failure ??= err;
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(config.concurrency, todo.length) }, worker));
    if (failure !== null) throw failure;
    hooks.signal?.throwIfAborted();
    await db.update(runs).set({ status: "succeeded", updatedAt: new Date() }).where(eq(runs.id, run.id));
  } catch (err) {
    const status = hooks.signal?.aborted ? "cancelled" : "failed";
    await db.update(runs).set({ status, updatedAt: new Date() }).where(eq(runs.id, run.id));
    throw err;
  }
  return { runId: run.id, run: config.run, total, stored: finished };
}

function isFatal(err: unknown): boolean {
  // A wrong model name or a refused key fails every question alike: stop at once.
  if (err instanceof LlmHttpError && [401, 403, 404].includes(err.status)) return true;
  return err instanceof LlmUnreachableError || err instanceof InputError || err instanceof RetrievalConfigError;
}

function errorEpisode(err: unknown): EpisodeResult {
  return {
    status: "error",
    finalAnswer: null,
    ftpPrefix: null,
    steps: [],
    messages: [],
    tokensIn: 0,
    tokensOut: 0,
    latencyMs: 0,
    retrievalCalls: 0,
    error: err instanceof Error ? err.message : String(err),
  };
}

/** One question, one sample: the episode for the run's mode. Model-side failures become data. */
async function runOne(
  q: Question,
  sampleIdx: number,
  config: RunConfig,
  deps: RunDeps,
  retriever: Retriever,
  signal?: AbortSignal,
  replay?: string[],
): Promise<EpisodeResult> {
  const seed = config.seed + sampleIdx * 1000;
  const sampling = { temperature: config.temperature, topP: config.topP, maxTokens: config.maxTokens, seed };
  if (config.mode === "cot") return runCotEpisode(deps.model, q.question, sampling, undefined, signal);
  if (config.mode === "cot-rag") {
    const passages = await webSearch(retriever, q.question);
    return runCotEpisode(deps.model, q.question, sampling, passages, signal);
  }
  const ftp = config.ftp ? await firstThoughtPrefix(deps.model, q.question, sampling, signal) : null;
  const session = await deps.startSession();
  const tools: ToolHandler = async (name, args) => {
    if (name === "web_search") return webSearch(retriever, String(args[0] ?? ""));
    throw new Error(`unknown tool ${name}`);
  };
  try {
    const episode = await runEpisode({
      question: q.question,
      model: deps.model,
      session,
      tools,
      ftpPrefix: ftp?.prefix ?? null,
      replay,
      signal,
      config: {
        role: config.role,
        maxSteps: config.maxSteps,
        candidates: config.sag,
        temperature: config.temperature,
        topP: config.topP,
        maxTokens: config.maxTokens,
        seed,
      },
    });
    if (ftp) {
      episode.tokensIn += ftp.usage.promptTokens;
      episode.tokensOut += ftp.usage.completionTokens;
    }
    return episode;
  } finally {
    await session.close();
  }
}
