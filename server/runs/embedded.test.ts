// End to end with the real embedded student model (SmolLM2-135M from a registry package, served
// by worker/'s model server on CPU): two questions, real sandbox, real scoring. What the tiny model
// answers is not asserted — only that every step of a real model's trajectory is stored.
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DbHandle } from "@/db/client";
import { steps, trajectories } from "@/db/schema";
import { importBenchmarks } from "@/server/benchmarks/import";
import { stopEmbeddedServers } from "@/server/models/embedded";
import { testDatabases } from "@/test/databases";
import { resolveRunConfig } from "./config";
import { defaultRunDeps } from "./deps";
import { generateRun } from "./generate";

describe("a run against the real embedded model server", () => {
  let handle: DbHandle;
  beforeAll(async () => {
    handle = await testDatabases()[0]!.open();
    await importBenchmarks(handle.db);
  });
  afterAll(async () => {
    await stopEmbeddedServers();
    await handle?.close();
  });

  it("stores two complete agent trajectories from the embedded student", { timeout: 600_000 }, async () => {
    const config = resolveRunConfig({
      run: "embedded-e2e",
      benchmark: "gsm_hard",
      limit: 2,
      modelUrl: "embedded",
      model: "student",
      role: "student",
      maxSteps: 1,
      maxTokens: 64,
      concurrency: 2,
    });
    const result = await generateRun(handle.db, config, await defaultRunDeps(config, handle.db));
    expect(result.stored).toBe(2);
    const rows = await handle.db.select().from(trajectories).where(eq(trajectories.runId, result.runId));
    expect(rows).toHaveLength(2);
    for (const t of rows) {
      expect(t.status).not.toBe("error");
      expect(t.tokensOut).toBeGreaterThan(0);
      const stored = await handle.db.select().from(steps).where(eq(steps.trajectoryId, t.id));
      expect(stored.length).toBe(t.numSteps);
      expect(stored.length).toBeGreaterThan(0);
      expect(t.score).toMatchObject({ method: expect.stringMatching(/^math:/) });
    }
  });
});
