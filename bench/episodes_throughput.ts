// Episodes per minute of the agent runtime at concurrency 1, 8 and 64 against the scripted stub
// server with a fixed 100 ms latency per call, as a fraction of the latency-bound ideal.
// Each episode is two model calls (a print, then final_answer), two sandbox actions in a fresh
// sandbox, scoring and one DB write — everything but the model is real.
//   npx tsx bench/episodes_throughput.ts [--questions-per-slot 2]
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { openDb } from "@/db/client";
import { importBenchmarks } from "@/server/benchmarks/import";
import { createChatClient } from "@/server/llm";
import { resolveRunConfig } from "@/server/runs/config";
import { scoreAnswer } from "@/server/runs/deps";
import { generateRun } from "@/server/runs/generate";
import { SandboxSession } from "@/server/tools/sandbox/session";
import { startStubLlm } from "@/test/stub-llm";

const LATENCY_MS = 100;
const CALLS_PER_EPISODE = 2;
const flag = process.argv.indexOf("--questions-per-slot");
const perSlot = flag > 0 ? Number(process.argv[flag + 1]) : 2;

const stub = await startStubLlm(
  (req) =>
    req.messages.some((m) => m.role === "assistant")
      ? "Thought: done\n```py\nfinal_answer(x)\n```"
      : "Thought: compute\n```py\nx = sum(range(10))\nprint(x)\n```",
  { latencyMs: LATENCY_MS },
);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bench-episodes-"));
const handle = await openDb({ url: "", dir });
await importBenchmarks(handle.db);

const rows: Record<string, string | number>[] = [];
for (const concurrency of [1, 8, 64]) {
  const limit = Math.min(500, Math.max(8, concurrency * perSlot));
  const config = resolveRunConfig({
    run: `bench-c${concurrency}`,
    benchmark: "gsm_hard",
    limit,
    concurrency,
    modelUrl: stub.url,
    model: "stub-model",
  });
  const started = performance.now();
  await generateRun(handle.db, config, {
    model: createChatClient({ baseUrl: stub.url, model: "stub-model" }),
    retriever: () => {
      throw new Error("no retrieval in this bench");
    },
    score: scoreAnswer,
    startSession: () => SandboxSession.start({ tools: ["web_search"] }),
  });
  const seconds = (performance.now() - started) / 1000;
  const perMinute = (limit / seconds) * 60;
  // Latency-bound ideal: every slot always waiting on the model, nothing else costing time.
  const ideal = (concurrency * 60_000) / (CALLS_PER_EPISODE * LATENCY_MS);
  const overheadMs = (seconds * 1000 * concurrency) / limit - CALLS_PER_EPISODE * LATENCY_MS;
  rows.push({
    concurrency,
    episodes: limit,
    "episodes/min": Math.round(perMinute),
    "ideal/min": Math.round(ideal),
    "fraction of ideal": (perMinute / ideal).toFixed(2),
    "overhead ms/episode": Math.round(overheadMs),
  });
  console.error(`concurrency ${concurrency}: ${limit} episodes in ${seconds.toFixed(1)} s`);
}
console.table(rows);
await handle.close();
await stub.close();
process.exit(0);
