// OpenAI-compatible chat client: one class of backend for every model (vLLM, the embedded
// worker server, any hosted API). Timeouts per attempt; retries with exponential backoff on
// connection failures, timeouts, 429 and 5xx; 4xx errors fail at once with the server's message,
// summarised (one redacted line: a remote server's reply is not echoed at length). An API key is
// sent as `Authorization: Bearer` (server/endpoints/secrets.ts says where keys come from).
import { Agent, fetch } from "undici";
import { summariseRemoteError } from "@/server/endpoints/redact";
import { withoutUrlCredentials } from "@/server/endpoints/url";
import { isRetryableStatus, LlmError, LlmHttpError, LlmProtocolError, LlmTimeoutError, LlmUnreachableError, networkReason } from "./errors";
import type { ChatChoice, ChatClientOptions, ChatModel, ChatRequest, ChatResponse } from "./types";

/**
 * A CPU model can take minutes before its first byte; Node's fetch would give up after its own
 * 300 s headers timeout. Our per-attempt timeout (an AbortSignal) is the only limit.
 */
const noIdleTimeouts = new Agent({ headersTimeout: 0, bodyTimeout: 0 });

const DEFAULT_TIMEOUT_MS = 600_000;
const DEFAULT_RETRIES = 3;
const DEFAULT_BACKOFF_MS = 500;

type WireChoice = {
  index?: number;
  message?: { content?: string | null };
  finish_reason?: string | null;
  stop_reason?: string | number | null;
  logprobs?: { content?: { logprob: number }[] | null; mean_logprob?: number | null } | null;
};
type WireResponse = {
  id?: string;
  model?: string;
  choices?: WireChoice[];
  usage?: { prompt_tokens?: number; completion_tokens?: number; total_tokens?: number };
};

/** The JSON body of a request, in the wire's snake_case; undefined fields are left out. */
export function toWireRequest(model: string, request: ChatRequest): Record<string, unknown> {
  const addGenerationPrompt = request.addGenerationPrompt ?? (request.continueFinalMessage ? false : undefined);
  const body: Record<string, unknown> = {
    model: request.model ?? model,
    messages: request.messages,
    n: request.n,
    temperature: request.temperature,
    top_p: request.topP,
    max_tokens: request.maxTokens,
    stop: request.stop && request.stop.length > 0 ? request.stop : undefined,
    seed: request.seed,
    logprobs: request.logprobs,
    continue_final_message: request.continueFinalMessage,
    add_generation_prompt: addGenerationPrompt,
  };
  return Object.fromEntries(Object.entries(body).filter(([, v]) => v !== undefined));
}

function toChoice(wire: WireChoice, position: number): ChatChoice {
  const tokens = wire.logprobs?.content?.map((t) => t.logprob) ?? null;
  const mean = wire.logprobs?.mean_logprob ?? (tokens && tokens.length > 0 ? tokens.reduce((a, b) => a + b, 0) / tokens.length : null);
  return {
    index: wire.index ?? position,
    text: wire.message?.content ?? "",
    finishReason: wire.finish_reason ?? null,
    stopReason: typeof wire.stop_reason === "string" ? wire.stop_reason : null,
    meanLogprob: mean,
    tokenLogprobs: tokens,
  };
}

export function fromWireResponse(wire: WireResponse, url: string, latencyMs: number): ChatResponse {
  if (!Array.isArray(wire.choices) || wire.choices.length === 0) {
    throw new LlmProtocolError(`model endpoint ${url} returned no choices`, url);
  }
  const choices = wire.choices.map(toChoice).sort((a, b) => a.index - b.index);
  const promptTokens = wire.usage?.prompt_tokens ?? 0;
  const completionTokens = wire.usage?.completion_tokens ?? 0;
  return {
    id: wire.id ?? "",
    model: wire.model ?? "",
    choices,
    usage: { promptTokens, completionTokens, totalTokens: wire.usage?.total_tokens ?? promptTokens + completionTokens },
    latencyMs,
  };
}

async function errorFromResponse(response: Response, url: string): Promise<LlmHttpError> {
  const text = await response.text().catch(() => "");
  let message = text.slice(0, 500) || response.statusText;
  let param: string | null = null;
  let code: string | null = null;
  try {
    const body = JSON.parse(text) as { error?: { message?: string; param?: string | null; code?: string | null } | string };
    if (typeof body.error === "string") message = body.error;
    else if (body.error?.message) {
      message = body.error.message;
      param = body.error.param ?? null;
      code = body.error.code ?? null;
    }
  } catch {
    // not JSON: keep the raw text
  }
  return new LlmHttpError(
    `model endpoint ${url} answered ${response.status}: ${summariseRemoteError(message)}`,
    url,
    response.status,
    param,
    code,
  );
}

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener("abort", () => (clearTimeout(timer), reject(signal.reason)), { once: true });
  });

export class ChatClient implements ChatModel {
  readonly baseUrl: string;
  readonly model: string;
  private readonly options: Required<Omit<ChatClientOptions, "apiKey">> & { apiKey?: string };

  constructor(options: ChatClientOptions) {
    // Credentials belong in apiKey, never in the URL (which appears in every error message).
    this.baseUrl = withoutUrlCredentials(options.baseUrl).replace(/\/+$/, "");
    this.model = options.model;
    this.options = {
      ...options,
      timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
      retries: options.retries ?? DEFAULT_RETRIES,
      backoffMs: options.backoffMs ?? DEFAULT_BACKOFF_MS,
    };
  }

  async chat(request: ChatRequest): Promise<ChatResponse> {
    const url = `${this.baseUrl}/chat/completions`;
    const body = JSON.stringify(toWireRequest(this.model, request));
    const started = Date.now();
    const wire = (await this.send(url, { method: "POST", body }, request)) as WireResponse;
    return fromWireResponse(wire, url, Date.now() - started);
  }

  /** The model ids the endpoint serves (GET /models). */
  async listModels(signal?: AbortSignal): Promise<string[]> {
    const url = `${this.baseUrl}/models`;
    const wire = (await this.send(url, { method: "GET" }, { signal })) as { data?: { id: string }[] };
    return (wire.data ?? []).map((m) => m.id);
  }

  private async send(
    url: string,
    init: { method: string; body?: string },
    request: { signal?: AbortSignal; timeoutMs?: number },
  ): Promise<unknown> {
    const headers: Record<string, string> = { "content-type": "application/json" };
    if (this.options.apiKey) headers.authorization = `Bearer ${this.options.apiKey}`;
    const timeoutMs = request.timeoutMs ?? this.options.timeoutMs;
    let lastError: LlmError | null = null;
    for (let attempt = 0; attempt <= this.options.retries; attempt++) {
      if (attempt > 0) await sleep(this.options.backoffMs * 2 ** (attempt - 1), request.signal);
      request.signal?.throwIfAborted();
      const timeout = AbortSignal.timeout(timeoutMs);
      const signal = request.signal ? AbortSignal.any([request.signal, timeout]) : timeout;
      let response: Response;
      try {
        response = (await fetch(url, { ...init, headers, signal, dispatcher: noIdleTimeouts })) as unknown as Response;
      } catch (err) {
        if (request.signal?.aborted) throw request.signal.reason;
        lastError = timeout.aborted
          ? new LlmTimeoutError(`model endpoint ${url} did not answer within ${timeoutMs / 1000} s`, url)
          : new LlmUnreachableError(
              `cannot reach the model endpoint ${url} (${networkReason(err)}); is the model server running? ` +
                "Start the embedded one with `npx distillery serve-model`, or check the endpoint URL",
              url,
            );
        continue;
      }
      if (response.ok) {
        try {
          return await response.json();
        } catch {
          throw new LlmProtocolError(`model endpoint ${url} answered with a body that is not JSON`, url);
        }
      }
      lastError = await errorFromResponse(response, url);
      if (!isRetryableStatus(response.status)) break;
    }
    throw lastError ?? new LlmError(`request to ${url} failed`, url);
  }
}

/** A client bound to one endpoint and model. */
export function createChatClient(options: ChatClientOptions): ChatClient {
  return new ChatClient(options);
}
