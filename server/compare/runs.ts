// The selected runs of the compare page, with their stats (server/runs/stats.ts, one SQL
// aggregation per run set) and where each one sits in the paper's matrix.
import { eq, inArray } from "drizzle-orm";
import type { Db } from "@/db/client";
import { runs, students } from "@/db/schema";
import { runStats, type RunStats } from "@/server/runs/stats";
import { methodOfRun, type MethodId } from "./methods";
import { wilsonInterval, type Interval } from "./wilson";

export type CompareRun = {
  id: number;
  name: string;
  role: "teacher" | "student";
  mode: "agent" | "cot" | "cot-rag";
  model: string;
  studentId: number | null;
  /**
   * The student model the run stands for, a row group of the matrix: a trained student's base
   * model, else the model the run served (an untrained student, or a tagged run of an endpoint's).
   */
  studentBase: string;
  /** `benchmark` for test splits, `benchmark/split` otherwise: the column a run lands in. */
  benchmark: string;
  ftp: boolean;
  sag: number;
  tags: string[];
  status: string;
  method: MethodId | null;
  methodFrom: "tag" | "config" | null;
  stats: RunStats;
  accuracyInterval: Interval | null;
};

export function benchmarkKey(config: Record<string, unknown>): string {
  const name = typeof config.benchmark === "string" ? config.benchmark : "unknown";
  const split = typeof config.split === "string" ? config.split : "test";
  return split === "test" ? name : `${name}/${split}`;
}

/** The named runs in the order asked for; names that match no run are reported, not fatal. */
export async function loadCompareRuns(db: Db, names: string[]): Promise<{ runs: CompareRun[]; missing: string[] }> {
  if (names.length === 0) return { runs: [], missing: [] };
  // A trained student's base model comes with its run: the matrix's row group.
  const joined = await db
    .select({ run: runs, studentBase: students.baseModel })
    .from(runs)
    .leftJoin(students, eq(runs.studentId, students.id))
    .where(inArray(runs.name, names));
  const rows = joined.map(({ run, studentBase }) => ({ ...run, studentBase: studentBase ?? run.modelName }));
  const stats = await runStats(
    db,
    rows.map((r) => r.id),
  );
  const byName = new Map(rows.map((r) => [r.name, r]));
  const out: CompareRun[] = [];
  for (const name of names) {
    const run = byName.get(name);
    if (!run) continue;
    const config = run.config;
    const ftp = Boolean(config.ftp);
    const sag = typeof config.sag === "number" ? config.sag : 1;
    const placed = methodOfRun({ role: run.role, mode: run.mode, ftp, sag, tags: run.tags, trained: run.studentId !== null });
    const s = stats.get(run.id)!;
    out.push({
      id: run.id,
      name: run.name,
      role: run.role,
      mode: run.mode,
      model: run.modelName,
      studentId: run.studentId,
      studentBase: run.studentBase,
      benchmark: benchmarkKey(config),
      ftp,
      sag,
      tags: run.tags,
      status: run.status,
      method: placed?.method ?? null,
      methodFrom: placed?.from ?? null,
      stats: s,
      accuracyInterval: wilsonInterval(s.correct, s.trajectories),
    });
  }
  return { runs: out, missing: names.filter((n) => !byName.has(n)) };
}
