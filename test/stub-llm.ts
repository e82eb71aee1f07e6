// A scripted OpenAI-compatible chat server on 127.0.0.1 for deterministic agent tests: real HTTP,
// canned replies. It is a test double, not a model — each test says what the "model" answers.
import http from "node:http";
import type { AddressInfo } from "node:net";

export type StubRequest = {
  model: string;
  messages: { role: string; content: string }[];
  n?: number;
  temperature?: number;
  top_p?: number;
  max_tokens?: number;
  stop?: string[];
  seed?: number;
  continue_final_message?: boolean;
  add_generation_prompt?: boolean;
  logprobs?: boolean;
};

/** An error reply the script asks for (e.g. 401 for a refused key). */
export type StubError = { status: number; error: string };

/** Reply texts for a request (one per choice; repeated to fill n), with optional mean logprobs. */
export type StubScript = (
  req: StubRequest,
  call: number,
  headers: http.IncomingHttpHeaders,
) => { texts: string[]; logprobs?: number[] } | StubError | string | string[];

export type StubServer = {
  url: string;
  requests: StubRequest[];
  /** The token ids of every scoring request (POST /completions with prompt_logprobs), in arrival order. */
  scored: number[][];
  /** The Authorization header of every request (chat and /models), in arrival order. */
  authorizations: (string | undefined)[];
  close: () => Promise<void>;
};

export type StubOptions = {
  latencyMs?: number;
  model?: string;
  /** Answer the teacher-scoring primitive (POST /completions, prompt = token ids, prompt_logprobs)
   *  with this logprob for the token at each position, as vLLM does; absent: 404. */
  scorePrompt?: (ids: number[], position: number) => number;
};

export async function startStubLlm(script: StubScript | string, opts: StubOptions = {}): Promise<StubServer> {
  const requests: StubRequest[] = [];
  const scored: number[][] = [];
  const authorizations: (string | undefined)[] = [];
  const model = opts.model ?? "stub-model";
  const server = http.createServer((req, res) => {
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { "content-type": "application/json" });
      res.end(JSON.stringify(body));
    };
    authorizations.push(req.headers.authorization);
    if (req.method === "GET" && req.url?.endsWith("/models")) {
      return send(200, { object: "list", data: [{ id: model, object: "model" }] });
    }
    if (req.method === "POST" && req.url?.endsWith("/v1/completions") && opts.scorePrompt) {
      const score = opts.scorePrompt;
      let body = "";
      req.on("data", (chunk) => (body += chunk));
      req.on("end", () => {
        const ids = (JSON.parse(body) as { prompt: number[] }).prompt;
        scored.push(ids);
        const promptLogprobs = ids.map((id, p) => (p === 0 ? null : { [String(id)]: { logprob: score(ids, p), rank: 1 } }));
        send(200, { object: "text_completion", choices: [{ index: 0, text: "", prompt_logprobs: promptLogprobs }] });
      });
      return;
    }
    if (req.method !== "POST" || !req.url?.endsWith("/chat/completions")) return send(404, { error: { message: "not found" } });
    let body = "";
    req.on("data", (chunk) => (body += chunk));
    req.on("end", () => {
      const request = JSON.parse(body) as StubRequest;
      const call = requests.length;
      requests.push(request);
      let reply: ReturnType<StubScript>;
      try {
        reply = typeof script === "string" ? script : script(request, call, req.headers);
      } catch (err) {
        return send(500, { error: { message: `stub script failed: ${(err as Error).message}` } });
      }
      if (!Array.isArray(reply) && typeof reply === "object" && "status" in reply) {
        return send(reply.status, { error: { message: reply.error } });
      }
      const normalised = typeof reply === "string" ? { texts: [reply] } : Array.isArray(reply) ? { texts: reply } : reply;
      const n = request.n ?? 1;
      const choices = Array.from({ length: n }, (_, i) => {
        const text = normalised.texts[i % normalised.texts.length]!;
        const lp = normalised.logprobs?.[i % normalised.logprobs.length];
        return {
          index: i,
          message: { role: "assistant", content: text },
          finish_reason: "stop",
          ...(lp === undefined ? {} : { logprobs: { content: [{ token: "x", logprob: lp }] } }),
        };
      });
      const prompt = request.messages.reduce((a, m) => a + m.content.length, 0);
      setTimeout(
        () =>
          send(200, {
            id: `stub-${call}`,
            object: "chat.completion",
            model: request.model,
            choices,
            usage: { prompt_tokens: Math.ceil(prompt / 4), completion_tokens: choices.length * 10, total_tokens: 0 },
          }),
        opts.latencyMs ?? 0,
      );
    });
  });
  server.keepAliveTimeout = 1000;
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    requests,
    scored,
    authorizations,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
