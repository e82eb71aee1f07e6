// Imports SFT files (OpenAI chat JSONL, the paper's trajectory logs, our own export) as a run of
// trajectories, so imported data is browsed, annotated and turned into datasets like any run.
// Questions land in the benchmark "imported" (train split); re-importing the same file adds
// nothing, because trajectories are keyed by (run, question, sample).
// Files arrive as content (uploaded by the browser, read by the CLI on the caller's side), never as
// a server path: the server reads no file a caller names.
import crypto from "node:crypto";
import path from "node:path";
import { and, eq } from "drizzle-orm";
import type { Db } from "@/db/client";
import { benchmarks, questions, runs } from "@/db/schema";
import { parseAction } from "@/server/agent/parse";
import type { EpisodeResult, StepRecord } from "@/server/agent/types";
import { saveTrajectory } from "./store";
import { InputError } from "@/server/errors";
import { isName, NAME_RULE, toName } from "@/server/names";
import { parseSftText } from "@/server/datasets/sft-format-import";
import type { SftRecord } from "@/server/datasets/sft-format";

export const IMPORTED_BENCHMARK = "imported";

/** Uploads larger than this are refused (about 25k paper-sized trajectories). */
export const IMPORT_MAX_CHARS = 32 * 1024 * 1024;

export type SftUpload = {
  /** The file's text: JSON lines, or one JSON document. */
  content: string;
  /** The file's name on the uploader's side, for messages and the default run name only. */
  fileName?: string;
  run?: string;
};

export async function importTrajectories(db: Db, upload: SftUpload) {
  const fileName = path.basename(upload.fileName ?? "upload.jsonl");
  if (upload.content.length > IMPORT_MAX_CHARS) throw new InputError(`${fileName}: larger than ${IMPORT_MAX_CHARS / 1024 / 1024} MB`);
  if (upload.run !== undefined && !isName(upload.run)) throw new InputError(`run: ${NAME_RULE}`);
  const parsed = parseSftText(upload.content, fileName); // all-or-nothing: a bad line throws before anything is written
  const name = upload.run ?? toName(`import-${fileName.replace(/\.[^.]+$/, "")}`);
  return db.transaction(async (tx) => {
    const db = tx as unknown as Db;
    const benchmarkId = await importedBenchmark(db);
    const run = await importRun(db, name, fileName, parsed.formats.join("+"));
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

async function importRun(db: Db, name: string, fileName: string, format: string) {
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
      config: { benchmark: IMPORTED_BENCHMARK, split: "train", source: fileName, format },
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
