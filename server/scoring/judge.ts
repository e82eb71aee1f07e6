// Optional LLM judge for factual answers (the paper judges its QA sets this way): any
// OpenAI-compatible model, temperature 0, the prompt in judge-prompt.md beside this file. The
// verdict, the judge's explanation and its raw reply are all kept for the trajectory's record.
import { readFileSync } from "node:fs";
import type { ChatModel } from "@/server/llm/types";
import { repoPath } from "@/server/worker/root";

export type JudgeVerdict = "correct" | "incorrect" | "unparsed";

export type JudgeResult = {
  verdict: JudgeVerdict;
  correct: boolean;
  explanation: string;
  raw: string;
  model: string;
};

export type JudgeInput = { question: string; gold: string | readonly string[]; prediction: string | null };

/** The prompt file; resolved from the repo root like every other runtime path. */
export function judgePromptPath(): string {
  return repoPath("server", "scoring", "judge-prompt.md");
}

let cachedTemplate: string | null = null;

export function renderJudgePrompt(input: JudgeInput, template?: string): string {
  const text = template ?? (cachedTemplate ??= readFileSync(judgePromptPath(), "utf8"));
  const gold = typeof input.gold === "string" ? input.gold : input.gold.join(" | ");
  const values: Record<string, string> = {
    question: input.question.trim(),
    gold: gold.trim(),
    prediction: (input.prediction ?? "").trim() || "(no answer)",
  };
  // One pass, so a placeholder-like string inside an answer is never substituted again.
  return text.replace(/\{\{(question|gold|prediction)\}\}/g, (_m, key: string) => values[key]!);
}

/** Read the verdict from the judge's reply: the JSON object it was asked for, else a
 *  "verdict: ..." line, else the reply is kept as unparsed (which counts as incorrect). */
export function parseVerdict(raw: string): { verdict: JudgeVerdict; explanation: string } {
  for (const match of raw.matchAll(/\{[^{}]*\}/g)) {
    try {
      const obj = JSON.parse(match[0]) as { verdict?: unknown; explanation?: unknown };
      const verdict = String(obj.verdict ?? "")
        .toLowerCase()
        .trim();
      if (verdict === "correct" || verdict === "incorrect") {
        return { verdict, explanation: typeof obj.explanation === "string" ? obj.explanation : "" };
      }
    } catch {
      // not JSON; try the next object or the line form
    }
  }
  const line = raw.match(/verdict\W{0,4}\s*(incorrect|correct)\b/i);
  if (line) return { verdict: line[1]!.toLowerCase() as JudgeVerdict, explanation: raw.trim() };
  return { verdict: "unparsed", explanation: raw.trim() };
}

export async function judgeAnswer(
  input: JudgeInput,
  judge: ChatModel,
  opts: { modelName?: string; signal?: AbortSignal } = {},
): Promise<JudgeResult> {
  const reply = await judge.chat({
    messages: [{ role: "user", content: renderJudgePrompt(input) }],
    temperature: 0,
    maxTokens: 256,
    seed: 0,
    signal: opts.signal,
  });
  const raw = reply.choices[0]?.text ?? "";
  const { verdict, explanation } = parseVerdict(raw);
  return { verdict, correct: verdict === "correct", explanation, raw, model: opts.modelName ?? reply.model };
}
