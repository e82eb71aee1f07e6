// Any two trajectories side by side — teacher and student, two students, two samples, or an FTP
// pair (ftp.ts finds those) — and the trajectories one can be compared with: the other answers
// to its question, across runs and samples.
import { and, asc, desc, eq, inArray, ne, sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import { runs, steps, trajectories } from "@/db/schema";
import { InputError } from "@/server/errors";
import { alignSteps, finalAnswersDiffer, firstDivergence, type StepFingerprint } from "./alignment";
import { getTrajectory } from "./detail";
import { ftpOf } from "./ftp";

/** How many comparable trajectories the picker lists (the newest runs'). */
export const COMPARABLE_LIMIT = 50;

/**
 * Both trajectories' headers (as the trace viewer gets them), their steps aligned by index, the
 * first divergence and whether the final answers differ. Observations and errors are compared
 * whole, by digest, since the steps themselves come with previews only.
 */
export async function pairTrajectories(db: Db, aId: number, bId: number) {
  const a = await getTrajectory(db, aId);
  if (!a) throw new InputError(`a: no trajectory ${aId}`);
  const b = await getTrajectory(db, bId);
  if (!b) throw new InputError(`b: no trajectory ${bId}`);
  const digests = await db
    .select({
      trajectoryId: steps.trajectoryId,
      idx: steps.idx,
      observation: sql<string | null>`md5(${steps.observation})`,
      errorText: sql<string | null>`md5(${steps.errorText})`,
    })
    .from(steps)
    .where(inArray(steps.trajectoryId, [aId, bId]));
  const digestOf = new Map(digests.map((d) => [`${d.trajectoryId}:${d.idx}`, d]));
  const fingerprints = (t: typeof a): StepFingerprint[] =>
    t.steps.map((s) => {
      const digest = digestOf.get(`${t.id}:${s.idx}`);
      return { ...s, observation: digest?.observation ?? null, errorText: digest?.errorText ?? null };
    });
  const { steps: stepsA, ...headA } = a;
  const { steps: stepsB, ...headB } = b;
  return {
    a: headA,
    b: headB,
    rows: alignSteps(stepsA, stepsB),
    divergence: firstDivergence(fingerprints(a), fingerprints(b)),
    finalAnswersDiffer: finalAnswersDiffer(a.finalAnswer, b.finalAnswer),
    sameQuestion: a.question.id === b.question.id,
  };
}
export type TrajectoryPair = Awaited<ReturnType<typeof pairTrajectories>>;

/**
 * The other trajectories of the same question, in any run and sample: newest runs first, then by
 * sample, at most `limit`.
 */
export async function comparableTrajectories(db: Db, id: number, limit = COMPARABLE_LIMIT) {
  const [self] = await db.select({ questionId: trajectories.questionId }).from(trajectories).where(eq(trajectories.id, id));
  if (!self) throw new InputError(`id: no trajectory ${id}`);
  return db
    .select({
      id: trajectories.id,
      runName: runs.name,
      role: runs.role,
      model: runs.modelName,
      mode: runs.mode,
      ftp: ftpOf(runs),
      sampleIdx: trajectories.sampleIdx,
      correct: trajectories.correct,
      status: trajectories.status,
      finalAnswer: sql<string | null>`left(${trajectories.finalAnswer}, 200)`,
      numSteps: trajectories.numSteps,
    })
    .from(trajectories)
    .innerJoin(runs, eq(runs.id, trajectories.runId))
    .where(and(eq(trajectories.questionId, self.questionId), ne(trajectories.id, id)))
    .orderBy(desc(runs.id), asc(trajectories.sampleIdx), asc(trajectories.id))
    .limit(limit);
}
export type ComparableTrajectory = Awaited<ReturnType<typeof comparableTrajectories>>[number];
