// A training job end to end through the CLI: a dataset from a stub-model run (scripted
// OpenAI-compatible server on loopback), the real trainer on a tiny random model built in code,
// metrics streamed into the job, the student registered; then the failed-job path.
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { openDb } from "@/db/client";
import { eq } from "drizzle-orm";
import { jobMetrics, jobs, students } from "@/db/schema";
import { studentSpec } from "@/server/models/embedded";
import { createChatClient } from "@/server/llm/client";
import { workerPython } from "@/server/worker/interpreter";
import { runCli, seedStubDataset } from "@/test/cli";
import { freePort, startServeModel } from "@/test/serve-model";

const cli = runCli;

describe("distillery train (CLI)", () => {
  let dataDir: string;
  let tinyModel: string;
  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "distillery-train-"));
    // Model directories load only from the model cache or <dataDir>/models/ (issue #16).
    tinyModel = path.join(dataDir, "models", "tiny-base");
    execFileSync(workerPython(), ["-m", "distillery_worker.weights", "tiny", tinyModel]);
    await seedStubDataset(dataDir, { limit: 4, datasetFlags: ["--finished-only"] });
  });

  it("trains, streams loss into the job and registers the student", { timeout: 300_000 }, async () => {
    const res = await cli(dataDir, [
      "train",
      "--dataset",
      "ds",
      "--base",
      tinyModel,
      "--name",
      "tiny-student",
      "--max-steps",
      "3",
      "--lora-r",
      "4",
      "--lora-alpha",
      "8",
      "--batch-size",
      "2",
      "--grad-accum",
      "1",
      "--json",
    ]);
    expect(res.stderr).not.toMatch(/Traceback/);
    expect(res.status).toBe(0);
    const job = JSON.parse(res.stdout) as { status: string; result: { model: string; adapter: string; weights: string } };
    expect(job.status).toBe("succeeded");
    expect(fs.existsSync(path.join(job.result.adapter, "adapter_config.json"))).toBe(true);
    expect(job.result.weights).toBe(path.join(path.dirname(job.result.adapter), "merged"));
    expect(fs.existsSync(path.join(job.result.weights, "config.json"))).toBe(true);

    const handle = await openDb({ url: "", dir: path.join(dataDir, "pglite") });
    try {
      const [student] = await handle.db.select().from(students);
      expect(student).toMatchObject({
        name: "tiny-student",
        baseModel: tinyModel,
        adapterPath: job.result.adapter,
        modelPath: job.result.weights,
      });
      const losses = (await handle.db.select().from(jobMetrics)).filter((m) => m.name === "loss");
      expect(losses.map((m) => m.step)).toEqual([1, 2, 3]);
      for (const m of losses) expect(Number.isFinite(m.value)).toBe(true);
    } finally {
      await handle.close();
    }
  });

  it(
    "fully fine-tunes with --finetune full: no adapter, the student's own weights registered and served",
    { timeout: 300_000 },
    async () => {
      const flags = ["--base", tinyModel, "--name", "tiny-full", "--finetune", "full", "--max-steps", "2", "--batch-size", "2"];
      const res = await cli(dataDir, ["train", "--dataset", "ds", ...flags, "--grad-accum", "1", "--json"]);
      expect(res.stderr).not.toMatch(/Traceback/);
      expect(res.status).toBe(0);
      const job = JSON.parse(res.stdout) as { status: string; result: { finetune: string; weights: string; adapter?: string } };
      expect(job.result).toMatchObject({ finetune: "full" });
      expect(job.result.adapter).toBeUndefined();
      expect(fs.existsSync(path.join(job.result.weights, "config.json"))).toBe(true);
      expect(fs.existsSync(path.join(path.dirname(job.result.weights), "adapter"))).toBe(false);
      const handle = await openDb({ url: "", dir: path.join(dataDir, "pglite") });
      try {
        const [student] = await handle.db.select().from(students).where(eq(students.name, "tiny-full"));
        expect(student).toMatchObject({ baseModel: tinyModel, adapterPath: null, modelPath: job.result.weights });
        expect(studentSpec(student!)).toEqual({ model: job.result.weights, name: "tiny-full" });
      } finally {
        await handle.close();
      }
    },
  );

  it("serves the trained student by its name: serve-model --model NAME (its merged weights)", { timeout: 600_000 }, async () => {
    const args = ["--model", "tiny-student", "--port", String(await freePort())];
    const { child, listening } = await startServeModel(args, { DISTILLERY_DATA_DIR: dataDir, DATABASE_URL: "" });
    try {
      expect(listening.models).toEqual(["tiny-student"]); // its merged weights, under its own name
      const client = createChatClient({ baseUrl: listening.url, model: "tiny-student", retries: 0 });
      const reply = await client.chat({ messages: [{ role: "user", content: "hi" }], temperature: 0, maxTokens: 4 });
      expect(reply.choices).toHaveLength(1);
    } finally {
      child.kill("SIGTERM");
    }
  });

  it("marks a job failed with the trainer's message when the base model is missing", { timeout: 120_000 }, async () => {
    const missing = path.join(dataDir, "models", "nonexistent");
    const res = await cli(dataDir, ["train", "--dataset", "ds", "--base", missing, "--name", "broken", "--max-steps", "1"]);
    expect(res.status).toBe(1);
    expect(res.stderr).toMatch(/training broken failed/);
    const handle = await openDb({ url: "", dir: path.join(dataDir, "pglite") });
    try {
      const failed = (await handle.db.select().from(jobs)).find((j) => j.kind === "train" && j.status === "failed");
      expect(failed?.error).toMatch(/nonexistent/);
      expect(failed?.logTail).toContain(missing);
    } finally {
      await handle.close();
    }
  });
});
