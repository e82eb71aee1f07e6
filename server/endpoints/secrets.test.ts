// Secrets end to end (issue #16 item 5): an API key from the environment and a model URL with
// credentials go through a real generation job (real queue, real handler, real sandbox) against
// the scripted stub server. The key arrives as a bearer token; neither it nor the URL's
// credentials appear anywhere in the database, nor in a failed job's error and log tail. In team
// mode the API refuses a URL a caller invents and takes a configured endpoint by name.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { TRPCError } from "@trpc/server";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DbHandle } from "@/db/client";
import { importBenchmarks } from "@/server/benchmarks/import";
import { jobHandlers } from "@/server/wiring/job-handlers";
import { claimNextJob } from "@/server/jobs/queue";
import { executeJob } from "@/server/jobs/runner";
import { createCallerFactory } from "@/server/trpc/init";
import { appRouter } from "@/server/trpc/router";
import { testDatabases } from "@/test/databases";
import { startStubLlm, type StubServer } from "@/test/stub-llm";

const KEY = `dk-test-${process.pid}-0123456789`;
const URL_PASSWORD = "pw-in-url-4711";
const URL_QUERY_KEY = "qk-in-query-0815";
const SECRETS = [KEY, URL_PASSWORD, URL_QUERY_KEY];

const callerFor = (db: DbHandle["db"]) => createCallerFactory(appRouter)({ db, user: "test" });

/** Every row of every table, as JSON text: where a leaked secret would be. */
async function dumpDatabase(db: DbHandle["db"]): Promise<string> {
  const rowsOf = (res: unknown) => (Array.isArray(res) ? res : (res as { rows: unknown[] }).rows);
  const tables = rowsOf(await db.execute(sql`select table_name from information_schema.tables where table_schema = 'public'`)) as {
    table_name: string;
  }[];
  expect(tables.map((t) => t.table_name)).toContain("jobs");
  const parts: string[] = [];
  for (const { table_name } of tables) {
    const rows = rowsOf(await db.execute(sql.raw(`select row_to_json(t)::text as row from "${table_name}" t`))) as { row: string }[];
    parts.push(...rows.map((r) => r.row));
  }
  return parts.join("\n");
}

async function runQueuedJob(db: DbHandle["db"]) {
  const job = await claimNextJob(db, "secrets-test");
  expect(job).not.toBeNull();
  await executeJob(db, job!, jobHandlers()[job!.kind]!);
  return (await callerFor(db).jobs.get({ id: job!.id })) as { status: string; error: string | null; logTail: string };
}

describe("secrets", () => {
  let handle: DbHandle;
  let stub: StubServer;
  const saved = { ...process.env };

  beforeAll(async () => {
    process.env.DISTILLERY_API_KEY = KEY;
    delete process.env.DISTILLERY_AUTH_SECRET;
    delete process.env.DISTILLERY_ENDPOINTS_FILE;
    process.env.DISTILLERY_DATA_DIR = fs.mkdtempSync(path.join(os.tmpdir(), "distillery-secrets-"));
    handle = await testDatabases()[0]!.open();
    await importBenchmarks(handle.db);
    stub = await startStubLlm((req, _call, headers) => {
      // The model's "reply" tries to leak the key, as a hostile server or model could.
      if (req.model === "fail-401") return { status: 401, error: `bad key ${headers.authorization}` };
      return "Thought: compute\n```py\nprint(6 * 7)\nfinal_answer(42)\n```";
    });
  }, 60_000);

  afterAll(async () => {
    await stub?.close();
    await handle?.close();
    process.env = saved;
  });

  const urlWithCredentials = () => {
    const url = new URL(stub.url);
    return `http://alice:${URL_PASSWORD}@${url.host}${url.pathname}?api_key=${URL_QUERY_KEY}`;
  };

  it(
    "sends the key from the environment as a bearer token and stores neither it nor the URL's credentials",
    { timeout: 120_000 },
    async () => {
      const api = callerFor(handle.db);
      await api.runs.generate({ run: "keyed", benchmark: "gsm_hard", limit: 2, modelUrl: urlWithCredentials(), model: "m" });
      const job = await runQueuedJob(handle.db);
      expect(job.status).toBe("succeeded");
      expect(stub.authorizations.length).toBeGreaterThanOrEqual(2);
      expect(new Set(stub.authorizations)).toEqual(new Set([`Bearer ${KEY}`]));

      const run = await api.runs.get({ name: "keyed" });
      expect(run.config.modelUrl).toBe(stub.url);
      const dump = await dumpDatabase(handle.db);
      expect(dump.includes('"name":"keyed"')).toBe(true); // the dump does hold the run
      for (const secret of SECRETS) expect(dump.includes(secret), secret).toBe(false);
    },
  );

  it("keeps the key out of a failed job's error and log tail, even when the server echoes it", { timeout: 120_000 }, async () => {
    const api = callerFor(handle.db);
    // A 401 stops the run at once (a refused key fails every question alike); the stub echoes the header.
    stub.authorizations.length = 0;
    await api.runs.generate({ run: "refused", benchmark: "gsm_hard", limit: 1, modelUrl: urlWithCredentials(), model: "fail-401" });
    const job = await runQueuedJob(handle.db);
    expect(stub.authorizations).toContain(`Bearer ${KEY}`); // it was sent, and echoed back in the 401
    expect(job.status).toBe("failed");
    expect(job.error).toMatch(/answered 401/);
    expect(job.logTail).toMatch(/answered 401/);
    for (const secret of SECRETS) {
      expect(job.error).not.toContain(secret);
      expect(job.logTail).not.toContain(secret);
    }
    const dump = await dumpDatabase(handle.db);
    for (const secret of SECRETS) expect(dump.includes(secret), secret).toBe(false);
  });

  it("redacts whatever a job handler logs or throws before it is stored", async () => {
    const { enqueueJob } = await import("@/server/jobs/queue");
    const queued = await enqueueJob(handle.db, { kind: "generate", config: { modelUrl: urlWithCredentials() } });
    expect(JSON.stringify(queued.config)).not.toContain(URL_PASSWORD);
    const job = (await claimNextJob(handle.db, "secrets-test"))!;
    await executeJob(handle.db, job, async (ctx) => {
      ctx.log(`calling ${urlWithCredentials()} with Authorization: Bearer ${KEY}`);
      throw new Error(`the server said: invalid key ${KEY}`);
    });
    const row = (await callerFor(handle.db).jobs.get({ id: job.id })) as { status: string; error: string; logTail: string };
    expect(row.status).toBe("failed");
    expect(row.error).toBe("the server said: invalid key ***");
    expect(row.logTail).toContain("calling http://***@127.0.0.1");
    for (const secret of SECRETS) expect(row.logTail.includes(secret) || row.error.includes(secret), secret).toBe(false);
  });

  it("in team mode refuses a URL a caller invents (400 naming the field) and takes a configured endpoint by name", async () => {
    const file = path.join(process.env.DISTILLERY_DATA_DIR!, "endpoints.json");
    fs.writeFileSync(file, JSON.stringify({ stub: { url: stub.url, kind: "model" } }));
    process.env.DISTILLERY_AUTH_SECRET = "team-mode-secret-for-the-test-0123456789";
    try {
      const api = callerFor(handle.db);
      const err = await api.runs
        .generate({ benchmark: "gsm_hard", limit: 1, modelUrl: "http://203.0.113.9:8000/v1", model: "m" })
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(TRPCError);
      expect((err as TRPCError).code).toBe("BAD_REQUEST");
      expect((err as TRPCError).message).toBe(
        "modelUrl: in team mode an endpoint is chosen by name (embedded, stub); URLs are not accepted",
      );
      const retrieverErr = await api.runs
        .generate({ benchmark: "gsm_hard", modelUrl: "stub", model: "m", retriever: "http://203.0.113.9/retrieve" })
        .catch((e: unknown) => e);
      expect((retrieverErr as TRPCError).message).toMatch(/^retriever: in team mode/);
      const trainErr = await api.training
        .train({ dataset: "none", backend: "ray", rayAddress: "http://203.0.113.9:8265" })
        .catch((e: unknown) => e);
      expect((trainErr as TRPCError).message).toMatch(/^rayAddress: in team mode/);

      const { run } = await api.runs.generate({ run: "named", benchmark: "gsm_hard", limit: 1, modelUrl: "stub", model: "m" });
      expect(run).toBe("named");
      stub.authorizations.length = 0;
      expect((await runQueuedJob(handle.db)).status).toBe("succeeded");
      expect(stub.authorizations[0]).toBe(`Bearer ${KEY}`);
      expect((await api.runs.get({ name: "named" })).config.modelUrl).toBe("stub");
    } finally {
      delete process.env.DISTILLERY_AUTH_SECRET;
      fs.rmSync(file);
    }
  });
});
