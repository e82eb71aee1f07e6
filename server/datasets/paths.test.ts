// Paths stay in the data directory (issue #16 item 4), end to end: the real CLI on a real embedded
// database writes its --out file itself and uploads imports as content; through the API no input
// names a server path, a dataset name cannot climb out of <dataDir>/exports/, names follow the one
// rule (a clear 400), and a model directory outside the model cache is refused.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { TRPCError } from "@trpc/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDb, type DbHandle } from "@/db/client";
import { runs } from "@/db/schema";
import { createCallerFactory } from "@/server/trpc/init";
import { appRouter } from "@/server/trpc/router";
import { runCli, seedStubDataset } from "@/test/cli";
import { datasetDownload } from "./download";

const callerFor = (db: DbHandle["db"]) => createCallerFactory(appRouter)({ db, user: "test" });

async function badRequest(promise: Promise<unknown>): Promise<string> {
  const err = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(TRPCError);
  expect((err as TRPCError).code).toBe("BAD_REQUEST");
  return (err as TRPCError).message;
}

describe("paths stay in the data directory", () => {
  let dataDir: string;
  let outside: string;
  let handle: DbHandle;
  let api: ReturnType<typeof callerFor>;
  const savedDataDir = process.env.DISTILLERY_DATA_DIR;

  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "distillery-paths-"));
    outside = fs.mkdtempSync(path.join(os.tmpdir(), "distillery-outside-"));
    await seedStubDataset(dataDir, { limit: 3 });
  }, 180_000);

  afterAll(async () => {
    await handle?.close();
    if (savedDataDir === undefined) delete process.env.DISTILLERY_DATA_DIR;
    else process.env.DISTILLERY_DATA_DIR = savedDataDir;
  });

  it("the CLI writes its own --out file and imports a local file by uploading its content", { timeout: 120_000 }, async () => {
    const out = path.join(outside, "mine.jsonl");
    const exported = await runCli(dataDir, ["export-sft", "--dataset", "ds", "--out", out]);
    expect(exported.status).toBe(0);
    expect(exported.stdout).toContain(`Wrote 3 examples to ${out}`);
    expect(fs.readFileSync(out, "utf8").trim().split("\n")).toHaveLength(3);

    const imported = await runCli(dataDir, ["import", out, "--run", "back"]);
    expect(imported.status).toBe(0);
    expect(imported.stdout).toMatch(/Imported 3 of 3 trajectories .* into run "back"/);
  });

  describe("through the API", () => {
    beforeAll(async () => {
      process.env.DISTILLERY_DATA_DIR = dataDir;
      handle = await openDb({ url: "", dir: path.join(dataDir, "pglite") });
      api = callerFor(handle.db);
    });

    it("exports only under <dataDir>/exports/: a caller's `out` is refused, not followed", async () => {
      const target = path.join(outside, "profile", ".bashrc");
      await expect(api.datasets.export({ ref: "ds", out: target } as { ref: string })).rejects.toThrow(/out/);
      expect(fs.existsSync(path.dirname(target))).toBe(false);
      const result = await api.datasets.export({ ref: "ds" });
      expect(result.file).toBe(path.join("exports", "ds-v1.jsonl")); // relative to the data directory
      expect(result.download).toBe("/api/datasets/ds%401/export");
      expect(fs.readFileSync(path.join(dataDir, result.file), "utf8").trim().split("\n")).toHaveLength(3);
    });

    it("a dataset reference cannot climb out of the exports directory", async () => {
      await expect(api.datasets.export({ ref: "../../../tmp/pwned" })).rejects.toThrow(/no dataset "..\/..\/..\/tmp\/pwned"/);
      expect(fs.existsSync("/tmp/pwned-v1.jsonl")).toBe(false);
      expect(fs.readdirSync(path.join(dataDir, "exports"))).toEqual(["ds-v1.jsonl"]);
      const response = await datasetDownload(handle.db, "../ds");
      expect(response.status).toBe(404);
    });

    it("the browser downloads the export as an attachment", async () => {
      const response = await datasetDownload(handle.db, "ds@1");
      expect(response.status).toBe(200);
      expect(response.headers.get("content-disposition")).toBe('attachment; filename="ds-v1.jsonl"');
      const lines = (await response.text()).trim().split("\n");
      expect(lines).toHaveLength(3);
      expect(JSON.parse(lines[0]!).messages[0].role).toBe("system");
    });

    it("pages the export for the CLI", async () => {
      const first = await api.datasets.exportLines({ ref: "ds", offset: 0, limit: 2 });
      expect(first).toMatchObject({ next: 2, total: 3 });
      const second = await api.datasets.exportLines({ ref: "ds", offset: 2, limit: 2 });
      expect(second.next).toBeNull();
      expect([...first.lines, ...second.lines]).toEqual(
        fs
          .readFileSync(path.join(dataDir, "exports", "ds-v1.jsonl"), "utf8")
          .trim()
          .split("\n"),
      );
    });

    it("imports content only: a server path such as /etc/passwd is not an input", async () => {
      const before = await handle.db.select().from(runs);
      const message = await badRequest(api.datasets.import({ file: "/etc/passwd" } as unknown as { content: string }));
      expect(message).toMatch(/^content: /);
      expect(message).not.toContain("root:");
      const notJson = await badRequest(api.datasets.import({ content: "root:x:0:0:root:/root:/bin/bash\n", fileName: "/etc/passwd" }));
      expect(notJson).toMatch(/^passwd:1: not valid JSON/); // the caller's own upload, named by its base name only
      expect(await handle.db.select().from(runs)).toHaveLength(before.length);
    });

    it("refuses names with slashes, dots only or 5 MB with a clear 400 everywhere", async () => {
      const content = fs.readFileSync(path.join(dataDir, "exports", "ds-v1.jsonl"), "utf8");
      const huge = "x".repeat(5 * 1024 * 1024);
      for (const run of ["a/b", "..", huge]) {
        const expected = run === huge ? "run: at most 100 characters" : /^run: letters, digits/;
        expect(await badRequest(api.datasets.import({ content, run }))).toMatch(expected);
        expect(await badRequest(api.runs.generate({ run, benchmark: "gsm_hard", modelUrl: "http://127.0.0.1:9/v1", model: "m" }))).toMatch(
          expected,
        );
      }
      expect(await badRequest(api.datasets.create({ name: "../evil", run: ["t"] }))).toMatch(/^name: letters, digits/);
      expect(await badRequest(api.training.train({ dataset: "ds", name: "../../evil" }))).toMatch(/^name: letters, digits/);
      expect(await badRequest(api.training.evaluate({ model: "student", benchmark: "gsm_hard", run: "x/y" }))).toMatch(
        /^run: letters, digits/,
      );
      expect(await badRequest(api.experiments.start({ name: ".", recipe: {}, steps: [] }))).toMatch(/^name: letters, digits/);
    });

    it("loads model directories only from the model cache or trained students", async () => {
      const fake = path.join(outside, "model");
      fs.mkdirSync(fake);
      fs.writeFileSync(path.join(fake, "config.json"), "{}");
      const refused = /model directories are loaded only from the model cache or <data dir>\/models\//;
      expect(await badRequest(api.runs.generate({ benchmark: "gsm_hard", modelUrl: "embedded", model: fake }))).toMatch(
        new RegExp(`^model: ${refused.source}`),
      );
      expect(await badRequest(api.runs.generate({ benchmark: "gsm_hard", modelUrl: "embedded", model: "../../model" }))).toMatch(
        /^model: /,
      );
      expect(await badRequest(api.training.train({ dataset: "ds", base: fake }))).toMatch(new RegExp(`^base: ${refused.source}`));
      expect(await badRequest(api.training.evaluate({ model: fake, benchmark: "gsm_hard" }))).toMatch(/^model: /);
      expect(await badRequest(api.datasetPreview.tokens({ ref: "ds", base: fake }))).toMatch(new RegExp(`^base: ${refused.source}`));
      // A symlink inside the data directory that points outside is still outside.
      fs.mkdirSync(path.join(dataDir, "models"), { recursive: true });
      fs.symlinkSync(fake, path.join(dataDir, "models", "sneaky"));
      expect(await badRequest(api.training.train({ dataset: "ds", base: path.join(dataDir, "models", "sneaky") }))).toMatch(/^base: /);
    });
  });
});
