// Plain chain-of-thought answers: the CoT-distillation baseline (`cot`), CoT over retrieved
// passages (`cot-rag`), and the first-thought prefix (FTP) that seeds a teacher's agent run.
import { prompt } from "./prompts";
import type { ChatModel, EpisodeResult } from "./types";

export type CotConfig = { temperature: number; topP: number; maxTokens: number; seed: number };

/**
 * The first thought of a CoT answer (the FTP): its first paragraph (text up to the first blank
 * line), cut before the line that states the answer. A CoT without blank lines, one line per step as
 * small models write it, is all one "paragraph": its first line is the thought. The agent must
 * receive a plan, not the solution: given the whole CoT down to `\boxed{…}` the teacher has nothing
 * left to do, writes no code and fails on parse errors. An empty result means no prefix.
 */
export function firstThought(text: string): string {
  const body = text
    .replace(/\r\n/g, "\n")
    .trim()
    .replace(/^Thought:\s*/i, "");
  const paragraph = body.split(/\n\s*\n/)[0]!.trim();
  const lines = paragraph.split("\n");
  const thought = paragraph === body && lines.length > 1 ? lines.slice(0, 1) : lines;
  const answerAt = thought.findIndex((line) => STATES_ANSWER.test(line));
  return (answerAt < 0 ? thought : thought.slice(0, answerAt)).join("\n").trim();
}

const STATES_ANSWER = /\\boxed\{|final answer/i;

/** The answer of a CoT text: the last \boxed{…} (nested braces allowed), else an "answer is" line. */
export function extractCotAnswer(text: string): string | null {
  const boxed = lastBoxed(text);
  if (boxed !== null) return boxed.trim();
  const line = /(?:final answer|answer)\s*(?:is|:)\s*(.+?)\s*$/im.exec(text.trim().split("\n").slice(-3).join("\n"));
  return line
    ? line[1]!
        .replace(/[.。]$/, "")
        .replace(/^\*\*|\*\*$/g, "")
        .trim()
    : null;
}

function lastBoxed(text: string): string | null {
  const start = text.lastIndexOf("\\boxed{");
  if (start < 0) return null;
  let depth = 0;
  for (let i = start + "\\boxed{".length - 1; i < text.length; i++) {
    if (text[i] === "{") depth++;
    else if (text[i] === "}" && --depth === 0) return text.slice(start + "\\boxed{".length, i);
  }
  return null;
}

export async function askCot(model: ChatModel, question: string, config: CotConfig, passages?: string, signal?: AbortSignal) {
  const system = passages === undefined ? prompt("cot") : prompt("cot-rag", { passages });
  const started = Date.now();
  const response = await model.chat({
    messages: [
      { role: "system", content: system },
      { role: "user", content: question },
    ],
    temperature: config.temperature,
    topP: config.topP,
    maxTokens: config.maxTokens,
    seed: config.seed,
    signal,
  });
  return { text: response.choices[0]?.text ?? "", usage: response.usage, latencyMs: Date.now() - started, system };
}

export async function firstThoughtPrefix(model: ChatModel, question: string, config: CotConfig, signal?: AbortSignal) {
  const cot = await askCot(model, question, config, undefined, signal);
  return { prefix: firstThought(cot.text) || null, usage: cot.usage };
}

/** A CoT answer as a one-step trajectory (no code), so CoT runs are browsed and exported alike. */
export async function runCotEpisode(
  model: ChatModel,
  question: string,
  config: CotConfig,
  passages?: string,
  signal?: AbortSignal,
): Promise<EpisodeResult> {
  const cot = await askCot(model, question, config, passages, signal);
  const finalAnswer = extractCotAnswer(cot.text);
  return {
    status: finalAnswer === null ? "error" : "finished",
    finalAnswer,
    ftpPrefix: null,
    steps: [
      {
        idx: 0,
        thought: cot.text,
        code: null,
        observation: "",
        errorKind: finalAnswer === null ? "parse" : null,
        errorText: finalAnswer === null ? "no \\boxed{} answer found in the reply" : null,
        toolCalls: passages === undefined ? [] : [{ name: "retrieve", args: [question], candidate: null }],
        forcedFinal: false,
        tokensIn: cot.usage.promptTokens,
        tokensOut: cot.usage.completionTokens,
        latencyMs: cot.latencyMs,
        chosenCandidate: null,
        candidates: [],
        finalAnswer,
      },
    ],
    messages: [
      { role: "system", content: cot.system },
      { role: "user", content: question },
      { role: "assistant", content: cot.text },
    ],
    tokensIn: cot.usage.promptTokens,
    tokensOut: cot.usage.completionTokens,
    latencyMs: cot.latencyMs,
    retrievalCalls: passages === undefined ? 0 : 1,
    error: finalAnswer === null ? "no answer found in the CoT reply" : null,
  };
}
