// The paper's public trajectory logs (Kang et al., github.com/Nardien/agent-distillation): one
// JSON object per question, `{…, "log_data": {"messages": [...]} | null}`, messages from
// smolagents memory with roles system|user|assistant|tool-call|tool-response (or the
// "MessageRole.X" spellings) and content either a string or [{type: "text", text}].
//
// Conversion, following the paper's own SFT preprocessing where it is known:
// - `tool-call` repeats the code of the assistant turn just before it ("Calling tools: [...]");
//   there it is dropped, as the paper's preprocessing does. A tool-call with no assistant text
//   before it becomes an assistant turn holding its code as a ```py block.
// - `tool-response` becomes a user observation turn; a leading "Call id: …" line is removed
//   (it refers to tool-call ids that no longer exist), leaving our "Observation:\n…" shape.
// - adjacent turns with the same role are merged (newline-joined); trailing user turns dropped.
// - `log_data: null` (a failed question) is skipped and counted, not an error.
import { InputError } from "@/server/errors";
import type { SftMessage, SftRecord, SftRole } from "./sft-format";

const ROLE_ALIASES: Record<string, string> = {
  "MessageRole.SYSTEM": "system",
  "MessageRole.USER": "user",
  "MessageRole.ASSISTANT": "assistant",
  "MessageRole.TOOL_CALL": "tool-call",
  "MessageRole.TOOL_RESPONSE": "tool-response",
};
const PAPER_ROLES = new Set(["system", "user", "assistant", "tool-call", "tool-response"]);

export function paperLogToSftRecord(value: unknown, where: string): SftRecord | null {
  const entry = value as { log_data?: unknown };
  if (entry.log_data === null || entry.log_data === undefined) return null;
  const raw = (entry.log_data as { messages?: unknown }).messages;
  if (!Array.isArray(raw)) throw new InputError(`${where}: log_data.messages must be an array`);

  const turns: { role: SftRole; content: string }[] = [];
  raw.forEach((message, i) => {
    const at = `${where}: log_data.messages[${i}]`;
    if (typeof message !== "object" || message === null) throw new InputError(`${at} is not an object`);
    const m = message as { role?: unknown; content?: unknown };
    const role = ROLE_ALIASES[String(m.role)] ?? String(m.role);
    if (!PAPER_ROLES.has(role)) throw new InputError(`${at}.role: unknown role ${JSON.stringify(m.role)}`);
    const text = contentText(m.content, at);
    if (role === "tool-call") {
      if (turns.at(-1)?.role !== "assistant") turns.push({ role: "assistant", content: codeTurn(text) });
      return;
    }
    if (role === "tool-response") return push(turns, "user", text.replace(/^Call id: [^\n]*\n/, ""));
    push(turns, role as SftRole, text);
  });
  while (turns.at(-1)?.role === "user") turns.pop();
  const messages: SftMessage[] = turns.map((t) => ({ ...t, trainable: t.role === "assistant" }));
  if (!messages.some((m) => m.trainable)) throw new InputError(`${where}: no assistant message in log_data.messages`);

  const { log_data: _dropped, ...rest } = value as Record<string, unknown>;
  const record: SftRecord = { messages };
  const id = rest.id ?? rest.question_id;
  if (typeof id === "string" || typeof id === "number") record.id = String(id);
  record.meta = { source: "agent-distillation", ...rest };
  return record;
}

function push(turns: { role: SftRole; content: string }[], role: SftRole, content: string) {
  const last = turns.at(-1);
  if (last?.role === role) last.content = `${last.content}\n${content}`;
  else turns.push({ role, content });
}

function contentText(content: unknown, at: string): string {
  if (typeof content === "string") return content;
  if (Array.isArray(content)) {
    return content
      .map((part, j) => {
        const p = part as { type?: unknown; text?: unknown };
        if (p?.type === "text" && typeof p.text === "string") return p.text;
        throw new InputError(`${at}.content[${j}]: only text parts can be imported (got ${JSON.stringify(p?.type)})`);
      })
      .join("");
  }
  throw new InputError(`${at}.content must be a string or a list of text parts`);
}

/** The code from a smolagents "Calling tools: [{... 'arguments': '<python str>'}]" text. */
export function codeTurn(toolCall: string): string {
  const match = /'arguments':\s*(?:'((?:[^'\\]|\\.)*)'|"((?:[^"\\]|\\.)*)")/s.exec(toolCall);
  const literal = match?.[1] ?? match?.[2];
  const code = literal === undefined ? toolCall.trim() : unescapePython(literal);
  return `Code:\n\`\`\`py\n${code}\n\`\`\`<end_code>`;
}

function unescapePython(literal: string): string {
  const map: Record<string, string> = { n: "\n", t: "\t", r: "\r", "'": "'", '"': '"', "\\": "\\" };
  return literal.replace(/\\(.)/gs, (all, ch: string) => map[ch] ?? all);
}
