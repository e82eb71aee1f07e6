// Writes a frozen dataset as SFT JSON lines (DESIGN.md §5.5). Agent datasets swap the teacher's
// long system prompt for the student's short one, as students are trained and evaluated with it.
// The file is written to a temporary name and renamed, so a crash never leaves half a file.
import fs from "node:fs";
import path from "node:path";
import { eq, inArray } from "drizzle-orm";
import type { Db } from "@/db/client";
import { questions, runs, trajectories } from "@/db/schema";
import { prompt } from "@/server/agent/prompts";
import { findDataset } from "./create";
import { formatSftRecord, trajectoryToSftRecord, type SftRecord } from "./sft-format";

const CHUNK = 200;

export async function* datasetRecords(db: Db, ref: string): AsyncGenerator<SftRecord> {
  const dataset = await findDataset(db, ref);
  const ids = dataset.trajectoryIds;
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
        meta: { run: row.run, question: row.question, gold: row.answer, final_answer: row.finalAnswer, dataset: `${dataset.name}@${dataset.version}` },
      });
    }
  }
}

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
