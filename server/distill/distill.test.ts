// The on-policy distillation job end to end through the CLI: the student acts through the real
// agent loop and sandbox, but its replies come from a scripted OpenAI-compatible stub server (a
// test double on loopback), which also answers the teacher-scoring primitive with fixed logprobs;
// the update is the real worker round on a tiny random model built in code. Checks that every
// round's episodes are stored as a tagged run, the worker trains on them and the round's student is
// registered, and that a job SIGKILLed in round 2 resumes without redoing round 1 or duplicating
// trajectories; and that a round runs as a Ray job on a real local Ray head (skipped without Ray).
import { execFileSync, spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDb } from "@/db/client";
import { eq } from "drizzle-orm";
import { jobMetrics, jobs, runs, steps, students, trajectories } from "@/db/schema";
import { RayJobsClient } from "@/server/jobs/backends/ray-api";
import { hasRay, startRayHead } from "@/server/jobs/backends/ray-head";
import { prompt } from "@/server/agent/prompts";
import { stepTokenScores } from "@/server/distill/scores";
import { workerPython } from "@/server/worker/interpreter";
import { runCli } from "@/test/cli";
import { startStubLlm, type StubServer } from "@/test/stub-llm";

const TEACHER_LOGPROB = -0.25;

describe("distillery distill (CLI)", () => {
  let dataDir: string;
  let tiny: string;
  let stub: StubServer;
  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "distillery-distill-"));
    tiny = path.join(dataDir, "models", "tiny-base"); // model directories load only from model roots
    execFileSync(workerPython(), ["-m", "distillery_worker.weights", "tiny", tiny]);
    stub = await startStubLlm("Thought: compute it.\n```py\nprint(6 * 7)\nfinal_answer(42)\n```", {
      scorePrompt: () => TEACHER_LOGPROB,
    });
    const imported = await runCli(dataDir, ["import-benchmarks"]);
    expect(imported.status).toBe(0);
  }, 300_000);
  afterAll(async () => {
    await stub?.close();
  });

  const args = (name: string) => [
    "distill",
    ...["--student", tiny, "--teacher", tiny, "--benchmark", "math_hard", "--name", name],
    ...["--rounds", "2", "--episodes-per-round", "2", "--eval-benchmark", "gsm_hard", "--eval-limit", "2"],
    ...["--student-url", stub.url, "--teacher-url", stub.url, "--max-steps", "2", "--concurrency", "2"],
    ...["--lora-r", "4", "--lora-alpha", "8", "--grad-accum", "1", "--max-length", "1024"],
  ];

  it("runs rounds of act → score → update, and resumes after a SIGKILL in round 2", { timeout: 900_000 }, async () => {
    // Killed once round 2's episodes are stored (its directory appears), before its update.
    const child = spawn("node", ["bin/distillery.mjs", ...args("od"), "--json"], {
      env: { ...process.env, DISTILLERY_DATA_DIR: dataDir, DATABASE_URL: "" },
      stdio: "ignore",
    });
    const round2 = path.join(dataDir, "models", "od-r2");
    const killed = await new Promise<boolean>((resolve) => {
      const timer = setInterval(() => {
        if (fs.existsSync(round2)) {
          child.kill("SIGKILL");
          clearInterval(timer);
          resolve(true);
        }
      }, 100);
      child.on("exit", () => {
        clearInterval(timer);
        resolve(false);
      });
    });
    expect(killed).toBe(true);
    const firstAdapter = path.join(dataDir, "models", "od-r1", "adapter", "adapter_model.safetensors");
    const trainedAt = fs.statSync(firstAdapter).mtimeMs;
    const scoredBefore = stub.scored.length;

    const res = await runCli(dataDir, [...args("od"), "--json"]);
    expect(res.stderr).not.toMatch(/Traceback/);
    expect(res.status).toBe(0);
    const job = JSON.parse(res.stdout) as {
      id: number;
      status: string;
      result: {
        student: string;
        baselineAccuracy: number;
        rounds: { round: number; student: string; episodes: number; reverseKl: number; heldoutAccuracy: number }[];
      };
    };
    expect(job.status).toBe("succeeded");
    expect(job.result.student).toBe("od-r2");
    expect(job.result.rounds.map((r) => [r.round, r.student, r.episodes])).toEqual([
      [1, "od-r1", 2],
      [2, "od-r2", 2],
    ]);
    for (const r of job.result.rounds) {
      expect(Number.isFinite(r.reverseKl)).toBe(true);
    }
    expect(fs.statSync(firstAdapter).mtimeMs).toBe(trainedAt); // round 1 was not trained again
    expect(stub.scored.length - scoredBefore).toBe(2); // only round 2's episodes were scored after the kill
    // The teacher scored the student's tokens behind its own system prompt, not the student's.
    const decode = `import json, sys\nfrom transformers import AutoTokenizer\nprint(AutoTokenizer.from_pretrained(sys.argv[1]).decode(json.load(sys.stdin)))`;
    const teacherRead = execFileSync(workerPython(), ["-c", decode, tiny], { input: JSON.stringify(stub.scored.at(-1)) }).toString();
    expect(teacherRead).toContain(prompt("teacher", { max_steps: 2 }));
    expect(teacherRead).not.toContain(prompt("student", { max_steps: 2 }));
    expect(teacherRead).toContain("<|im_start|>assistant\nThought: compute it.");

    const handle = await openDb({ url: "", dir: path.join(dataDir, "pglite") });
    try {
      const db = handle.db;
      expect((await db.select().from(students)).map((s) => s.name).sort()).toEqual(["od-r1", "od-r2"]);
      const runRows = await db.select().from(runs);
      const byName = new Map(runRows.map((r) => [r.name, r]));
      expect([...byName.keys()].sort()).toEqual(["od:eval-0", "od:eval-1", "od:eval-2", "od:round-1", "od:round-2"]);
      expect(byName.get("od:round-2")!.modelName).toBe("od-r1"); // round 2's episodes are round 1's student's
      expect(byName.get("od:round-1")!.tags).toContain("round:1");
      const trajectoryRows = await db.select().from(trajectories);
      expect(trajectoryRows.filter((t) => t.runId === byName.get("od:round-2")!.id)).toHaveLength(2); // no duplicates
      for (const r of job.result.rounds) {
        // Held-out accuracy is the stored evaluation's: its graded trajectories, n = --eval-limit.
        const graded = trajectoryRows.filter((t) => t.runId === byName.get(`od:eval-${r.round}`)!.id);
        expect(graded).toHaveLength(2);
        expect(r.heldoutAccuracy).toBe(graded.filter((t) => t.correct).length / 2);
      }
      // The per-token scores are stored and placed in each step's code for the trace viewer.
      const episode = trajectoryRows.find((t) => t.runId === byName.get("od:round-2")!.id)!;
      const scored = (await stepTokenScores(db, episode.id))!;
      expect(scored.student).toBe("od-r1");
      const [step] = scored.steps;
      const [code] = await db.select({ code: steps.code }).from(steps).where(eq(steps.trajectoryId, episode.id));
      expect(step!.code.length).toBeGreaterThan(3);
      const covered = step!.code.reduce((n, t) => n + t.end - t.start, 0);
      expect(covered).toBeGreaterThan(0.8 * code!.code!.length); // tokens straddling the fence are left out
      for (const t of step!.code) {
        expect(t.teacher).toBe(TEACHER_LOGPROB);
        expect(t.disagreement).toBeCloseTo(t.student - TEACHER_LOGPROB, 6);
        expect(t.end).toBeLessThanOrEqual(code!.code!.length);
      }
      // The round's own events are read, not echoed: progress while the teacher scores, one line when it is done.
      const [jobRow] = await db.select({ log: jobs.logTail }).from(jobs).where(eq(jobs.id, job.id));
      expect(jobRow!.log).toMatch(/round 2: \d+ student tokens scored, reverse KL -?[\d.]+ per token/);
      expect(jobRow!.log).not.toContain('"event": "teacher_scored"');
      const kl = (await db.select().from(jobMetrics)).filter((m) => m.jobId === job.id && m.name === "reverse_kl");
      expect(kl.map((m) => m.step).sort()).toEqual([1, 2]);
    } finally {
      await handle.close();
    }
    // The per-token scores the trace viewer colours by: both models' logprobs for every student token.
    const scores = fs
      .readFileSync(path.join(dataDir, "models", "od-r2", "scores.jsonl"), "utf8")
      .trim()
      .split("\n");
    expect(scores).toHaveLength(2);
    const first = JSON.parse(scores[0]!) as { teacher: number[]; student: number[] };
    expect(first.teacher.length).toBeGreaterThan(10);
    expect(new Set(first.teacher)).toEqual(new Set([TEACHER_LOGPROB]));
    expect(first.student).toHaveLength(first.teacher.length);
  });

  it("replays a prefix of an accepted teacher trajectory, and trains only on the student's own turns", { timeout: 600_000 }, async () => {
    // The scripted model: the first turn computes x, any later turn answers with it. Played by the
    // teacher, that is a two-turn trajectory; the student, after the teacher's first turn is
    // replayed, is asked only for the second.
    const twoTurns = await startStubLlm(
      (req) =>
        req.messages.some((m) => m.role === "assistant")
          ? "Thought: done.\n```py\nfinal_answer(x)\n```"
          : "Thought: compute x.\n```py\nx = 6 * 7\nprint(x)\n```",
      { scorePrompt: () => TEACHER_LOGPROB },
    );
    try {
      const teacher = ["generate", "--benchmark", "math_hard", "--split", "train", "--limit", "2", "--model-url", twoTurns.url];
      const taught = await runCli(dataDir, [...teacher, "--model", "t", "--role", "teacher", "--run", "teach"]);
      expect(taught.status).toBe(0);
      // Fixture: the teacher's answers count as correct (the scripted 42 is not math_hard's gold).
      const handle = await openDb({ url: "", dir: path.join(dataDir, "pglite") });
      try {
        const [teach] = await handle.db.select().from(runs).where(eq(runs.name, "teach"));
        await handle.db.update(trajectories).set({ correct: true }).where(eq(trajectories.runId, teach!.id));
      } finally {
        await handle.close();
      }
      const flags = ["--rounds", "1", "--episodes-per-round", "2", "--replay-teacher-prefix", "--max-steps", "2"];
      const res = await runCli(dataDir, [
        "distill",
        ...["--student", tiny, "--teacher", tiny, "--benchmark", "math_hard", "--name", "rp", ...flags],
        ...[
          "--student-url",
          twoTurns.url,
          "--teacher-url",
          twoTurns.url,
          "--lora-r",
          "4",
          "--lora-alpha",
          "8",
          "--max-length",
          "1024",
          "--json",
        ],
      ]);
      expect(res.stderr).not.toMatch(/Traceback/);
      expect(res.status).toBe(0);
      const handle2 = await openDb({ url: "", dir: path.join(dataDir, "pglite") });
      try {
        const db = handle2.db;
        const [round] = await db.select().from(runs).where(eq(runs.name, "rp:round-1"));
        expect(round!.tags).toContain("replay");
        const episodes = await db.select().from(trajectories).where(eq(trajectories.runId, round!.id));
        expect(episodes).toHaveLength(2);
        for (const episode of episodes) {
          const stepRows = (await db.select().from(steps).where(eq(steps.trajectoryId, episode.id))).sort((a, b) => a.idx - b.idx);
          expect(stepRows.map((r) => [r.replayed, r.code])).toEqual([
            [true, "x = 6 * 7\nprint(x)"], // the teacher's turn, run in the sandbox ...
            [false, "final_answer(x)"], // ... so the student's answer finds x
          ]);
          expect(episode.finalAnswer).toBe("42");
        }
      } finally {
        await handle2.close();
      }
      // Half the teacher's turns before its last (1 of 2 rounds + 1 → ceil(0.5 × 1) = 1) were replayed;
      // the student was asked once per episode, and trained only on its own turn.
      const exported = fs
        .readFileSync(path.join(dataDir, "models", "rp-r1", "episodes.jsonl"), "utf8")
        .trim()
        .split("\n");
      for (const line of exported) {
        const turns = (JSON.parse(line) as { messages: { role: string; trainable: boolean }[] }).messages.filter(
          (m) => m.role === "assistant",
        );
        expect(turns.map((m) => m.trainable)).toEqual([false, true]);
      }
      const scores = fs
        .readFileSync(path.join(dataDir, "models", "rp-r1", "scores.jsonl"), "utf8")
        .trim()
        .split("\n");
      for (const line of scores) expect(new Set((JSON.parse(line) as { turn: number[] }).turn)).toEqual(new Set([1]));
    } finally {
      await twoTurns.close();
    }
  });

  it("refuses a teacher whose tokenizer is not the student's at once, before any episode", { timeout: 300_000 }, async () => {
    const other = path.join(dataDir, "models", "tiny-other-tokenizer");
    const addToken =
      "import sys\nfrom transformers import AutoTokenizer\nt = AutoTokenizer.from_pretrained(sys.argv[1])\nt.add_tokens(['<|extra|>'])\nt.save_pretrained(sys.argv[2])";
    execFileSync(workerPython(), ["-m", "distillery_worker.weights", "tiny", other]);
    execFileSync(workerPython(), ["-c", addToken, other, other]);
    const res = await runCli(dataDir, [...args("mismatch"), "--student", other]);
    expect(res.status).toBe(2);
    const lines = res.stderr.split("\n").filter((l) => l.includes("different tokenizers"));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(tiny);
    expect(lines[0]).toContain(other);
    const handle = await openDb({ url: "", dir: path.join(dataDir, "pglite") });
    try {
      const made = await handle.db.select({ name: runs.name }).from(runs);
      expect(made.filter((r) => r.name.startsWith("mismatch"))).toEqual([]);
      const queued = await handle.db.select({ config: jobs.config }).from(jobs);
      expect(queued.filter((j) => (j.config as { name?: string }).name === "mismatch")).toEqual([]);
    } finally {
      await handle.close();
    }
  });

  it.skipIf(!hasRay())("runs a round's update as a Ray job when --backend ray names a cluster", { timeout: 600_000 }, async () => {
    const head = await startRayHead();
    try {
      const res = await runCli(dataDir, [...args("rayd"), "--rounds", "1", "--backend", "ray", "--ray-address", head.address, "--json"]);
      expect(res.stderr).not.toMatch(/Traceback/);
      expect(res.status).toBe(0);
      expect(JSON.parse(res.stdout)).toMatchObject({ status: "succeeded", result: { student: "rayd-r1" } });
      const rayJobs = await new RayJobsClient(head.address).list();
      const round = rayJobs.filter((j) => j.metadata?.name === "rayd-r1");
      expect(round.map((j) => j.status)).toEqual(["SUCCEEDED"]);
      expect(fs.existsSync(path.join(dataDir, "models", "rayd-r1", "adapter", "adapter_config.json"))).toBe(true);
    } finally {
      await head.stop();
    }
  });
});
