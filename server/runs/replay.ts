// Teacher-prefix replay (on-policy distillation, server/distill/): for each question, the first
// turns of an accepted teacher trajectory, which the agent loop replays in the sandbox before the
// model acts, so a student starts from states the teacher reached. Accepted means what the paper's
// filter keeps — a teacher agent's trajectory that is correct, finished with final_answer and free of
// parse errors — and not rejected by a person; one a person accepted is preferred.
import { and, asc, eq, inArray, isNull, ne, or, sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import { runs, trajectories } from "@/db/schema";

/**
 * The teacher turns to replay per question: `fraction` of the accepted trajectory's turns before
 * its last (the last gives the answer, which the model must reach itself), rounded up. Questions
 * with no accepted teacher trajectory, or nothing to replay, are absent.
 */
export async function teacherPrefixes(db: Db, questionIds: number[], fraction: number): Promise<Map<number, string[]>> {
  const out = new Map<number, string[]>();
  if (questionIds.length === 0 || fraction <= 0) return out;
  const rows = await db
    .select({ questionId: trajectories.questionId, messages: trajectories.messages })
    .from(trajectories)
    .innerJoin(runs, eq(runs.id, trajectories.runId))
    .where(
      and(
        inArray(trajectories.questionId, questionIds),
        eq(runs.role, "teacher"),
        eq(runs.mode, "agent"),
        eq(trajectories.correct, true),
        eq(trajectories.status, "finished"),
        eq(trajectories.hasParseError, false),
        or(isNull(trajectories.latestVerdict), ne(trajectories.latestVerdict, "reject")),
      ),
    )
    .orderBy(sql`${trajectories.latestVerdict} = 'accept' desc nulls last`, asc(trajectories.id));
  for (const row of rows) {
    if (out.has(row.questionId)) continue; // the first is the preferred one
    const turns = ((row.messages ?? []) as { role: string; content: string }[]).filter((m) => m.role === "assistant").map((m) => m.content);
    const replay = turns.slice(0, Math.ceil(fraction * (turns.length - 1)));
    if (replay.length > 0) out.set(row.questionId, replay);
  }
  return out;
}
