// Why a run's wrong trajectories are wrong: each incorrect trajectory gets exactly one failure
// kind, read from its stored steps (the first kind in FAILURE_KINDS that applies), so a run's
// failures form a taxonomy that adds up to its incorrect count. `npx distillery runs failures RUN`.
import { and, asc, eq, inArray, isNotNull, not } from "drizzle-orm";
import type { Db } from "@/db/client";
import { questions, steps, trajectories } from "@/db/schema";
import { normalizeAnswer } from "@/server/scoring/qa";

export const FAILURE_KINDS = {
  engine_error: "the episode stopped on an error of the engine or server, not of the model",
  tool_shadowing: "the model tried to redefine a tool (final_answer, web_search) and was refused",
  parse_error: "no final answer, and a reply could not be read (no code block, bad syntax, CoT without \\boxed{})",
  no_final_answer: "no final answer: out of steps or tokens without calling final_answer",
  right_code_wrong_answer: "an observation showed the right answer, but the final answer was another",
  wrong_code: "the code ran (or raised) and the answer it led to is wrong",
  no_computation: "answered without computing anything (a literal final_answer, or CoT)",
} as const;

export type FailureKind = keyof typeof FAILURE_KINDS;

export type FailureInput = {
  status: string;
  finalAnswer: string | null;
  gold: string;
  steps: { code: string | null; observation: string | null; errorKind: string | null; errorText: string | null }[];
};

const SHADOWING = /ToolShadowing|(is a tool|are tools) of this environment/;
// A line that only hands over a literal: final_answer(42), final_answer("Paris").
const LITERAL_ANSWER = /^final_answer\(\s*(["'][^"'()]*["']|[-+\d.,_\s]+)\s*\)\s*;?$/;
const NUMBER = /[-+]?\d[\d,_]*(?:\.\d+)?(?:e[-+]?\d+)?/gi;

export function classifyFailure(t: FailureInput): FailureKind {
  const unparsed = t.steps.some((s) => s.errorKind === "parse");
  // A CoT reply without an answer is stored as an errored episode with a parse error: the model's doing.
  if (t.status === "error" && !unparsed) return "engine_error";
  if (t.steps.some((s) => SHADOWING.test(`${s.errorText ?? ""}\n${s.observation ?? ""}`))) return "tool_shadowing";
  if (!t.finalAnswer?.trim()) return unparsed ? "parse_error" : "no_final_answer";
  if (t.steps.some((s) => showsAnswer(s.observation ?? "", t.gold))) return "right_code_wrong_answer";
  return t.steps.some((s) => computes(s.code)) ? "wrong_code" : "no_computation";
}

/** Code that does more than hand over a literal answer. */
function computes(code: string | null): boolean {
  const lines = (code ?? "")
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith("#"));
  return lines.length > 0 && !lines.every((l) => LITERAL_ANSWER.test(l));
}

/** Whether an observation shows the gold answer: a numeric gold as one of its numbers (the grader's
 * float-noise tolerance for whole numbers, digits compared exactly), any other gold as a normalised
 * phrase. */
export function showsAnswer(observation: string, gold: string): boolean {
  const goldNumber = parseNumber(gold.trim());
  if (goldNumber === null) {
    const phrase = normalizeAnswer(gold);
    return phrase.length > 0 && ` ${normalizeAnswer(observation)} `.includes(` ${phrase} `);
  }
  return (observation.match(NUMBER) ?? []).some((text) => {
    const value = parseNumber(text);
    return value !== null && sameNumber(value, goldNumber);
  });
}

type Parsed = { whole: bigint | null; value: number };

function parseNumber(text: string): Parsed | null {
  const clean = text.replace(/[,_]/g, "");
  if (!/^[-+]?\d+(\.\d+)?(e[-+]?\d+)?$/i.test(clean)) return null;
  const whole = /^[-+]?\d+$/.test(clean) ? BigInt(clean) : null;
  return { whole, value: Number(clean) };
}

/** The grader's rule: a whole-number gold matches only to within float noise, absolutely (every digit
 * of a large exact answer counts; a float beyond 2^53 cannot show them all); other golds relatively. */
function sameNumber(shown: Parsed, gold: Parsed): boolean {
  if (gold.whole !== null) {
    if (shown.whole !== null) return shown.whole === gold.whole;
    return Number.isSafeInteger(gold.value) && Math.abs(shown.value - gold.value) <= 1e-6;
  }
  return Math.abs(shown.value - gold.value) <= 1e-9 * Math.max(1, Math.abs(gold.value));
}

export type RunFailures = {
  incorrect: number;
  kinds: { kind: FailureKind; description: string; count: number; trajectories: number[] }[];
};

/** The taxonomy of one run's graded-incorrect trajectories, most frequent kind first. */
export async function runFailures(db: Db, runId: number): Promise<RunFailures> {
  const wrong = await db
    .select({
      id: trajectories.id,
      status: trajectories.status,
      finalAnswer: trajectories.finalAnswer,
      gold: questions.answer,
    })
    .from(trajectories)
    .innerJoin(questions, eq(questions.id, trajectories.questionId))
    .where(and(eq(trajectories.runId, runId), isNotNull(trajectories.correct), not(trajectories.correct)))
    .orderBy(asc(trajectories.id));
  const stepRows = wrong.length
    ? await db
        .select({
          trajectoryId: steps.trajectoryId,
          code: steps.code,
          observation: steps.observation,
          errorKind: steps.errorKind,
          errorText: steps.errorText,
        })
        .from(steps)
        .where(
          inArray(
            steps.trajectoryId,
            wrong.map((t) => t.id),
          ),
        )
        .orderBy(asc(steps.trajectoryId), asc(steps.idx))
    : [];
  const byTrajectory = new Map<number, typeof stepRows>();
  for (const s of stepRows) byTrajectory.set(s.trajectoryId, [...(byTrajectory.get(s.trajectoryId) ?? []), s]);
  const found = new Map<FailureKind, number[]>();
  for (const t of wrong) {
    const kind = classifyFailure({ ...t, steps: byTrajectory.get(t.id) ?? [] });
    found.set(kind, [...(found.get(kind) ?? []), t.id]);
  }
  const kinds = [...found.entries()]
    .map(([kind, ids]) => ({ kind, description: FAILURE_KINDS[kind], count: ids.length, trajectories: ids }))
    .sort((a, b) => b.count - a.count || a.kind.localeCompare(b.kind));
  return { incorrect: wrong.length, kinds };
}
