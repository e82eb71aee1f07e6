// Synthetic runs and trajectories for integration tests and the trace-viewer bench. They go
// through the real store (saveTrajectory), so they look exactly like generated ones.
import type { Db } from "@/db/client";
import { benchmarks, questions, runs } from "@/db/schema";
import type { CandidateRecord, EpisodeResult, ErrorKind, StepRecord } from "@/server/agent/types";
import { saveTrajectory } from "@/server/runs/store";

export async function seedBenchmark(db: Db, name: string, texts: { question: string; answer: string }[]) {
  const [bench] = await db
    .insert(benchmarks)
    .values({ name, kind: "qa", split: "test", title: name, sourceFile: `${name}.json` })
    .returning();
  const rows = await db
    .insert(questions)
    .values(texts.map((t, i) => ({ benchmarkId: bench!.id, externalId: `${name}-${i}`, position: i, ...t })))
    .returning({ id: questions.id });
  return { benchmarkId: bench!.id, questionIds: rows.map((r) => r.id) };
}

export async function seedRun(
  db: Db,
  opts: { name: string; benchmark: string; model?: string; role?: "teacher" | "student"; ftp?: boolean; sag?: number },
) {
  const [run] = await db
    .insert(runs)
    .values({
      name: opts.name,
      role: opts.role ?? "teacher",
      mode: "agent",
      modelEndpoint: "http://127.0.0.1:1/v1",
      modelName: opts.model ?? "teacher-model",
      config: { benchmark: opts.benchmark, split: "test", ftp: opts.ftp ?? false, sag: opts.sag ?? 1 },
      status: "succeeded",
    })
    .returning();
  return run!.id;
}

export type StepSpec = { thought?: string; code?: string; observation?: string; errorKind?: ErrorKind; candidates?: number };

function candidatesFor(step: StepSpec, idx: number): CandidateRecord[] {
  const n = step.candidates ?? 0;
  return Array.from({ length: n }, (_, c) => {
    // Candidate 0 wins; every third one fails to execute, the rest split into two vote groups.
    const failed = c > 0 && c % 3 === 0;
    const group = c % 2 === 0 ? "a" : "b";
    return {
      idx: c,
      rawText: `Thought: candidate ${c}\n\`\`\`py\nprint(${c})\n\`\`\``,
      parseOk: true,
      execOk: !failed,
      code: `x = ${idx}\nprint(x + ${c % 2})`,
      output: failed ? null : (step.observation ?? `${idx}`),
      finalAnswer: null,
      error: failed ? "NameError: name 'y' is not defined" : null,
      voteKey: failed ? null : `out:${group}`,
      votes: failed ? 0 : group === "a" ? Math.ceil(n / 2) : Math.floor(n / 2),
      chosen: c === 0,
      meanLogprob: -0.1 * c,
    };
  });
}

export function makeEpisode(opts: {
  steps: StepSpec[];
  finalAnswer?: string | null;
  status?: EpisodeResult["status"];
  ftpPrefix?: string | null;
}): EpisodeResult {
  const steps: StepRecord[] = opts.steps.map((s, idx) => ({
    idx,
    thought: s.thought ?? `Step ${idx}: think about it.`,
    code: s.code ?? `print(${idx})`,
    observation: s.errorKind ? "" : (s.observation ?? `${idx}`),
    errorKind: s.errorKind ?? null,
    errorText: s.errorKind ? `${s.errorKind} error in step ${idx}` : null,
    toolCalls: [],
    forcedFinal: s.errorKind === "max_steps",
    tokensIn: 100 + idx,
    tokensOut: 20 + idx,
    latencyMs: 50 + idx,
    chosenCandidate: s.candidates ? 0 : null,
    candidates: candidatesFor(s, idx),
    finalAnswer: null,
  }));
  return {
    status: opts.status ?? "finished",
    finalAnswer: opts.finalAnswer === undefined ? "42" : opts.finalAnswer,
    ftpPrefix: opts.ftpPrefix ?? null,
    steps,
    messages: [],
    tokensIn: steps.reduce((a, s) => a + s.tokensIn, 0),
    tokensOut: steps.reduce((a, s) => a + s.tokensOut, 0),
    latencyMs: steps.reduce((a, s) => a + s.latencyMs, 0),
    retrievalCalls: 0,
    error: null,
  };
}

export async function seedTrajectory(
  db: Db,
  key: { runId: number; questionId: number; sampleIdx?: number },
  episode: EpisodeResult,
  correct: boolean | null,
) {
  const id = await saveTrajectory(db, { sampleIdx: 0, ...key }, episode, { correct, detail: {} });
  return id!;
}

/** The bench's worst case: `steps` steps × `candidates` candidates, observations of `observationBytes`. */
export function hugeEpisode(steps = 50, candidates = 8, observationBytes = 50_000): EpisodeResult {
  const line = "0123456789 abcdefghijklmnopqrstuvwxyz ABCDEFGHIJKLMNOPQRSTUVWXYZ observation text\n";
  const observation = line.repeat(Math.ceil(observationBytes / line.length)).slice(0, observationBytes);
  const thought = "Let me **reason** about this with `code`:\n\n- first point\n- second point\n\nThen compute.";
  const code = Array.from({ length: 12 }, (_, i) => `value_${i} = compute(${i}, "text")  # step helper`).join("\n");
  return makeEpisode({
    steps: Array.from({ length: steps }, (_, i) => ({
      thought: `${thought} (${i})`,
      code: `${code}\nprint(value_${i % 12})`,
      observation,
      candidates,
      errorKind: i === steps - 2 ? "exec" : undefined,
    })),
    finalAnswer: "the answer",
  });
}
