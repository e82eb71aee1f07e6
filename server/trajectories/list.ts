// Trajectory lists with keyset pagination on the trajectory id: a page costs the same at row
// 100,000 as at row 1 (no OFFSET scan), and the same filter drives next/previous navigation
// and the review queue's position counter.
import { and, asc, count, desc, eq, gt, lt, lte, sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import { benchmarks, questions, runs, trajectories } from "@/db/schema";
import { latestVerdictSql } from "@/server/annotations/verdicts";
import { InputError } from "@/server/errors";
import { filterConditions, whereWithCursor, type TrajectoryFilter } from "./filters";

export type Cursor = { after?: number; before?: number };

const rowFields = {
  id: trajectories.id,
  runName: runs.name,
  benchmark: benchmarks.name,
  questionId: trajectories.questionId,
  // Lists show a preview only; the trajectory page has the whole question.
  question: sql<string>`left(${questions.question}, 240)`,
  goldAnswer: sql<string>`left(${questions.answer}, 120)`,
  sampleIdx: trajectories.sampleIdx,
  finalAnswer: sql<string | null>`left(${trajectories.finalAnswer}, 120)`,
  status: trajectories.status,
  correct: trajectories.correct,
  numSteps: trajectories.numSteps,
  hasParseError: trajectories.hasParseError,
  hasExecError: trajectories.hasExecError,
  tokensOut: trajectories.tokensOut,
  latencyMs: trajectories.latencyMs,
  ftp: sql<boolean>`coalesce((${runs.config}->>'ftp')::boolean, false)`,
  verdict: latestVerdictSql,
};

function baseQuery<T extends Record<string, unknown>>(db: Db, fields: T) {
  return db
    .select(fields as never)
    .from(trajectories)
    .innerJoin(questions, eq(questions.id, trajectories.questionId))
    .innerJoin(benchmarks, eq(benchmarks.id, questions.benchmarkId))
    .innerJoin(runs, eq(runs.id, trajectories.runId));
}

export type TrajectoryRow = {
  id: number;
  runName: string;
  benchmark: string;
  questionId: number;
  question: string;
  goldAnswer: string;
  sampleIdx: number;
  finalAnswer: string | null;
  status: "finished" | "max_steps" | "error";
  correct: boolean | null;
  numSteps: number;
  hasParseError: boolean;
  hasExecError: boolean;
  tokensOut: number;
  latencyMs: number;
  ftp: boolean;
  verdict: "accept" | "reject" | null;
};

export async function listTrajectories(
  db: Db,
  filter: TrajectoryFilter,
  opts: { cursor?: Cursor; limit?: number } = {},
): Promise<{ rows: TrajectoryRow[]; hasNext: boolean; hasPrev: boolean }> {
  const limit = Math.min(Math.max(opts.limit ?? 50, 1), 200);
  const backwards = opts.cursor?.before !== undefined;
  const found = (await baseQuery(db, rowFields)
    .where(whereWithCursor(filter, opts.cursor))
    .orderBy(backwards ? desc(trajectories.id) : asc(trajectories.id))
    .limit(limit + 1)) as unknown as TrajectoryRow[];
  const more = found.length > limit;
  const page = found.slice(0, limit);
  if (backwards) page.reverse();
  const first = page[0]?.id;
  const last = page.at(-1)?.id;
  // The other direction's existence is one cheap probe each, so the pager never guesses.
  const hasPrev = backwards
    ? more
    : opts.cursor?.after !== undefined && first !== undefined && (await exists(db, filter, { before: first }));
  const hasNext = backwards ? last !== undefined && (await exists(db, filter, { after: last })) : more;
  return { rows: page, hasNext, hasPrev };
}

/** Counting needs only the joins the filter reads: a plain run count is an index-only scan. */
function countQuery<T extends Record<string, unknown>>(db: Db, fields: T, filter: TrajectoryFilter) {
  let q = db
    .select(fields as never)
    .from(trajectories)
    .$dynamic();
  if (filter.benchmark || filter.q) q = q.innerJoin(questions, eq(questions.id, trajectories.questionId));
  if (filter.ftp) q = q.innerJoin(runs, eq(runs.id, trajectories.runId));
  return q;
}

async function exists(db: Db, filter: TrajectoryFilter, cursor: Cursor): Promise<boolean> {
  const rows = await baseQuery(db, { id: trajectories.id }).where(whereWithCursor(filter, cursor)).limit(1);
  return rows.length > 0;
}

export async function countTrajectories(db: Db, filter: TrajectoryFilter): Promise<number> {
  const where = filterConditions(filter);
  const [row] = (await countQuery(db, { n: count() }, filter).where(where.length ? and(...where) : undefined)) as unknown as {
    n: number;
  }[];
  return Number(row?.n ?? 0);
}

/** The trajectories just before and after `id` under a filter (ids ascending). */
export async function neighbours(db: Db, filter: TrajectoryFilter, id: number) {
  const where = filterConditions(filter);
  const [prev] = (await baseQuery(db, { id: trajectories.id })
    .where(and(...where, lt(trajectories.id, id)))
    .orderBy(desc(trajectories.id))
    .limit(1)) as unknown as { id: number }[];
  const [next] = (await baseQuery(db, { id: trajectories.id })
    .where(and(...where, gt(trajectories.id, id)))
    .orderBy(asc(trajectories.id))
    .limit(1)) as unknown as { id: number }[];
  return { prev: prev?.id ?? null, next: next?.id ?? null };
}

/** Review-queue counters: how many match, how many of those have a verdict, and where `id` sits. */
export async function queueProgress(db: Db, filter: TrajectoryFilter, id?: number) {
  const where = filterConditions(filter);
  const [totals] = (await countQuery(db, { total: count(), annotated: sql<number>`count(${latestVerdictSql})::int` }, filter).where(
    where.length ? and(...where) : undefined,
  )) as unknown as { total: number; annotated: number }[];
  let position: number | null = null;
  if (id !== undefined) {
    const [row] = (await countQuery(db, { n: count() }, filter).where(and(...where, lte(trajectories.id, id)))) as unknown as {
      n: number;
    }[];
    position = Number(row?.n ?? 0);
  }
  return { total: Number(totals?.total ?? 0), annotated: Number(totals?.annotated ?? 0), position };
}

/** The ids of every trajectory under a filter, ascending; refused past `limit` (a set acted on at once). */
export async function matchingIds(db: Db, filter: TrajectoryFilter, limit: number): Promise<number[]> {
  const rows = (await baseQuery(db, { id: trajectories.id })
    .where(whereWithCursor(filter))
    .orderBy(asc(trajectories.id))
    .limit(limit + 1)) as unknown as { id: number }[];
  if (rows.length > limit) throw new InputError(`the filter matches more than ${limit} trajectories; narrow it`);
  return rows.map((r) => r.id);
}
