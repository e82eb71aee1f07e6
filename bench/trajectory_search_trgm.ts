// Would trigram (pg_trgm GIN) indexes speed up the trajectory list's text search? A model of the
// list's query shape on PGlite, 100k trajectories with one question each (as bench/
// trajectory_list.ts seeds them): A is today's form (ILIKE over the question join and the final
// answer, keyset order, LIMIT 50); B moves the question match into an IN-subquery that the
// indexes can serve. Each is timed without and with the indexes (median of 5, ms).
// Run: npx tsx bench/trajectory_search_trgm.ts
import { PGlite } from "@electric-sql/pglite";
import { pg_trgm } from "@electric-sql/pglite/contrib/pg_trgm";
import { timeIt } from "./time-median";

const db = await PGlite.create({ extensions: { pg_trgm } });
await db.exec(`
  create extension pg_trgm;
  create table q (id serial primary key, question text, answer text);
  create table t (id serial primary key, run_id int, question_id int, final_answer text);
  insert into q (question, answer)
    select 'Question number ' || g || ' about ' || (array['rivers','kings','primes','films'])[1 + g % 4], 'ans' || g
    from generate_series(1, 100000) g;
  insert into t (run_id, question_id, final_answer) select 1, id, 'ans' || (id + id % 3) from q;
  create index t_run on t (run_id, id);
  analyze;`);

async function time(label: string, query: string, pattern: string) {
  const ms = await timeIt(() => db.query(query, [pattern]));
  console.log(`${label.padEnd(44)} ${ms.toFixed(1).padStart(8)}`);
}

const PATTERNS = ["%number 99999 %", "%primes%"]; // a rare match (1 row), a frequent one (25%)
const A = `select t.id from t join q on q.id = t.question_id
  where t.run_id = 1 and (q.question ilike $1 or q.answer ilike $1 or t.final_answer ilike $1)
  order by t.id limit 50`;
const B = `select t.id from t
  where t.run_id = 1 and (t.question_id in (select id from q where q.question ilike $1 or q.answer ilike $1)
    or t.final_answer ilike $1)
  order by t.id limit 50`;
const timeBoth = async (setting: string) => {
  for (const p of PATTERNS) {
    await time(`A, ${setting}, ${p}`, A, p);
    await time(`B, ${setting}, ${p}`, B, p);
  }
};
await timeBoth("no index");
await db.exec(`
  create index q_question_trgm on q using gin (question gin_trgm_ops);
  create index q_answer_trgm on q using gin (answer gin_trgm_ops);
  create index t_final_answer_trgm on t using gin (final_answer gin_trgm_ops);
  analyze;`);
await timeBoth("trigram");
await db.close();
