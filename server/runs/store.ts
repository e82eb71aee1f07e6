// Writes finished episodes. A trajectory, its steps and its candidates land in one transaction,
// and (run, question, sample_idx) is unique, so a crash never leaves half a trajectory and a
// resumed run never stores one twice.
import { eq } from "drizzle-orm";
import type { Db } from "@/db/client";
import { candidates, steps, trajectories } from "@/db/schema";
import type { EpisodeResult } from "@/server/agent/types";
import { redact } from "@/server/endpoints/redact";
import type { Served } from "@/server/models/served";

export type Score = { correct: boolean | null; detail: Record<string, unknown> };

export async function saveTrajectory(
  db: Db,
  key: { runId: number; questionId: number; sampleIdx: number },
  episode: EpisodeResult,
  score: Score,
  served?: Served | null,
): Promise<number | null> {
  return db.transaction(async (tx) => {
    const [row] = await tx
      .insert(trajectories)
      .values({
        ...key,
        ftpPrefix: episode.ftpPrefix,
        finalAnswer: episode.finalAnswer,
        status: episode.status,
        correct: score.correct,
        score: score.detail,
        numSteps: episode.steps.length,
        hasParseError: episode.steps.some((s) => s.errorKind === "parse"),
        hasExecError: episode.steps.some((s) => s.errorKind === "exec" || s.errorKind === "timeout"),
        retrievalCalls: episode.retrievalCalls,
        tokensIn: episode.tokensIn,
        tokensOut: episode.tokensOut,
        latencyMs: episode.latencyMs,
        served: served ?? null,
        messages: episode.messages,
        error: episode.error === null ? null : redact(episode.error),
      })
      .onConflictDoNothing()
      .returning({ id: trajectories.id });
    if (!row) return null;
    for (const step of episode.steps) {
      const { candidates: stepCandidates, finalAnswer: _final, ...fields } = step;
      const [stepRow] = await tx
        .insert(steps)
        .values({ ...fields, trajectoryId: row.id })
        .returning({ id: steps.id });
      if (stepCandidates.length > 0) {
        await tx.insert(candidates).values(stepCandidates.map((c) => ({ ...c, stepId: stepRow!.id })));
      }
    }
    return row.id;
  });
}

/** The (question, sample) pairs of a run that already have a trajectory. */
export async function doneKeys(db: Db, runId: number): Promise<Set<string>> {
  const rows = await db
    .select({ questionId: trajectories.questionId, sampleIdx: trajectories.sampleIdx })
    .from(trajectories)
    .where(eq(trajectories.runId, runId));
  return new Set(rows.map((r) => `${r.questionId}:${r.sampleIdx}`));
}
