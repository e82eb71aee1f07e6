// The chat-completions contract every model is reached through (OpenAI's API plus the vLLM
// extensions n, stop, seed, continue_final_message, add_generation_prompt), in camelCase.

export type ChatRole = "system" | "user" | "assistant" | "tool";
export type ChatMessage = { role: ChatRole; content: string };

export type ChatRequest = {
  messages: ChatMessage[];
  /** Samples sharing one prompt (1–16 on the embedded server). */
  n?: number;
  temperature?: number;
  topP?: number;
  maxTokens?: number;
  /** The stop string is not part of the returned text; finishReason is "stop". */
  stop?: string[];
  /** Same request and seed → same output. */
  seed?: number;
  /** Continue the last assistant message instead of starting a new one (FTP). Implies
   *  addGenerationPrompt=false unless that is given. */
  continueFinalMessage?: boolean;
  addGenerationPrompt?: boolean;
  logprobs?: boolean;
  /** Overrides the client's model for this request (e.g. "base:adapter"). */
  model?: string;
  signal?: AbortSignal;
  /** Overrides the client's per-attempt timeout. */
  timeoutMs?: number;
};

export type ChatChoice = {
  index: number;
  text: string;
  finishReason: string | null;
  /** The stop string that ended the choice, where the server says (vLLM and the embedded one do). */
  stopReason: string | null;
  /** Mean log-probability of the generated tokens; null unless logprobs were requested. */
  meanLogprob: number | null;
  tokenLogprobs: number[] | null;
};

export type ChatUsage = { promptTokens: number; completionTokens: number; totalTokens: number };

export type ChatResponse = {
  id: string;
  model: string;
  choices: ChatChoice[];
  usage: ChatUsage;
  latencyMs: number;
};

/** Anything that answers chat requests: the HTTP client, or a test double. */
export interface ChatModel {
  chat(request: ChatRequest): Promise<ChatResponse>;
}

export type ChatClientOptions = {
  /** e.g. http://127.0.0.1:8400/v1 (the part before /chat/completions). */
  baseUrl: string;
  model: string;
  apiKey?: string;
  /** Per attempt; default 600 s (a long CPU generation is slow, not dead). */
  timeoutMs?: number;
  /** Extra attempts after a connection failure, a timeout, 429 or 5xx; default 3. */
  retries?: number;
  /** First backoff delay; doubles each retry; default 500 ms. */
  backoffMs?: number;
};
