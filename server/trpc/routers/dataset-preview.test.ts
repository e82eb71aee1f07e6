// The Datasets page's token preview end to end: a real dataset (the CLI, a scripted stub model),
// the real worker preview (python -m distillery_worker.train.preview) on a tiny random model in
// the model cache, and the worker's one-line refusal of a directory that is not a model.
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { TRPCError } from "@trpc/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDb, type DbHandle } from "@/db/client";
import { createCallerFactory } from "@/server/trpc/init";
import { appRouter } from "@/server/trpc/router";
import { workerPython, workerPythonPath } from "@/server/worker/interpreter";
import { seedStubDataset } from "@/test/cli";

const callerFor = (db: DbHandle["db"]) => createCallerFactory(appRouter)({ db, user: "test" });

describe("datasetPreview.tokens", () => {
  let dataDir: string;
  let handle: DbHandle;
  let api: ReturnType<typeof callerFor>;
  const savedDataDir = process.env.DISTILLERY_DATA_DIR;

  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "distillery-preview-"));
    await seedStubDataset(dataDir, { limit: 1 });
    const env = { ...process.env, PYTHONPATH: workerPythonPath() };
    execFileSync(workerPython(), ["-m", "distillery_worker.weights", "tiny", path.join(dataDir, "models", "tiny")], { env });
    process.env.DISTILLERY_DATA_DIR = dataDir;
    handle = await openDb({ url: "", dir: path.join(dataDir, "pglite") });
    api = callerFor(handle.db);
  }, 240_000);

  afterAll(async () => {
    await handle?.close();
    if (savedDataDir === undefined) delete process.env.DISTILLERY_DATA_DIR;
    else process.env.DISTILLERY_DATA_DIR = savedDataDir;
  });

  it("tokenises the first example under the base model's chat template, marking what the trainer learns", async () => {
    const preview = await api.datasetPreview.tokens({ ref: "ds", base: path.join(dataDir, "models", "tiny") });
    expect(preview.dataset).toBe("ds@1");
    expect(preview.tokens.length).toBe(preview.shown);
    expect(preview.trainable).toBeGreaterThan(0);
    expect(preview.trainable).toBeLessThan(preview.total);
    expect(preview.tokens.filter(([, trainable]) => trainable).length).toBeGreaterThan(0);
    expect(preview.mask_error).toBeNull();
  });

  it("reports a directory in the model cache that is not a model as the worker's failure", async () => {
    const notModel = path.join(dataDir, "models", "empty");
    fs.mkdirSync(notModel, { recursive: true });
    const err = await api.datasetPreview.tokens({ ref: "ds", base: notModel }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(TRPCError);
    // The worker exits 2 with one "error: …" line on stderr, read back from the seam's stderr tail.
    expect((err as TRPCError).code).toBe("BAD_REQUEST");
    expect((err as TRPCError).message).toMatch(/^--base: unknown model '.*\/models\/empty'/);
  });
});
