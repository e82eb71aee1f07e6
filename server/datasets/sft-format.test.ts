// SFT formats: trajectory → export record, our export round trip, OpenAI chat JSONL and the
// paper's smolagents logs, and malformed input naming file and line. Pure functions; the only
// file I/O is readSftFile on a temp file.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { InputError } from "@/server/errors";
import { formatSftJsonl, trajectoryToSftRecord, type SftRecord } from "./sft-format";
import { parseSftText, readSftFile } from "./sft-format-import";
import { codeTurn } from "./sft-format-paper";

const AGENT = [
  { role: "system", content: "You are a CodeAct agent." },
  { role: "user", content: "Task: What is 2 + 2?" },
  { role: "assistant", content: "Thought: add.\nCode:\n```py\nprint(2 + 2)\n```<end_code>" },
  { role: "user", content: "Observation:\n4" },
  { role: "assistant", content: "Thought: done.\nCode:\n```py\nfinal_answer(4)\n```<end_code>" },
];

const dir = mkdtempSync(join(tmpdir(), "distillery-sft-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const jsonl = (...values: unknown[]) => values.map((v) => JSON.stringify(v)).join("\n") + "\n";
const trainable = (r: SftRecord) => r.messages.map((m) => m.trainable);

describe("trajectoryToSftRecord", () => {
  it("trains assistant turns only; system, task and observations are masked", () => {
    const record = trajectoryToSftRecord(AGENT, { id: "42", meta: { runId: 1 } });
    expect(record.id).toBe("42");
    expect(record.meta).toEqual({ runId: 1 });
    expect(record.messages.map((m) => m.role)).toEqual(["system", "user", "assistant", "user", "assistant"]);
    expect(trainable(record)).toEqual([false, false, true, false, true]);
    expect(record.messages[3]?.content).toBe("Observation:\n4");
  });

  it("exports a CoT trajectory as its one trainable answer turn", () => {
    const record = trajectoryToSftRecord(AGENT.slice(0, 3));
    expect(trainable(record)).toEqual([false, false, true]);
  });

  it("swaps in the student's short system prompt, without touching the stored messages", () => {
    const stored = structuredClone(AGENT);
    expect(trajectoryToSftRecord(stored, { systemPrompt: "Short." }).messages[0]?.content).toBe("Short.");
    expect(stored[0]?.content).toBe("You are a CodeAct agent.");
    expect(trajectoryToSftRecord(AGENT.slice(1), { systemPrompt: "Short." }).messages[0]).toEqual({
      role: "system",
      content: "Short.",
      trainable: false,
    });
  });

  it("rejects malformed stored messages and trajectories with nothing to train", () => {
    expect(() => trajectoryToSftRecord([{ role: "tool", content: "x" }], { id: "7" })).toThrow(/^trajectory 7: messages\[0\]\.role/);
    expect(() => trajectoryToSftRecord(AGENT.slice(0, 2), { id: "8" })).toThrow(InputError);
    expect(() => trajectoryToSftRecord(null)).toThrow(/trajectory: messages/);
  });
});

describe("our export", () => {
  it("round-trips: export → import → identical records", () => {
    const records = [
      trajectoryToSftRecord(AGENT, { id: "1", meta: { correct: true, nested: { a: [1, 2] } } }),
      trajectoryToSftRecord(AGENT.slice(0, 3)),
    ];
    const text = formatSftJsonl(records);
    const imported = parseSftText(text, "export.jsonl");
    expect(imported).toEqual({ records, formats: ["distillery"], skipped: 0 });
    expect(formatSftJsonl(imported.records)).toBe(text);
  });

  it("refuses a trainable observation, naming file and line", () => {
    const good = trajectoryToSftRecord(AGENT);
    const bad = structuredClone(good);
    bad.messages[3]!.trainable = true;
    expect(() => parseSftText(jsonl(good, bad), "d.jsonl")).toThrow(
      "d.jsonl:2: messages[3].trainable: only assistant messages may be trainable",
    );
  });
});

describe("OpenAI chat-messages JSONL", () => {
  it("imports messages, tool turns as observations, and weight-0 turns as masked", () => {
    const line = {
      id: 3,
      messages: [
        { role: "developer", content: "Be brief." },
        { role: "user", content: [{ type: "text", text: "Hi" }] },
        { role: "assistant", content: "Let me check.", weight: 0 },
        { role: "tool", content: "result: 5" },
        { role: "assistant", content: "It is 5." },
      ],
    };
    const { records, formats } = parseSftText(jsonl(line), "chat.jsonl");
    expect(formats).toEqual(["openai"]);
    expect(records[0]).toEqual({
      id: "3",
      messages: [
        { role: "system", content: "Be brief.", trainable: false },
        { role: "user", content: "Hi", trainable: false },
        { role: "assistant", content: "Let me check.", trainable: false },
        { role: "user", content: "result: 5", trainable: false },
        { role: "assistant", content: "It is 5.", trainable: true },
      ],
    });
  });

  it("names the line of a malformed record", () => {
    const text = jsonl({ messages: AGENT }) + '{"messages": [{"role": "robot", "content": "x"}]}\n';
    expect(() => parseSftText(text, "chat.jsonl")).toThrow(/^chat\.jsonl:2: messages\[0\]\.role/);
    expect(() => parseSftText(jsonl({ messages: AGENT }) + "\n{oops\n", "chat.jsonl")).toThrow(/^chat\.jsonl:3: not valid JSON/);
    expect(() => parseSftText(jsonl({ text: "x" }), "chat.jsonl")).toThrow(/^chat\.jsonl:1: expected "messages"/);
  });
});

// Shaped like the paper's smolagents logs: enum role spellings, list content, "Calling tools"
// turns repeating the code, "Call id" observations, and a closing user turn.
const paperLog = {
  question: "What is 2 + 2?",
  true_answer: "4",
  score: 1,
  log_data: {
    messages: [
      { role: "MessageRole.SYSTEM", content: [{ type: "text", text: "You are an expert assistant." }] },
      { role: "MessageRole.USER", content: [{ type: "text", text: "New task:\nWhat is 2 + 2?" }] },
      { role: "MessageRole.ASSISTANT", content: [{ type: "text", text: "Thought: add.\nCode:\n```py\nprint(2 + 2)\n```<end_code>" }] },
      {
        role: "MessageRole.TOOL_CALL",
        content: [
          {
            type: "text",
            text: "Calling tools:\n[{'id': 'call_1', 'type': 'function', 'function': {'name': 'python_interpreter', 'arguments': 'print(2 + 2)'}}]",
          },
        ],
      },
      { role: "MessageRole.TOOL_RESPONSE", content: [{ type: "text", text: "Call id: call_1\nObservation:\nExecution logs:\n4\n" }] },
      { role: "assistant", content: "Thought: done.\nCode:\n```py\nfinal_answer(4)\n```<end_code>" },
      {
        role: "tool-call",
        content:
          "Calling tools:\n[{'id': 'call_2', 'type': 'function', 'function': {'name': 'python_interpreter', 'arguments': 'final_answer(4)'}}]",
      },
      { role: "tool-response", content: "Call id: call_2\nObservation:\nLast output from code snippet:\n4" },
    ],
  },
};

describe("the paper's trajectory logs", () => {
  it("maps tool-call/tool-response to our turns and keeps the other fields as meta", () => {
    const { records, formats, skipped } = parseSftText(jsonl(paperLog, { question: "x", log_data: null }), "logs.jsonl");
    expect(formats).toEqual(["paper"]);
    expect(skipped).toBe(1);
    expect(records).toHaveLength(1);
    const record = records[0]!;
    expect(record.messages).toEqual([
      { role: "system", content: "You are an expert assistant.", trainable: false },
      { role: "user", content: "New task:\nWhat is 2 + 2?", trainable: false },
      { role: "assistant", content: "Thought: add.\nCode:\n```py\nprint(2 + 2)\n```<end_code>", trainable: true },
      { role: "user", content: "Observation:\nExecution logs:\n4\n", trainable: false },
      { role: "assistant", content: "Thought: done.\nCode:\n```py\nfinal_answer(4)\n```<end_code>", trainable: true },
    ]);
    expect(record.meta).toEqual({ source: "agent-distillation", question: "What is 2 + 2?", true_answer: "4", score: 1 });
  });

  it("turns a tool-call with no assistant text before it into a code turn", () => {
    const log = {
      log_data: {
        messages: [
          { role: "user", content: "Task" },
          {
            role: "tool-call",
            content: "Calling tools:\n[{'id': 'c', 'function': {'name': 'python_interpreter', 'arguments': 'x = \\'a\\'\\nprint(x)'}}]",
          },
          { role: "tool-response", content: "Observation:\na" },
          { role: "assistant", content: "Thought: done." },
        ],
      },
    };
    const record = parseSftText(JSON.stringify(log, null, 2), "one.json").records[0]!;
    expect(record.messages[1]).toEqual({ role: "assistant", content: "Code:\n```py\nx = 'a'\nprint(x)\n```<end_code>", trainable: true });
    expect(codeTurn("no arguments here")).toBe("Code:\n```py\nno arguments here\n```<end_code>");
  });

  it("reads a JSON array of logs", () => {
    const { records } = parseSftText(JSON.stringify([paperLog, paperLog]), "logs.json");
    expect(records).toHaveLength(2);
  });

  it("names the line and message of a bad log", () => {
    const bad = { log_data: { messages: [{ role: "observer", content: "x" }] } };
    expect(() => parseSftText(jsonl(paperLog, bad), "logs.jsonl")).toThrow(
      'logs.jsonl:2: log_data.messages[0].role: unknown role "observer"',
    );
    const image = { log_data: { messages: [{ role: "user", content: [{ type: "image" }] }] } };
    expect(() => parseSftText(jsonl(image), "logs.jsonl")).toThrow(/^logs\.jsonl:1: log_data\.messages\[0\]\.content\[0\]/);
  });
});

describe("readSftFile", () => {
  it("reads from disk and is all-or-nothing", () => {
    const file = join(dir, "mixed.jsonl");
    writeFileSync(file, jsonl(trajectoryToSftRecord(AGENT), { messages: AGENT }));
    expect(readSftFile(file).formats).toEqual(["distillery", "openai"]);
    writeFileSync(file, jsonl(trajectoryToSftRecord(AGENT)) + "not json\n");
    expect(() => readSftFile(file)).toThrow(`${file}:2: not valid JSON`);
    expect(() => readSftFile(join(dir, "missing.jsonl"))).toThrow(/missing\.jsonl: cannot read file/);
    writeFileSync(file, "\n\n");
    expect(() => readSftFile(file)).toThrow(/no importable records/);
  });
});
