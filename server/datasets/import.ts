// Imports SFT files (OpenAI chat JSONL, the paper's trajectory logs, our own export) as a run of
// trajectories, so imported data is browsed, annotated and turned into datasets like any run.
// Questions land in the benchmark "imported" (train split); re-importing the same file adds
// nothing, because trajectories are keyed by (run, question, sample).
import crypto from "node:crypto";
import path from "node:path";
import { and, eq } from "drizzle-orm";
import type { Db } from "@/db/client";
import { benchmarks, questions, runs } from "@/db/schema";
import { parseAction } from "@/server/agent/parse";
import type { EpisodeResult, StepRecord } from "@/server/agent/types";
import { saveTrajectory } from "@/server/runs/store";
import { readSftFile } from "./sft-format-import";
import type { SftRecord } from "./sft-format";

export const IMPORTED_BENCHMARK = "imported";

export async function importSftFile(db: Db, file: string, runName?: string) {
  const parsed = readSftFile(file); // all-or-nothing: a bad line throws before anything is written
  const name = runName ?? `import-${path.basename(file).replace(/\.[^.]+$/, "").replace(/[^\w.:@+-]/g, "_")}`;
  return db.transaction(async (tx) => {
    const db = tx as unknown as Db;
    const benchmarkId = await importedBenchmark(db);
    const run = await importRun(db, name, file, parsed.formats.join("+"));
    let added = 0;
    for (const record of parsed.records) {
      const task = record.messages.find((m) => m.role === "user")?.content ?? "";
      const meta = record.meta ?? {};
      const externalId = record.id ?? crypto.createHash("sha256").update(task).digest("hex").slice(0, 16);
      const [q] = await db
        .insert(questions)
        .values({
          benchmarkId,
          externalId,
          position: 0,
          question: task.replace(/^Task:\s*/, ""),
          answer: String(meta.gold ?? meta.answer ?? ""),
          meta,
        })
        .onConflictDoUpdate({ target: [questions.benchmarkId, questions.externalId], set: { externalId } })
        .returning({ id: questions.id });
      const saved = await saveTrajectory(db, { runId: run.id, questionId: q!.id, sampleIdx: 0 }, episodeOf(record), {
        correct: null,
        detail: { method: "imported" },
      });
      if (saved !== null) added++;
    }
    return { run: name, records: parsed.records.length, added, skipped: parsed.skipped, formats: parsed.formats };
  });
}

async function importedBenchmark(db: Db): Promise<number> {
  await db
    .insert(benchmarks)
    .values({ name: IMPORTED_BENCHMARK, split: "train", kind: "qa", title: "Imported trajectories", sourceFile: "(import)" })
    .onConflictDoNothing();
  const [row] = await db
    .select({ id: benchmarks.id })
    .from(benchmarks)
    .where(and(eq(benchmarks.name, IMPORTED_BENCHMARK), eq(benchmarks.split, "train")));
  return row!.id;
}

async function importRun(db: Db, name: string, file: string, format: string) {
  const [existing] = await db.select().from(runs).where(eq(runs.name, name));
  if (existing) return existing;
  const [created] = await db
    .insert(runs)
    .values({
      name,
      role: "teacher",
      mode: "agent",
      modelEndpoint: "import",
      modelName: `imported (${format})`,
      config: { benchmark: IMPORTED_BENCHMARK, split: "train", source: path.resolve(file), format },
      status: "succeeded",
    })
    .returning();
  return created!;
}

/** Rebuild steps from the conversation: each assistant turn is a step, the next user turn its observation. */
function episodeOf(record: SftRecord): EpisodeResult {
  const messages = record.messages.map(({ role, content }) => ({ role, content }));
  const steps: StepRecord[] = [];
  let finalAnswer: string | null = null;
  messages.forEach((m, i) => {
    if (m.role !== "assistant") return;
    const parsed = parseAction(m.content);
    const next = messages[i + 1];
    const observation = next?.role === "user" ? next.content : "";
    const answer = parsed.ok ? /final_answer\(\s*(?:["']([^"']*)["']|([^)]*))\s*\)/.exec(parsed.code) : null;
    if (answer) finalAnswer = (answer[1] ?? answer[2] ?? "").trim();
    steps.push({
      idx: steps.length,
      thought: parsed.thought,
      code: parsed.ok ? parsed.code : null,
      observation,
      errorKind: /^Error/m.test(observation) ? "exec" : null,
      errorText: null,
      toolCalls: [],
      forcedFinal: false,
      tokensIn: 0,
      tokensOut: 0,
      latencyMs: 0,
      chosenCandidate: null,
      candidates: [],
      finalAnswer: null,
    });
  });
  return {
    status: finalAnswer !== null ? "finished" : "max_steps",
    finalAnswer,
    ftpPrefix: null,
    steps,
    messages,
    tokensIn: 0,
    tokensOut: 0,
    latencyMs: 0,
    retrievalCalls: 0,
    error: null,
  };
}
