// Seeds a throwaway data dir with what the trace viewer needs to show: a plain run, an FTP run
// and a SAG run over a few questions, and one huge trajectory (50 steps × 8 candidates, 50 KB
// observations). Run it while no server holds the database; prints the ids as JSON.
// Run: DISTILLERY_DATA_DIR=/tmp/x npx tsx bench/seed_trace_demo.ts [--steps 50 --candidates 8 --bytes 50000]
import { parseArgs } from "node:util";
import { openDb } from "../db/client";
import { hugeEpisode, makeEpisode, seedBenchmark, seedRun, seedTrajectory } from "../test/trajectory-fixtures";

const { values: flags } = parseArgs({
  options: {
    steps: { type: "string", default: "50" },
    candidates: { type: "string", default: "8" },
    bytes: { type: "string", default: "50000" },
  },
});

const handle = await openDb();
try {
  const { db } = handle;
  const { questionIds } = await seedBenchmark(db, "demoqa", [
    { question: "Which river flows through Paris?", answer: "Seine" },
    { question: "What is 17 * 23?", answer: "391" },
    { question: "Who painted the Mona Lisa?", answer: "Leonardo da Vinci" },
  ]);
  const plain = await seedRun(db, { name: "demo-plain", benchmark: "demoqa" });
  const ftp = await seedRun(db, { name: "demo-ftp", benchmark: "demoqa", ftp: true });
  const sag = await seedRun(db, { name: "demo-sag", benchmark: "demoqa", model: "student", sag: 8 });
  const [q0, q1, q2] = questionIds as [number, number, number];
  const ids = {
    plain: await seedTrajectory(
      db,
      { runId: plain, questionId: q0 },
      makeEpisode({ steps: [{}, { errorKind: "exec" }, {}], finalAnswer: "Loire" }),
      false,
    ),
    plain2: await seedTrajectory(
      db,
      { runId: plain, questionId: q1 },
      makeEpisode({ steps: [{ errorKind: "parse" }, {}], finalAnswer: "391" }),
      true,
    ),
    ftp: await seedTrajectory(
      db,
      { runId: ftp, questionId: q0 },
      makeEpisode({
        steps: [{ thought: "The Seine flows through Paris. Let me check." }, {}],
        finalAnswer: "Seine",
        ftpPrefix: "The Seine flows through Paris.",
      }),
      true,
    ),
    ftp2: await seedTrajectory(db, { runId: ftp, questionId: q1 }, makeEpisode({ steps: [{}], finalAnswer: "391" }), true),
    sag: await seedTrajectory(
      db,
      { runId: sag, questionId: q2 },
      makeEpisode({ steps: [{ candidates: 8 }, { candidates: 8, errorKind: "max_steps" }], status: "max_steps" }),
      false,
    ),
    huge: await seedTrajectory(
      db,
      { runId: sag, questionId: q0 },
      hugeEpisode(Number(flags.steps), Number(flags.candidates), Number(flags.bytes)),
      true,
    ),
  };
  console.log(JSON.stringify(ids));
} finally {
  await handle.close();
}
