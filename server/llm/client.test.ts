// The chat client against a scripted OpenAI-compatible stub on loopback (real HTTP): request
// mapping, response parsing, retries with backoff, timeouts, and errors a user can act on.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import type { ChatModel as AgentChatModel } from "@/server/agent/types";
import { createChatClient } from "./client";
import { LlmHttpError, LlmTimeoutError, LlmUnreachableError } from "./errors";

type Handler = (body: Record<string, unknown>, res: http.ServerResponse, call: number) => void;
type Stub = { url: string; bodies: Record<string, unknown>[]; close: () => Promise<void> };

const open: Stub[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()));
});

async function stub(handler: Handler): Promise<Stub> {
  const bodies: Record<string, unknown>[] = [];
  const server = http.createServer((req, res) => {
    let raw = "";
    req.on("data", (chunk) => (raw += chunk));
    req.on("end", () => {
      const body = raw ? (JSON.parse(raw) as Record<string, unknown>) : {};
      bodies.push({ ...body, _path: req.url, _auth: req.headers.authorization });
      handler(body, res, bodies.length);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  const s: Stub = {
    url: `http://127.0.0.1:${port}/v1`,
    bodies,
    close: () => new Promise((resolve) => (server.closeAllConnections(), server.close(() => resolve()))),
  };
  open.push(s);
  return s;
}

function send(res: http.ServerResponse, status: number, body: unknown) {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify(body));
}

const completion = (texts: string[], extra: Record<string, unknown> = {}) => ({
  id: "chatcmpl-1",
  object: "chat.completion",
  model: "m",
  choices: texts.map((text, index) => ({
    index,
    message: { role: "assistant", content: text },
    finish_reason: "stop",
    stop_reason: index === 0 ? "<end_code>" : null,
    logprobs: {
      content: [
        { token: "a", logprob: -1 },
        { token: "b", logprob: -3 },
      ],
    },
    ...extra,
  })),
  usage: { prompt_tokens: 10, completion_tokens: 4, total_tokens: 14 },
});

describe("ChatClient", () => {
  it("maps the request to the wire and the completion back", async () => {
    const s = await stub((_body, res) => send(res, 200, completion(["x", "y"])));
    const client = createChatClient({ baseUrl: s.url + "/", model: "student", apiKey: "k" });
    const reply = await client.chat({
      messages: [{ role: "user", content: "hi" }],
      n: 2,
      temperature: 0.4,
      topP: 0.8,
      maxTokens: 64,
      stop: ["<end_code>"],
      seed: 42,
      logprobs: true,
    });
    const { _path, _auth, ...sent } = s.bodies[0]!;
    expect(_path).toBe("/v1/chat/completions");
    expect(_auth).toBe("Bearer k");
    expect(sent).toEqual({
      model: "student",
      messages: [{ role: "user", content: "hi" }],
      n: 2,
      temperature: 0.4,
      top_p: 0.8,
      max_tokens: 64,
      stop: ["<end_code>"],
      seed: 42,
      logprobs: true,
    });
    expect(reply.choices.map((c) => c.text)).toEqual(["x", "y"]);
    expect(reply.choices[0]).toMatchObject({ finishReason: "stop", stopReason: "<end_code>", meanLogprob: -2 });
    expect(reply.choices[0]!.tokenLogprobs).toEqual([-1, -3]);
    expect(reply.usage).toEqual({ promptTokens: 10, completionTokens: 4, totalTokens: 14 });
  });

  it("continues the final message without a generation prompt, and honours the server's mean", async () => {
    const s = await stub((_b, res) => send(res, 200, completion(["more"], { logprobs: { content: [], mean_logprob: -0.5 } })));
    const client = createChatClient({ baseUrl: s.url, model: "teacher" });
    const messages = [
      { role: "user" as const, content: "q" },
      { role: "assistant" as const, content: "Thought: first" },
    ];
    const reply = await client.chat({ messages, continueFinalMessage: true, model: "teacher:lora" });
    expect(s.bodies[0]).toMatchObject({ model: "teacher:lora", continue_final_message: true, add_generation_prompt: false });
    expect(reply.choices[0]!.meanLogprob).toBe(-0.5);
  });

  it("is usable wherever the agent expects a ChatModel", () => {
    const model: AgentChatModel = createChatClient({ baseUrl: "http://127.0.0.1:1/v1", model: "m" });
    expect(typeof model.chat).toBe("function");
  });

  it("retries 5xx and 429 with backoff, then succeeds", async () => {
    const s = await stub((_b, res, call) =>
      call === 1 ? send(res, 503, { error: { message: "busy" } }) : call === 2 ? send(res, 429, {}) : send(res, 200, completion(["ok"])),
    );
    const client = createChatClient({ baseUrl: s.url, model: "m", backoffMs: 5 });
    const reply = await client.chat({ messages: [{ role: "user", content: "hi" }] });
    expect(reply.choices[0]!.text).toBe("ok");
    expect(s.bodies).toHaveLength(3);
  });

  it("fails at once on a 400 with the server's message and param", async () => {
    const s = await stub((_b, res) =>
      send(res, 400, { error: { message: "n: must be at most 16", type: "invalid_request_error", param: "n", code: null } }),
    );
    const client = createChatClient({ baseUrl: s.url, model: "m", backoffMs: 5 });
    const error = await client.chat({ messages: [{ role: "user", content: "hi" }], n: 99 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LlmHttpError);
    expect((error as LlmHttpError).status).toBe(400);
    expect((error as LlmHttpError).param).toBe("n");
    expect((error as Error).message).toContain("n: must be at most 16");
    expect(s.bodies).toHaveLength(1);
  });

  it("says clearly when nothing listens at the endpoint", async () => {
    const s = await stub(() => undefined);
    const url = s.url;
    await s.close();
    open.length = 0;
    const client = createChatClient({ baseUrl: url, model: "m", retries: 1, backoffMs: 5 });
    const error = await client.chat({ messages: [{ role: "user", content: "hi" }] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LlmUnreachableError);
    expect((error as Error).message).toMatch(/cannot reach the model endpoint http:\/\/127\.0\.0\.1:\d+\/v1\/chat\/completions/);
    expect((error as Error).message).toContain("serve-model");
  });

  it("times out a silent endpoint per attempt", async () => {
    const s = await stub(() => undefined); // accepts, never answers
    const client = createChatClient({ baseUrl: s.url, model: "m", timeoutMs: 100, retries: 1, backoffMs: 5 });
    const error = await client.chat({ messages: [{ role: "user", content: "hi" }] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LlmTimeoutError);
    expect(s.bodies).toHaveLength(2);
  });

  it("stops retrying when the caller aborts", async () => {
    const s = await stub(() => undefined);
    const controller = new AbortController();
    const client = createChatClient({ baseUrl: s.url, model: "m", timeoutMs: 10_000 });
    const pending = client.chat({ messages: [{ role: "user", content: "hi" }], signal: controller.signal });
    setTimeout(() => controller.abort(new Error("cancelled by user")), 50);
    await expect(pending).rejects.toThrow("cancelled by user");
  });

  it("lists the served models", async () => {
    const s = await stub((_b, res) => send(res, 200, { object: "list", data: [{ id: "a" }, { id: "a:lora" }] }));
    expect(await createChatClient({ baseUrl: s.url, model: "a" }).listModels()).toEqual(["a", "a:lora"]);
  });
});
