// Datasets end to end on a real database: a run from the scripted stub model (real HTTP), an
// annotation, filters, versions, the SFT export and its re-import.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DbHandle } from "@/db/client";
import { trajectories } from "@/db/schema";
import { addAnnotation } from "@/server/annotations/annotations";
import { importBenchmarks } from "@/server/benchmarks/import";
import { createChatClient } from "@/server/llm";
import { resolveRunConfig } from "@/server/runs/config";
import { generateRun } from "@/server/runs/generate";
import { SandboxSession } from "@/server/tools/sandbox/session";
import { testDatabases } from "@/test/databases";
import { startStubLlm } from "@/test/stub-llm";
import { createDataset, findDataset } from "./create";
import { exportDataset } from "./export";
import { importTrajectories } from "@/server/runs/import-trajectories";

describe("datasets", () => {
  let handle: DbHandle;
  let ids: number[];
  beforeAll(async () => {
    handle = await testDatabases()[0]!.open();
    await importBenchmarks(handle.db);
    // Odd questions answer correctly (the gold of question i is scored by the stub below).
    const stub = await startStubLlm((_req, call) => `Thought: t\n\`\`\`py\nprint('work')\nfinal_answer(${call % 2})\n\`\`\``);
    try {
      const config = resolveRunConfig({ run: "teacher", benchmark: "gsm_hard", limit: 6, modelUrl: stub.url, model: "m" });
      const { runId } = await generateRun(handle.db, config, {
        model: createChatClient({ baseUrl: stub.url, model: "m" }),
        retriever: () => {
          throw new Error("unused");
        },
        score: async (_q, predicted) => ({ correct: predicted === "1", detail: {} }),
        startSession: () => SandboxSession.start(),
      });
      ids = (
        await handle.db.select({ id: trajectories.id }).from(trajectories).where(eq(trajectories.runId, runId)).orderBy(trajectories.id)
      ).map((r) => r.id);
    } finally {
      await stub.close();
    }
  });
  afterAll(async () => {
    await handle?.close();
  });

  it("freezes the filtered trajectories and versions only real changes", async () => {
    const first = await createDataset(handle.db, { name: "ds", run: ["teacher"], correctOnly: true });
    expect(first.created).toBe(true);
    expect(first.dataset.version).toBe(1);
    expect(first.dataset.trajectoryIds).toHaveLength(3);
    const same = await createDataset(handle.db, { name: "ds", run: ["teacher"], correctOnly: true });
    expect(same.created).toBe(false);

    const correctIds = first.dataset.trajectoryIds;
    await addAnnotation(handle.db, "ann", { trajectoryId: correctIds[0]!, verdict: "reject", reason: "lucky_guess" });
    const v2 = await createDataset(handle.db, { name: "ds", run: ["teacher"], correctOnly: true, excludeRejected: true });
    expect(v2.dataset.version).toBe(2);
    expect(v2.dataset.trajectoryIds).toEqual(correctIds.slice(1));
    expect((await findDataset(handle.db, "ds@1")).trajectoryIds).toEqual(correctIds);
    expect((await findDataset(handle.db, "ds")).version).toBe(2);

    await addAnnotation(handle.db, "ann", { trajectoryId: ids[1]!, verdict: "accept" });
    const accepted = await createDataset(handle.db, { name: "acc", run: ["teacher"], acceptedOnly: true });
    expect(accepted.dataset.trajectoryIds).toEqual([ids[1]]);
  });

  it("refuses unknown runs, empty selections and contradictory filters", async () => {
    await expect(createDataset(handle.db, { name: "x", run: ["nope"] })).rejects.toThrow(/no run named "nope"/);
    await expect(createDataset(handle.db, { name: "x", run: ["teacher"], maxTokens: 1 })).rejects.toThrow(/no trajectory matches/);
    await expect(createDataset(handle.db, { name: "x", run: ["teacher"], acceptedOnly: true, excludeRejected: true })).rejects.toThrow();
  });

  it("exports SFT lines with the student prompt and assistant-only trainability, and re-imports them", async () => {
    const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "sft-")), "ds.jsonl");
    const { records } = await exportDataset(handle.db, "ds@1", out);
    expect(records).toBe(3);
    const lines = fs
      .readFileSync(out, "utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    for (const line of lines) {
      const roles = line.messages.map((m: { role: string; trainable: boolean }) => `${m.role}:${m.trainable}`);
      expect(roles).toEqual(["system:false", "user:false", "assistant:true"]);
      expect(line.messages[0].content).toMatch(/^Solve the task step by step/); // the student's short prompt
      expect(line.messages[1].content).toMatch(/^Task: /);
    }
    const upload = { content: fs.readFileSync(out, "utf8"), fileName: "ds.jsonl", run: "reimported" };
    const imported = await importTrajectories(handle.db, upload);
    expect(imported).toMatchObject({ records: 3, added: 3, formats: ["distillery"] });
    const again = await importTrajectories(handle.db, upload);
    expect(again.added).toBe(0);
  });
});
