// Import SFT data from files: OpenAI chat-messages JSONL, the paper's public trajectory logs
// (smolagents `log_data.messages`), and our own export (round trip). Parsing is all-or-nothing:
// the first bad line throws an InputError naming the file and line, and nothing is returned,
// so callers never store half a file.
import fs from "node:fs";
import { z } from "zod";
import { InputError } from "@/server/errors";
import { describeIssue, parseSftRecord, type SftMessage, type SftRecord } from "./sft-format";
import { paperLogToSftRecord } from "./sft-format-paper";

export type SftImportFormat = "openai" | "paper" | "distillery";
export type SftImport = { records: SftRecord[]; formats: SftImportFormat[]; skipped: number };

type Entry = { value: unknown; where: string };

export function readSftFile(file: string): SftImport {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch {
    throw new InputError(`${file}: cannot read file`);
  }
  return parseSftText(text, file);
}

/** Parse a whole file's text (JSON lines, or one JSON document holding a log or a list of logs). */
export function parseSftText(text: string, file: string): SftImport {
  const records: SftRecord[] = [];
  const formats = new Set<SftImportFormat>();
  let skipped = 0;
  for (const entry of entries(text, file)) {
    const format = detectFormat(entry);
    formats.add(format);
    const record = convert(format, entry);
    if (record === null) skipped++;
    else records.push(record);
  }
  if (records.length === 0) throw new InputError(`${file}: no importable records${skipped ? ` (${skipped} empty logs)` : ""}`);
  return { records, formats: [...formats], skipped };
}

function entries(text: string, file: string): Entry[] {
  const trimmed = text.trim();
  if (trimmed.startsWith("[")) {
    // A JSON array of logs (how some of the paper's result files are saved).
    const value = parseJson(trimmed, `${file}`);
    if (!Array.isArray(value)) throw new InputError(`${file}: expected a JSON array`);
    return value.map((v, i) => ({ value: v, where: `${file}: item ${i}` }));
  }
  const lines = text.split("\n");
  const first = lines.findIndex((l) => l.trim() !== "");
  if (first >= 0 && !parsesAlone(lines[first] ?? "")) {
    // Not JSON lines: one pretty-printed JSON document (e.g. a single paper log)?
    if (parsesAlone(trimmed)) return [{ value: JSON.parse(trimmed), where: file }];
  }
  const out: Entry[] = [];
  lines.forEach((line, i) => {
    if (line.trim() !== "") out.push({ value: parseJson(line, `${file}:${i + 1}`), where: `${file}:${i + 1}` });
  });
  return out;
}

function parsesAlone(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

function parseJson(text: string, where: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new InputError(`${where}: not valid JSON (${(err as Error).message})`);
  }
}

function detectFormat({ value, where }: Entry): SftImportFormat {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new InputError(`${where}: expected a JSON object`);
  }
  if ("log_data" in value) return "paper";
  const messages = (value as { messages?: unknown }).messages;
  if (!Array.isArray(messages)) throw new InputError(`${where}: expected "messages" (or the paper's "log_data")`);
  const ours = messages.length > 0 && messages.every((m) => typeof m === "object" && m !== null && "trainable" in m);
  return ours ? "distillery" : "openai";
}

function convert(format: SftImportFormat, { value, where }: Entry): SftRecord | null {
  if (format === "distillery") return parseSftRecord(value, where);
  if (format === "paper") return paperLogToSftRecord(value, where);
  return openAiToSftRecord(value, where);
}

const openAiPart = z.object({ type: z.string(), text: z.string().optional() });
const openAiMessage = z.object({
  role: z.enum(["system", "developer", "user", "assistant", "tool"]),
  content: z.union([z.string(), z.array(openAiPart), z.null()]).optional(),
  // OpenAI fine-tuning files may mark assistant turns `weight: 0` (not trained).
  weight: z.union([z.literal(0), z.literal(1)]).optional(),
});
const openAiRecord = z.object({ messages: z.array(openAiMessage), id: z.union([z.string(), z.number()]).optional() });

/** OpenAI chat-messages JSONL: {"messages":[{role, content}]}; `tool` turns become observations. */
export function openAiToSftRecord(value: unknown, where: string): SftRecord {
  const parsed = openAiRecord.safeParse(value);
  if (!parsed.success) throw new InputError(`${where}: ${describeIssue(parsed.error)}`);
  const messages: SftMessage[] = parsed.data.messages.map((m, i) => {
    const content = typeof m.content === "string" ? m.content : (m.content ?? []).map((p) => p.text ?? "").join("");
    if (m.role === "assistant" && content === "") {
      throw new InputError(`${where}: messages[${i}] is an assistant message without text (tool_calls only?)`);
    }
    const role = m.role === "developer" ? "system" : m.role === "tool" ? "user" : m.role;
    return { role, content, trainable: role === "assistant" && m.weight !== 0 };
  });
  if (!messages.some((m) => m.trainable)) throw new InputError(`${where}: no trainable assistant message`);
  const record: SftRecord = { messages };
  if (parsed.data.id !== undefined) record.id = String(parsed.data.id);
  return record;
}
