// Trajectory-list queries at 100k trajectories on PGlite: the keyset pages and filters the run
// page and the review queue use, side by side with an OFFSET-paginated baseline of the same
// page (what a naive "page N" list would do). Rows are bulk-made in SQL (generate_series).
// Run: npx tsx bench/trajectory_list.ts [--rows 100000] [--json]
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { asc, eq, sql } from "drizzle-orm";
import { openDb } from "../db/client";
import { questions, runs, trajectories } from "../db/schema";
import { seedBenchmark, seedRun } from "../test/trajectory-fixtures";
import { countTrajectories, listTrajectories, neighbours, queueProgress } from "../server/trajectories/list";
import type { TrajectoryFilter } from "../server/trajectories/filters";
import { timeIt } from "./time-median";

const { values: flags } = parseArgs({
  options: { rows: { type: "string", default: "100000" }, json: { type: "boolean", default: false } },
});
const N = Number(flags.rows);

const dir = mkdtempSync(join(tmpdir(), "distillery-bench-list-"));
const handle = await openDb({ url: "", dir });
const { db } = handle;
try {
  const t0 = performance.now();
  const { benchmarkId } = await seedBenchmark(db, "benchqa", [{ question: "seed", answer: "x" }]);
  await db.execute(sql`insert into ${questions} (benchmark_id, external_id, position, question, answer)
    select ${benchmarkId}, 'q' || g, g, 'Question number ' || g || ' about ' || (array['rivers','kings','primes','films'])[1 + g % 4], 'ans' || g
    from generate_series(1, ${N}) g`);
  const runId = await seedRun(db, { name: "big", benchmark: "benchqa" });
  await db.execute(sql`insert into ${trajectories} (run_id, question_id, sample_idx, final_answer, status, correct, num_steps, has_parse_error, has_exec_error)
    select ${runId}, q.id, 0, 'ans' || (q.position + (q.position % 3)), (array['finished','finished','max_steps','error'])[1 + q.position % 4],
           q.position % 3 = 0, 1 + q.position % 5, q.position % 7 = 0, q.position % 5 = 0
    from ${questions} q where q.benchmark_id = ${benchmarkId} and q.position > 0`);
  await db.execute(sql`insert into annotations (trajectory_id, user_name, verdict, reason)
    select id, 'bench', case when id % 2 = 0 then 'accept' else 'reject' end, case when id % 2 = 0 then null else 'other' end
    from ${trajectories} where id % 10 = 0`);
  // What addAnnotation keeps in step: the newest verdict on the trajectory row.
  await db.execute(sql`update ${trajectories} set latest_verdict = case when id % 2 = 0 then 'accept' else 'reject' end where id % 10 = 0`);
  await db.execute(sql`analyze`);
  const seedSeconds = (performance.now() - t0) / 1000;
  const [last] = await db
    .select({ id: trajectories.id })
    .from(trajectories)
    .orderBy(sql`${trajectories.id} desc`)
    .limit(1);
  const deepId = last!.id - 50;

  const run: TrajectoryFilter = { run: "big" };
  // Baseline: the same deep page by OFFSET, the way a page-number list would fetch it.
  const offsetPage = () =>
    db
      .select({ id: trajectories.id })
      .from(trajectories)
      .where(eq(trajectories.runId, runId))
      .orderBy(asc(trajectories.id))
      .limit(50)
      .offset(N - 100);
  const rows: [string, number][] = [
    ["first page (keyset)", await timeIt(() => listTrajectories(db, run))],
    ["deep page, keyset after id", await timeIt(() => listTrajectories(db, run, { cursor: { after: deepId - 50 } }))],
    ["deep page, OFFSET baseline (ids only)", await timeIt(offsetPage)],
    ["last page (before)", await timeIt(() => listTrajectories(db, run, { cursor: { before: last!.id + 1 } }))],
    ["filter incorrect + exec error", await timeIt(() => listTrajectories(db, { ...run, outcome: "incorrect", error: "exec" }))],
    ["filter verdict=reject", await timeIt(() => listTrajectories(db, { ...run, verdict: "reject" }))],
    ["filter verdict=none", await timeIt(() => listTrajectories(db, { ...run, verdict: "none" }))],
    ["text search 'primes'", await timeIt(() => listTrajectories(db, { ...run, q: "primes" }))],
    ["text search, rare match", await timeIt(() => listTrajectories(db, { ...run, q: "number 99999 " }))],
    ["count (run)", await timeIt(() => countTrajectories(db, run))],
    ["count (verdict=none)", await timeIt(() => countTrajectories(db, { ...run, verdict: "none" }))],
    ["neighbours", await timeIt(() => neighbours(db, run, deepId))],
    ["queue progress (total/annotated/position)", await timeIt(() => queueProgress(db, run, deepId))],
  ];
  const out = { rows: N, seedSeconds, medianMs: Object.fromEntries(rows) };
  if (flags.json) console.log(JSON.stringify(out, null, 2));
  else {
    console.log(`trajectory list on PGlite, ${N} trajectories (seeded in ${seedSeconds.toFixed(1)} s); median of 5, ms`);
    for (const [name, ms] of rows) console.log(`  ${name.padEnd(44)} ${ms.toFixed(1).padStart(8)}`);
    const keyset = rows[1]![1];
    const offset = rows[2]![1];
    console.log(`  OFFSET / keyset at the deep page: ${(offset / keyset).toFixed(1)}x`);
  }
  void runs;
} finally {
  await handle.close();
  rmSync(dir, { recursive: true, force: true });
}
