// One CodeAct episode: the model alternates Thought + code and observations until it calls
// final_answer or runs out of steps. After max steps it is asked once more for a final answer;
// that forced step is recorded as such and the trajectory stays "max_steps", never "finished".
import type { ToolHandler } from "@/server/tools/sandbox/session";
import { prompt } from "./prompts";
import { runStep } from "./step";
import type { ChatChoice, ChatMessage, ChatModel, CodeSession, EpisodeResult, StepRecord } from "./types";

export const STOP_SEQUENCES = ["<end_code>", "Observation:", "Calling tools:"];

export type EpisodeConfig = {
  role: "teacher" | "student";
  maxSteps: number;
  /** Candidates per step: 1 = plain decoding, > 1 = SAG. */
  candidates: number;
  temperature: number;
  topP: number;
  maxTokens: number;
  seed: number;
};

export type EpisodeInput = {
  question: string;
  model: ChatModel;
  session: CodeSession;
  tools: ToolHandler;
  config: EpisodeConfig;
  /** First-thought prefix: the first assistant turn starts with "Thought: <prefix>". */
  ftpPrefix?: string | null;
  /** Assistant turns of a teacher's trajectory to replay before the model acts: each runs in the
   *  sandbox as if the model had written it and is recorded as a replayed step (on-policy
   *  distillation starts the student from states the teacher reached). */
  replay?: string[];
  signal?: AbortSignal;
};

export async function runEpisode(input: EpisodeInput): Promise<EpisodeResult> {
  const { config } = input;
  const started = Date.now();
  const messages: ChatMessage[] = [
    { role: "system", content: prompt(input.config.role, { max_steps: config.maxSteps }) },
    { role: "user", content: `Task: ${input.question}` },
  ];
  const steps: StepRecord[] = [];
  let finalAnswer: string | null = null;

  for (let idx = 0; idx <= config.maxSteps && finalAnswer === null; idx++) {
    input.signal?.throwIfAborted();
    const forcedFinal = idx === config.maxSteps;
    if (forcedFinal) appendToLastUser(messages, prompt("force-final", { max_steps: config.maxSteps }));
    const replayed = input.replay?.[idx];
    const prefix = idx === 0 && input.ftpPrefix && replayed === undefined ? `Thought: ${input.ftpPrefix}` : "";
    const requestStarted = Date.now();
    const response =
      replayed !== undefined
        ? replayResponse(replayed)
        : await input.model.chat({
            messages: prefix ? [...messages, { role: "assistant", content: prefix }] : messages,
            continueFinalMessage: Boolean(prefix),
            n: forcedFinal ? 1 : config.candidates,
            temperature: config.temperature,
            topP: config.topP,
            maxTokens: config.maxTokens,
            stop: STOP_SEQUENCES,
            seed: config.seed + idx,
            logprobs: config.candidates > 1,
            signal: input.signal,
          });
    const { step, assistantText } = await runStep({
      idx,
      choices: response.choices,
      prefix,
      session: input.session,
      tools: input.tools,
      forcedFinal,
      usage: response.usage,
      latencyMs: Date.now() - requestStarted,
    });
    if (forcedFinal && step.finalAnswer === null && step.errorKind === null) {
      step.errorKind = "max_steps";
      step.errorText = `no final_answer after ${config.maxSteps} steps and the forced final call`;
    }
    if (replayed !== undefined) step.replayed = true;
    steps.push(step);
    messages.push({ role: "assistant", content: assistantText });
    if (step.finalAnswer !== null) {
      finalAnswer = step.finalAnswer;
    } else {
      messages.push({ role: "user", content: step.observation });
    }
  }

  const forced = steps.at(-1)?.forcedFinal ?? false;
  return {
    status: finalAnswer !== null && !forced ? "finished" : "max_steps",
    finalAnswer,
    ftpPrefix: input.ftpPrefix ?? null,
    steps,
    messages,
    tokensIn: steps.reduce((a, s) => a + s.tokensIn, 0),
    tokensOut: steps.reduce((a, s) => a + s.tokensOut, 0),
    latencyMs: Date.now() - started,
    retrievalCalls: steps.reduce(
      (a, s) => a + s.toolCalls.filter((c) => c.name === "web_search" && (c.candidate ?? s.chosenCandidate) === s.chosenCandidate).length,
      0,
    ),
    error: null,
  };
}

/** A teacher's turn, answered as if the model had written it: no tokens, no latency of its own. */
function replayResponse(text: string): { choices: ChatChoice[]; usage: { promptTokens: number; completionTokens: number } } {
  const choice = { index: 0, text, finishReason: "stop", stopReason: null, meanLogprob: null, tokenLogprobs: null };
  return { choices: [choice], usage: { promptTokens: 0, completionTokens: 0 } };
}

function appendToLastUser(messages: ChatMessage[], text: string) {
  const last = messages.at(-1);
  if (last?.role === "user") last.content = `${last.content}\n\n${text}`;
  else messages.push({ role: "user", content: text });
}
