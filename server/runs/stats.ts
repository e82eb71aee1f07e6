// Per-run numbers for `runs list|show`, the home page and the compare charts, computed in SQL
// from the stored trajectories (indexed by run), so they are always in step with the data.
import { unsafeSandboxOf } from "@/server/runs/sandbox-flag";
import { and, desc, eq, inArray, isNotNull, sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import { candidates, jobs, runs, steps, trajectories } from "@/db/schema";
import type { Served } from "@/server/models/served";

export type RunStats = {
  trajectories: number;
  correct: number;
  accuracy: number | null;
  parseErrors: number;
  execErrors: number;
  maxStepsHits: number;
  errors: number;
  meanSteps: number | null;
  tokensIn: number;
  tokensOut: number;
  retrievalCalls: number;
  /** SAG runs only. */
  meanCandidatesPerStep: number | null;
  voteAgreement: number | null;
  /** What the embedded model server ran on, with how many trajectories each (a resumed run can mix them). */
  served: (Served & { trajectories: number })[];
};

export async function runStats(db: Db, runIds: number[]): Promise<Map<number, RunStats>> {
  const out = new Map<number, RunStats>();
  if (runIds.length === 0) return out;
  const base = await db
    .select({
      runId: trajectories.runId,
      n: sql<number>`count(*)::int`,
      correct: sql<number>`count(*) filter (where ${trajectories.correct})::int`,
      parseErrors: sql<number>`count(*) filter (where ${trajectories.hasParseError})::int`,
      execErrors: sql<number>`count(*) filter (where ${trajectories.hasExecError})::int`,
      maxSteps: sql<number>`count(*) filter (where ${trajectories.status} = 'max_steps')::int`,
      errors: sql<number>`count(*) filter (where ${trajectories.status} = 'error')::int`,
      meanSteps: sql<number | null>`avg(${trajectories.numSteps})::float8`,
      tokensIn: sql<number>`coalesce(sum(${trajectories.tokensIn}), 0)::int`,
      tokensOut: sql<number>`coalesce(sum(${trajectories.tokensOut}), 0)::int`,
      retrieval: sql<number>`coalesce(sum(${trajectories.retrievalCalls}), 0)::int`,
    })
    .from(trajectories)
    .where(inArray(trajectories.runId, runIds))
    .groupBy(trajectories.runId);
  // SAG: candidates per step and the share of successful candidates that agreed with the winner.
  const sag = await db
    .select({
      runId: trajectories.runId,
      meanCandidates: sql<number | null>`avg(c.n)::float8`,
      agreement: sql<number | null>`avg(case when c.ok > 0 then c.winner_votes::float8 / c.ok end)::float8`,
    })
    .from(steps)
    .innerJoin(trajectories, eq(steps.trajectoryId, trajectories.id))
    .innerJoin(
      sql`(select ${candidates.stepId} as step_id, count(*) as n, count(*) filter (where ${candidates.execOk}) as ok,
                  max(case when ${candidates.chosen} and ${candidates.execOk} then ${candidates.votes} else 0 end) as winner_votes
           from ${candidates} group by ${candidates.stepId}) c`,
      sql`c.step_id = ${steps.id}`,
    )
    .where(inArray(trajectories.runId, runIds))
    .groupBy(trajectories.runId);
  const sagByRun = new Map(sag.map((r) => [r.runId, r]));
  const servedRows = await db
    .select({ runId: trajectories.runId, served: trajectories.served, n: sql<number>`count(*)::int` })
    .from(trajectories)
    .where(and(inArray(trajectories.runId, runIds), isNotNull(trajectories.served)))
    .groupBy(trajectories.runId, trajectories.served);
  const servedByRun = new Map<number, RunStats["served"]>();
  for (const r of servedRows) {
    if (!r.served) continue;
    servedByRun.set(r.runId, [...(servedByRun.get(r.runId) ?? []), { ...r.served, trajectories: r.n }]);
  }
  for (const id of runIds) {
    const b = base.find((r) => r.runId === id);
    const s = sagByRun.get(id);
    out.set(id, {
      trajectories: b?.n ?? 0,
      correct: b?.correct ?? 0,
      accuracy: b && b.n > 0 ? b.correct / b.n : null,
      parseErrors: b?.parseErrors ?? 0,
      execErrors: b?.execErrors ?? 0,
      maxStepsHits: b?.maxSteps ?? 0,
      errors: b?.errors ?? 0,
      meanSteps: b?.meanSteps ?? null,
      tokensIn: b?.tokensIn ?? 0,
      tokensOut: b?.tokensOut ?? 0,
      retrievalCalls: b?.retrieval ?? 0,
      meanCandidatesPerStep: s?.meanCandidates ?? null,
      voteAgreement: s?.agreement ?? null,
      served: (servedByRun.get(id) ?? []).sort((a, b) => b.trajectories - a.trajectories),
    });
  }
  return out;
}

export async function listRuns(db: Db) {
  const rows = await db
    .select({ run: runs, job: { id: jobs.id, status: jobs.status, progress: jobs.progress } })
    .from(runs)
    .leftJoin(jobs, eq(jobs.id, runs.jobId))
    .orderBy(desc(runs.id));
  const stats = await runStats(
    db,
    rows.map((r) => r.run.id),
  );
  return rows.map(({ run, job }) => ({ ...summary(run), job, stats: stats.get(run.id)! }));
}

export async function getRunByName(db: Db, name: string) {
  const [run] = await db.select().from(runs).where(eq(runs.name, name));
  if (!run) return null;
  const stats = (await runStats(db, [run.id])).get(run.id)!;
  return { ...summary(run), config: run.config, stats };
}

function summary(run: typeof runs.$inferSelect) {
  const config = run.config as { benchmark?: string; split?: string; ftp?: boolean; sag?: number };
  return {
    id: run.id,
    name: run.name,
    role: run.role,
    mode: run.mode,
    model: run.modelName,
    benchmark: config.benchmark ?? null,
    split: config.split ?? null,
    ftp: Boolean(config.ftp),
    sag: config.sag ?? 1,
    unsafeSandbox: unsafeSandboxOf(run.config),
    status: run.status,
    tags: run.tags,
    createdAt: run.createdAt,
  };
}
