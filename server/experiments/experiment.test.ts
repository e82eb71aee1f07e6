// A whole recipe through the CLI: a teacher run (scripted stub model on loopback), a dataset, a
// LoRA training of a tiny random model built in code, and an evaluation of the trained student
// served by the real embedded model server with its adapter. Run twice: the second run redoes
// nothing (resumable, idempotent steps).
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { workerPython } from "@/server/worker/interpreter";
import { runCli } from "@/test/cli";
import { startStubLlm, type StubServer } from "@/test/stub-llm";

const cli = runCli;

describe("distillery experiment run", () => {
  let stub: StubServer;
  let dataDir: string;
  let recipe: string;
  beforeAll(async () => {
    stub = await startStubLlm("Thought: compute\n```py\nprint(2 + 2)\nfinal_answer(4)\n```");
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "distillery-exp-"));
    const tiny = path.join(dataDir, "models", "tiny-base"); // model directories load only from the cache or <dataDir>/models/
    execFileSync(workerPython(), ["-m", "distillery_worker.weights", "tiny", tiny]);
    recipe = path.join(dataDir, "mini.yaml");
    fs.writeFileSync(
      recipe,
      [
        "name: mini",
        `defaults: { modelUrl: "${stub.url}", concurrency: 3 }`,
        "steps:",
        "  - { id: teacher, kind: generate, with: { benchmark: gsm_hard, limit: 4, model: m } }",
        "  - { id: data, kind: dataset, with: { run: [teacher], finishedOnly: true } }",
        `  - { id: student, kind: train, with: { dataset: data, base: "${tiny}", maxSteps: 2, loraR: 4, loraAlpha: 8, batchSize: 2, gradAccum: 1 } }`,
        "  - { id: eval, kind: generate, with: { benchmark: gsm_hard, limit: 2, model: student, modelUrl: embedded, role: student, maxSteps: 1, maxTokens: 16, concurrency: 2 } }",
      ].join("\n"),
    );
    expect((await cli(dataDir, ["import-benchmarks"])).status).toBe(0);
  });
  afterAll(async () => {
    await stub?.close();
  });

  it("runs every step, then resumes to the same result without redoing work", { timeout: 600_000 }, async () => {
    const first = await cli(dataDir, ["experiment", "run", recipe, "--json"]);
    expect(first.stderr).not.toMatch(/Traceback/);
    expect(first.status).toBe(0);
    const report = JSON.parse(first.stdout) as { steps: { id: string; status: string; product: string; wallS: number }[] };
    expect(report.steps.map((s) => [s.id, s.status])).toEqual([
      ["teacher", "succeeded"],
      ["data", "succeeded"],
      ["student", "succeeded"],
      ["eval", "succeeded"],
    ]);
    expect(report.steps[1]!.product).toBe("mini:data@1");
    for (const step of report.steps) expect(step.wallS).toBeGreaterThanOrEqual(0); // each step's wall time is reported

    const callsBefore = stub.requests.length;
    const again = await cli(dataDir, ["experiment", "run", recipe, "--json"]);
    expect(again.status).toBe(0);
    // A step's wall time is its total over every invocation: the student, trained by the first run
    // and only found registered by the second, keeps the first run's seconds instead of showing ~0.
    const trained = (r: typeof report) => r.steps.find((s) => s.id === "student")!.wallS;
    expect(trained(report)).toBeGreaterThan(0);
    expect(trained(JSON.parse(again.stdout) as typeof report)).toBeGreaterThanOrEqual(trained(report));
    expect(stub.requests.length).toBe(callsBefore); // the teacher run was complete: no new calls
    const jobs = await cli(dataDir, ["jobs", "list", "--json"]);
    const jobList = JSON.parse(jobs.stdout) as { kind: string; config: { run?: string; concurrency?: number } }[];
    expect(jobList.filter((j) => j.kind === "train")).toHaveLength(1); // the registered student was not trained again
    // The recipe's default concurrency reaches a step without its own; a step's own wins.
    const concurrency = (run: string) => jobList.find((j) => j.config.run === run)?.config.concurrency;
    expect([concurrency("mini:teacher"), concurrency("mini:eval")]).toEqual([3, 2]);

    const runs = await cli(dataDir, ["runs", "show", "mini:eval", "--json"]);
    expect((JSON.parse(runs.stdout) as { stats: { trajectories: number } }).stats.trajectories).toBe(2);
  });

  it("rejects a recipe that refers to a later or unknown step, naming it", async () => {
    const bad = path.join(dataDir, "bad.yaml");
    fs.writeFileSync(bad, "name: bad\nsteps:\n  - { id: d, kind: dataset, with: { run: [nope] } }\n");
    const res = await cli(dataDir, ["experiment", "run", bad]);
    expect(res.status).toBe(2);
    expect(res.stderr).toMatch(/step "d": run "nope" must name an earlier generate step/);
  });
});
