// The CLI end to end, as a user runs it: a real child process on a real embedded database, the
// model played by a scripted stub server (real HTTP on loopback), code in the real sandbox.
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { openDb } from "@/db/client";
import { runs, trajectories } from "@/db/schema";
import { runCli } from "@/test/cli";
import { startStubLlm, type StubServer } from "@/test/stub-llm";

const cli = runCli;

async function countTrajectories(dataDir: string) {
  const handle = await openDb({ url: "", dir: path.join(dataDir, "pglite") });
  try {
    const rows = await handle.db.select({ runId: trajectories.runId, q: trajectories.questionId }).from(trajectories);
    return { total: rows.length, distinct: new Set(rows.map((r) => `${r.runId}:${r.q}`)).size };
  } finally {
    await handle.close();
  }
}

describe("distillery generate (CLI)", () => {
  let stub: StubServer;
  let dataDir: string;
  beforeAll(async () => {
    // Slow replies, so the kill below lands in the middle of the run.
    stub = await startStubLlm("Thought: easy\n```py\nfinal_answer(3)\n```", { latencyMs: 150 });
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "distillery-cli-"));
    expect((await cli(dataDir, ["import-benchmarks"])).status).toBe(0);
  });
  afterAll(async () => {
    await stub?.close();
  });

  const args = (extra: string[] = []) => [
    "generate",
    "--benchmark",
    "gsm_hard",
    "--limit",
    "12",
    "--concurrency",
    "2",
    "--model-url",
    stub.url,
    "--model",
    "stub-model",
    "--run",
    "resume-me",
    ...extra,
  ];

  it("rejects bad flags with one line and exit code 2, writing nothing", async () => {
    const bad = await cli(dataDir, ["generate", "--benchmark", "gsm_hard", "--model-url", "not a url", "--model", "m"]);
    expect(bad.status).toBe(2);
    expect(bad.stderr.trim().split("\n")).toHaveLength(1);
    expect(bad.stderr).toMatch(/--model-url/);
    const unknown = await cli(dataDir, ["generate", "--benchmark", "nope", "--model-url", stub.url, "--model", "m"]);
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toMatch(/no benchmark "nope"/);
  });

  it("refuses to start when the sandbox cannot isolate (exit 2, one line), and records an explicit opt-out", async () => {
    const own = fs.mkdtempSync(path.join(os.tmpdir(), "distillery-cli-sandbox-")); // the other tests count trajectories
    expect((await cli(own, ["import-benchmarks"])).status).toBe(0);
    vi.stubEnv("DISTILLERY_SANDBOX_SIMULATE_MISSING", "net_namespace"); // test-only: a kernel without it
    try {
      const base = ["generate", "--benchmark", "gsm_hard", "--limit", "1", "--model-url", stub.url, "--model", "stub-model"];
      const before = stub.requests.length;
      const refused = await cli(own, [...base, "--run", "no-sandbox"]);
      expect(refused.status).toBe(2);
      expect(refused.stderr.trim().split("\n")).toEqual([
        expect.stringMatching(/code sandbox refused to start: .*net_namespace.*--unsafe-no-sandbox or set DISTILLERY_SANDBOX=unsafe/),
      ]);
      expect(stub.requests.length).toBe(before); // no episode, not one model call
      const unsafe = await cli(own, [...base, "--run", "opted-out", "--unsafe-no-sandbox"]);
      expect(unsafe.status).toBe(0);
      const handle = await openDb({ url: "", dir: path.join(own, "pglite") });
      try {
        const stored = await handle.db.select({ name: runs.name, config: runs.config }).from(runs);
        expect(stored.find((r) => r.name === "no-sandbox")).toBeUndefined();
        const opted = stored.find((r) => r.name === "opted-out")!.config;
        expect(opted).toMatchObject({ sandbox: "unsafe", unsafeNoSandbox: true, sandboxLayersOff: ["net_namespace"] });
      } finally {
        await handle.close();
      }
    } finally {
      vi.unstubAllEnvs();
    }
  });

  it("fails with a clear message when the endpoint is unreachable", async () => {
    const res = await cli(dataDir, [
      "generate",
      "--benchmark",
      "gsm_hard",
      "--limit",
      "1",
      "--model-url",
      "http://127.0.0.1:9/v1",
      "--model",
      "m",
      "--run",
      "unreachable",
    ]);
    expect(res.status).toBe(1);
    expect(res.stderr).toMatch(/cannot reach the model endpoint/);
    expect(res.stderr).not.toMatch(/\n\s+at /); // no stack trace
  });

  it("resumes after SIGKILL with no lost or duplicated trajectories", async () => {
    const child = spawn("node", ["bin/distillery.mjs", ...args()], {
      env: { ...process.env, DISTILLERY_DATA_DIR: dataDir, DATABASE_URL: "" },
      stdio: "ignore",
    });
    // Kill once a few trajectories are stored (the stub has seen some requests).
    await new Promise<void>((resolve) => {
      const timer = setInterval(() => {
        if (stub.requests.length >= 5) {
          clearInterval(timer);
          resolve();
        }
      }, 20);
    });
    child.kill("SIGKILL");
    await new Promise((r) => child.once("exit", r));

    const partial = await countTrajectories(dataDir);
    expect(partial.total).toBeGreaterThan(0);
    expect(partial.total).toBeLessThan(12);

    const resumed = await cli(dataDir, [...args(), "--json"]);
    expect(resumed.status).toBe(0);
    const report = JSON.parse(resumed.stdout) as { run: { stats: { trajectories: number; correct: number } } };
    expect(report.run.stats.trajectories).toBe(12);
    const after = await countTrajectories(dataDir);
    expect(after).toEqual({ total: 12, distinct: 12 });

    const show = await cli(dataDir, ["runs", "show", "resume-me"]);
    expect(show.status).toBe(0);
    expect(show.stdout).toMatch(/resume-me/);
    expect(show.stdout).toMatch(/^model: {2}stub-model$/m);
    expect(show.stdout).toMatch(/^tags: {3}–$/m);
    // An endpoint of its own (the stub) says nothing about engine or dtype.
    expect(show.stdout).toMatch(/^served: – \(an endpoint of its own/m);
  });

  it("compare prints the method matrix with n and 95% intervals, and names runs that are not in it", async () => {
    const student = await cli(dataDir, [
      "generate",
      "--benchmark",
      "gsm_hard",
      "--limit",
      "2",
      "--model-url",
      stub.url,
      "--model",
      "stub-model",
      "--role",
      "student",
      "--tags",
      "method:agent",
      "--tags",
      "experiment:cli-test",
      "--run",
      "tagged-student",
    ]);
    expect(student.status).toBe(0);
    const res = await cli(dataDir, ["compare", "resume-me", "--experiment", "cli-test", "--markdown"]);
    expect(res.status).toBe(0);
    expect(res.stdout).toMatch(/\| method \| gsm_hard \| average \|/);
    expect(res.stdout).toMatch(/\| Agent distill \| \d\/2 · \d+\.\d% \(\d+\.\d–\d+\.\d\) \|/);
    expect(res.stdout).toMatch(/\| CoT distill \| – \| – \|/);
    expect(res.stdout).toMatch(/Not in the matrix.*resume-me/);
    expect(res.stdout).toMatch(/\| resume-me \| gsm_hard \| off \| \d+\/12 · /);

    const missing = await cli(dataDir, ["compare", "tagged-student", "no-such-run"]);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toMatch(/no run named "no-such-run"/);
  });
});
