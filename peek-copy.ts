import { PGlite } from "@electric-sql/pglite";
const db = await PGlite.create("/tmp/dbcopy/pglite");
const r = await db.query(`select r.name, count(*) as n,
  sum(case when t.messages::text like '%4091%' then 1 else 0 end) as mentions_4091,
  sum(case when t.messages::text like '%Roanne%' then 1 else 0 end) as mentions_roanne,
  sum(case when t.status = 'finished' then 1 else 0 end) as finished,
  sum(case when t.status = 'max_steps' then 1 else 0 end) as max_steps
  from trajectories t join runs r on r.id = t.run_id group by r.name`);
console.table(r.rows);
const s = await db.query(`select s.thought, s.code, s.error_kind from steps s join trajectories t on t.id = s.trajectory_id join runs r on r.id = t.run_id where r.name = 'teacher-gsmhard30' and s.error_kind is not null limit 6`);
for (const row of s.rows as any[]) console.log("---", row.error_kind, JSON.stringify(row.thought).slice(0, 300), JSON.stringify(row.code).slice(0, 100));
await db.close();
