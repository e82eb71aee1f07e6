// The per-token scores of a distillation round (the worker's scores.jsonl, §6.4a) in the database,
// and read back per step for the trace viewer: each token's disagreement is the student's logprob
// minus the teacher's (the sampled per-token reverse KL the round trains on), placed in the step's
// thought or code by its character span.
import fs from "node:fs";
import { eq } from "drizzle-orm";
import { z } from "zod";
import type { Db } from "@/db/client";
import { steps, tokenScores, trajectories } from "@/db/schema";
import { InputError } from "@/server/errors";

const numbers = z.array(z.number());
const scoresRecord = z.object({
  id: z.string().regex(/^trajectory-\d+$/),
  turn: z.array(z.number().int().min(0)),
  start: z.array(z.number().int()),
  end: z.array(z.number().int()),
  student: numbers,
  teacher: numbers,
  teacherTop: z.array(z.string()),
  teacherTopLogprob: numbers,
});

/** Store a round's scores.jsonl, one row per episode (a re-imported episode is replaced). */
export async function importTokenScores(db: Db, file: string, models: { student: string; teacher: string }): Promise<number> {
  const lines = fs.readFileSync(file, "utf8").split("\n").filter(Boolean);
  let stored = 0;
  for (const [index, line] of lines.entries()) {
    const parsed = scoresRecord.safeParse(parseJson(line));
    if (!parsed.success) throw new InputError(`${file}:${index + 1}: not a token-scores record (${parsed.error.issues[0]?.message})`);
    const { id, ...scores } = parsed.data;
    const n = scores.turn.length;
    if (Object.values(scores).some((column) => column.length !== n))
      throw new InputError(`${file}:${index + 1}: columns of unequal length`);
    const row = { trajectoryId: Number(id.slice("trajectory-".length)), ...models, scores };
    await db
      .insert(tokenScores)
      .values(row)
      .onConflictDoUpdate({ target: tokenScores.trajectoryId, set: { ...models, scores } });
    stored++;
  }
  return stored;
}

function parseJson(line: string): unknown {
  try {
    return JSON.parse(line);
  } catch {
    return null;
  }
}

/** One scored token, its span relative to the part (thought or code) of the step it falls in. */
export type ScoredToken = {
  start: number;
  end: number;
  student: number;
  teacher: number;
  /** student − teacher logprob: how much less likely the teacher found this token. */
  disagreement: number;
  teacherTop: string;
  teacherTopLogprob: number;
};

export type StepScores = {
  idx: number;
  /** Mean disagreement over every token of the step (thought, code and what surrounds them). */
  meanDisagreement: number;
  tokens: number;
  thought: ScoredToken[];
  code: ScoredToken[];
};

/** A trajectory's token scores by step; null when it was never scored. */
export async function stepTokenScores(db: Db, trajectoryId: number) {
  const [row] = await db
    .select({ student: tokenScores.student, teacher: tokenScores.teacher, scores: tokenScores.scores, messages: trajectories.messages })
    .from(tokenScores)
    .innerJoin(trajectories, eq(trajectories.id, tokenScores.trajectoryId))
    .where(eq(tokenScores.trajectoryId, trajectoryId));
  if (!row) return null;
  const stepRows = await db
    .select({ idx: steps.idx, thought: steps.thought, code: steps.code })
    .from(steps)
    .where(eq(steps.trajectoryId, trajectoryId));
  const turns = (row.messages as { role: string; content: string }[]).filter((m) => m.role === "assistant").map((m) => m.content);
  const s = row.scores;
  const byStep: StepScores[] = stepRows
    .sort((a, b) => a.idx - b.idx)
    .map((step) => {
      const content = turns[step.idx] ?? "";
      const parts = [
        { key: "thought" as const, text: step.thought, at: step.thought ? content.indexOf(step.thought) : -1 },
        { key: "code" as const, text: step.code, at: step.code ? content.indexOf(step.code) : -1 },
      ];
      const out: StepScores = { idx: step.idx, meanDisagreement: 0, tokens: 0, thought: [], code: [] };
      let total = 0;
      for (let i = 0; i < s.turn.length; i++) {
        if (s.turn[i] !== step.idx) continue;
        const disagreement = s.student[i]! - s.teacher[i]!;
        total += disagreement;
        out.tokens++;
        for (const part of parts) {
          if (part.at < 0 || !part.text) continue;
          const start = s.start[i]! - part.at;
          const end = s.end[i]! - part.at;
          if (start < 0 || end > part.text.length || end <= start) continue;
          out[part.key].push({
            start,
            end,
            student: s.student[i]!,
            teacher: s.teacher[i]!,
            disagreement,
            teacherTop: s.teacherTop[i]!,
            teacherTopLogprob: s.teacherTopLogprob[i]!,
          });
        }
      }
      out.meanDisagreement = out.tokens ? total / out.tokens : 0;
      return out;
    });
  return { student: row.student, teacher: row.teacher, steps: byStep };
}
export type TrajectoryTokenScores = NonNullable<Awaited<ReturnType<typeof stepTokenScores>>>;
