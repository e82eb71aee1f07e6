// Writes a frozen dataset as SFT JSON lines (docs/ARCHITECTURE.md §6.6). Agent datasets swap the teacher's
// long system prompt for the student's short one, as students are trained and evaluated with it.
// The file is written to a temporary name and renamed, so a crash never leaves half a file.
// The server only ever writes exports under <dataDir>/exports/ (a path no caller chooses); the
// browser downloads them from /api/datasets/<ref>/export and the CLI pages through
// datasetLines and writes its own --out file on the caller's side.
import fs from "node:fs";
import path from "node:path";
import { eq, inArray } from "drizzle-orm";
import { dataDir, type Db } from "@/db/client";
import { questions, runs, trajectories } from "@/db/schema";
import { prompt } from "@/server/agent/prompts";
import { findDataset } from "./create";
import { formatSftRecord, trajectoryToSftRecord, type SftRecord } from "./sft-format";

const CHUNK = 200;

/** Records `[offset, offset + limit)` of a dataset, in its trajectory order. */
export async function* datasetRecords(db: Db, ref: string, page: { offset?: number; limit?: number } = {}): AsyncGenerator<SftRecord> {
  const dataset = await findDataset(db, ref);
  const offset = page.offset ?? 0;
  const ids = dataset.trajectoryIds.slice(offset, page.limit === undefined ? undefined : offset + page.limit);
  for (let i = 0; i < ids.length; i += CHUNK) {
    const rows = await db
      .select({
        id: trajectories.id,
        messages: trajectories.messages,
        question: questions.question,
        answer: questions.answer,
        finalAnswer: trajectories.finalAnswer,
        run: runs.name,
        config: runs.config,
      })
      .from(trajectories)
      .innerJoin(questions, eq(questions.id, trajectories.questionId))
      .innerJoin(runs, eq(runs.id, trajectories.runId))
      .where(inArray(trajectories.id, ids.slice(i, i + CHUNK)))
      .orderBy(trajectories.id);
    for (const row of rows) {
      const maxSteps = Number((row.config as { maxSteps?: number }).maxSteps ?? 5);
      yield trajectoryToSftRecord(row.messages, {
        id: `trajectory-${row.id}`,
        systemPrompt: dataset.kind === "agent" ? prompt("student", { max_steps: maxSteps }) : undefined,
        meta: {
          run: row.run,
          question: row.question,
          gold: row.answer,
          final_answer: row.finalAnswer,
          dataset: `${dataset.name}@${dataset.version}`,
        },
      });
    }
  }
}

/** One page of a dataset's export as JSON lines, and where the next page starts (null at the end). */
export async function datasetLines(
  db: Db,
  ref: string,
  offset: number,
  limit: number,
): Promise<{ lines: string[]; next: number | null; total: number }> {
  const dataset = await findDataset(db, ref);
  const lines: string[] = [];
  for await (const record of datasetRecords(db, ref, { offset, limit })) lines.push(formatSftRecord(record));
  const end = offset + limit;
  return { lines, next: end < dataset.trajectoryIds.length ? end : null, total: dataset.trajectoryIds.length };
}

/** The one place a dataset's export lives on the server: <dataDir>/exports/<name>-v<version>.jsonl. */
export function exportFilePath(dataset: { name: string; version: number }): string {
  // Dataset names follow server/names.ts (no slashes, no leading dot); basename() is the belt to those braces.
  return path.join(dataDir(), "exports", path.basename(`${dataset.name}-v${dataset.version}.jsonl`));
}

/** Export a dataset under the data directory (the tRPC export; the browser then downloads it). */
export async function exportDatasetToDataDir(db: Db, ref: string): Promise<{ records: number; file: string; dataset: string }> {
  const dataset = await findDataset(db, ref);
  const versioned = `${dataset.name}@${dataset.version}`;
  const result = await exportDataset(db, versioned, exportFilePath(dataset));
  return { ...result, dataset: versioned };
}

/** Write a dataset to `outFile`. Server code only, with a path it made itself: never a caller's path. */
export async function exportDataset(db: Db, ref: string, outFile: string): Promise<{ records: number; file: string }> {
  const file = path.resolve(outFile);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  const fd = fs.openSync(tmp, "w");
  let records = 0;
  try {
    for await (const record of datasetRecords(db, ref)) {
      fs.writeSync(fd, formatSftRecord(record) + "\n");
      records++;
    }
    fs.fsyncSync(fd);
  } catch (err) {
    fs.closeSync(fd);
    fs.rmSync(tmp, { force: true });
    throw err;
  }
  fs.closeSync(fd);
  fs.renameSync(tmp, file);
  return { records, file };
}
