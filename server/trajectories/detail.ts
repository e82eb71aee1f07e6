// One trajectory for the trace viewer. Long texts (observations, candidate outputs) come as a
// preview plus their size, cut in SQL so a 50-step × 8-candidate trace with 50 KB observations
// stays a small response; the full text is fetched when a user asks for it. Sizes are
// octet_length (read from the TOAST header) rather than length (which would decompress every
// 50 KB value just to count characters).
import { asc, eq, inArray, sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import { benchmarks, candidates, questions, runs, steps, trajectories } from "@/db/schema";
import { unsafeSandboxOf } from "@/server/runs/sandbox-flag";
import { annotationHistory } from "@/server/annotations/annotations";

/** Characters of an observation or candidate output sent up front. */
export const PREVIEW_CHARS = 2_000;

export async function getTrajectory(db: Db, id: number, opts: { full?: boolean } = {}) {
  const limit = opts.full ? 100_000_000 : PREVIEW_CHARS;
  const [head] = await db
    .select({
      id: trajectories.id,
      runId: trajectories.runId,
      sampleIdx: trajectories.sampleIdx,
      ftpPrefix: trajectories.ftpPrefix,
      finalAnswer: trajectories.finalAnswer,
      status: trajectories.status,
      correct: trajectories.correct,
      score: trajectories.score,
      numSteps: trajectories.numSteps,
      tokensIn: trajectories.tokensIn,
      tokensOut: trajectories.tokensOut,
      latencyMs: trajectories.latencyMs,
      retrievalCalls: trajectories.retrievalCalls,
      error: trajectories.error,
      createdAt: trajectories.createdAt,
      question: { id: questions.id, text: questions.question, answer: questions.answer, externalId: questions.externalId },
      benchmark: { name: benchmarks.name, kind: benchmarks.kind, split: benchmarks.split },
      run: { name: runs.name, model: runs.modelName, mode: runs.mode, role: runs.role, config: runs.config },
    })
    .from(trajectories)
    .innerJoin(questions, eq(questions.id, trajectories.questionId))
    .innerJoin(benchmarks, eq(benchmarks.id, questions.benchmarkId))
    .innerJoin(runs, eq(runs.id, trajectories.runId))
    .where(eq(trajectories.id, id));
  if (!head) return null;

  const stepRows = await db
    .select({
      id: steps.id,
      idx: steps.idx,
      thought: steps.thought,
      code: steps.code,
      observation: sql<string | null>`left(${steps.observation}, ${limit})`,
      observationBytes: sql<number>`coalesce(octet_length(${steps.observation}), 0)::int`,
      errorKind: steps.errorKind,
      errorText: sql<string | null>`left(${steps.errorText}, ${limit})`,
      errorTextBytes: sql<number>`coalesce(octet_length(${steps.errorText}), 0)::int`,
      toolCalls: steps.toolCalls,
      forcedFinal: steps.forcedFinal,
      replayed: steps.replayed,
      tokensIn: steps.tokensIn,
      tokensOut: steps.tokensOut,
      latencyMs: steps.latencyMs,
      chosenCandidate: steps.chosenCandidate,
    })
    .from(steps)
    .where(eq(steps.trajectoryId, id))
    .orderBy(asc(steps.idx));

  const candidateRows = stepRows.length
    ? await db
        .select({
          id: candidates.id,
          stepId: candidates.stepId,
          idx: candidates.idx,
          parseOk: candidates.parseOk,
          execOk: candidates.execOk,
          code: candidates.code,
          output: sql<string | null>`left(${candidates.output}, ${Math.min(limit, 300)})`,
          outputBytes: sql<number>`coalesce(octet_length(${candidates.output}), 0)::int`,
          finalAnswer: candidates.finalAnswer,
          error: sql<string | null>`left(${candidates.error}, 2000)`,
          voteKey: sql<string | null>`left(${candidates.voteKey}, 300)`,
          votes: candidates.votes,
          chosen: candidates.chosen,
          meanLogprob: candidates.meanLogprob,
        })
        .from(candidates)
        .where(
          inArray(
            candidates.stepId,
            stepRows.map((s) => s.id),
          ),
        )
        .orderBy(asc(candidates.stepId), asc(candidates.idx))
    : [];
  const byStep = new Map<number, typeof candidateRows>();
  for (const c of candidateRows) byStep.set(c.stepId, [...(byStep.get(c.stepId) ?? []), c]);

  const { config, ...run } = head.run;
  const cfg = config as { ftp?: boolean; sag?: number };
  return {
    ...head,
    run: { ...run, ftp: Boolean(cfg.ftp), sag: cfg.sag ?? 1, unsafeSandbox: unsafeSandboxOf(config) },
    steps: stepRows.map((s) => ({ ...s, candidates: byStep.get(s.id) ?? [] })),
    annotations: await annotationHistory(db, id),
  };
}
export type TrajectoryDetail = NonNullable<Awaited<ReturnType<typeof getTrajectory>>>;
export type StepDetail = TrajectoryDetail["steps"][number];
export type CandidateSummary = StepDetail["candidates"][number];

/** The full observation and error text of one step ("show all"). */
export async function getStepText(db: Db, stepId: number) {
  const [row] = await db.select({ observation: steps.observation, errorText: steps.errorText }).from(steps).where(eq(steps.id, stepId));
  return row ?? null;
}

/** One candidate in full (raw text, code, whole output) for the diff view. */
export async function getCandidate(db: Db, candidateId: number) {
  const [row] = await db.select().from(candidates).where(eq(candidates.id, candidateId));
  return row ?? null;
}
