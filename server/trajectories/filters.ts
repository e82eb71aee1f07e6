// A trajectory filter (filter-schema.ts) as SQL conditions.
import { and, eq, gt, lt, sql, type SQL } from "drizzle-orm";
import { benchmarks, questions, runs, trajectories } from "@/db/schema";
import { latestVerdictSql } from "@/server/annotations/verdicts";
import type { TrajectoryFilter } from "./filter-schema";

export { FILTER_KEYS, filterFromParams, filterToParams, trajectoryFilter, type TrajectoryFilter } from "./filter-schema";

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/**
 * SQL conditions for a filter. The query it is used in must join `questions` and `runs`
 * (run-level filters like FTP live in `runs.config`).
 */
export function filterConditions(filter: TrajectoryFilter): SQL[] {
  const where: SQL[] = [];
  if (filter.run) where.push(sql`${trajectories.runId} = (select ${runs.id} from ${runs} where ${runs.name} = ${filter.run})`);
  if (filter.benchmark) {
    where.push(
      sql`${questions.benchmarkId} in (select ${benchmarks.id} from ${benchmarks} where ${benchmarks.name} = ${filter.benchmark})`,
    );
  }
  if (filter.outcome === "correct") where.push(eq(trajectories.correct, true));
  if (filter.outcome === "incorrect") where.push(eq(trajectories.correct, false));
  if (filter.outcome === "unscored") where.push(sql`${trajectories.correct} is null`);
  if (filter.status) where.push(eq(trajectories.status, filter.status));
  if (filter.error === "parse") where.push(eq(trajectories.hasParseError, true));
  if (filter.error === "exec") where.push(eq(trajectories.hasExecError, true));
  if (filter.error === "any") where.push(sql`(${trajectories.hasParseError} or ${trajectories.hasExecError})`);
  if (filter.error === "none") where.push(sql`not (${trajectories.hasParseError} or ${trajectories.hasExecError})`);
  if (filter.verdict === "none") where.push(sql`${latestVerdictSql} is null`);
  else if (filter.verdict) where.push(sql`${latestVerdictSql} = ${filter.verdict}`);
  if (filter.ftp) where.push(sql`coalesce((${runs.config}->>'ftp')::boolean, false) = ${filter.ftp === "on"}`);
  const text = filter.q?.trim();
  if (text) {
    const pattern = `%${escapeLike(text)}%`;
    where.push(
      sql`(${questions.question} ilike ${pattern} or ${questions.answer} ilike ${pattern} or ${trajectories.finalAnswer} ilike ${pattern})`,
    );
  }
  return where;
}

/** Conditions plus an optional keyset bound on the trajectory id. */
export function whereWithCursor(filter: TrajectoryFilter, cursor?: { after?: number; before?: number }): SQL | undefined {
  const where = filterConditions(filter);
  if (cursor?.after !== undefined) where.push(gt(trajectories.id, cursor.after));
  if (cursor?.before !== undefined) where.push(lt(trajectories.id, cursor.before));
  return where.length ? and(...where) : undefined;
}
