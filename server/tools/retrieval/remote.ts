// A remote Search-R1-compatible retriever (e.g. the paper's e5 + wiki-18 server):
//   POST {url}/retrieve {"queries": [...], "topk": k, "return_scores": true}
//   → {"result": [[{"document": {"id", "contents"}, "score"}, ...], ...]}
// wiki-18 passages carry their title as the first line of `contents`: "\"Title\"\ntext".
import { summariseRemoteError } from "@/server/endpoints/redact";
import { RetrievalConfigError, RetrievalError, type Retriever, type ScoredPassage } from "./retriever";

export type RemoteOptions = {
  /** Per-attempt timeout. */
  timeoutMs?: number;
  /** Extra attempts after the first, for network errors, timeouts, 429 and 5xx replies. */
  retries?: number;
  /** First backoff delay; doubles on each retry. */
  backoffMs?: number;
  /** Sent as `Authorization: Bearer` (from the environment; see server/endpoints/secrets.ts). */
  apiKey?: string;
};

const DEFAULTS: Required<Omit<RemoteOptions, "apiKey">> = { timeoutMs: 30_000, retries: 2, backoffMs: 500 };

/** A failure worth another attempt (the server may recover); others fail at once. */
class TransientError extends RetrievalError {}

export class RemoteRetriever implements Retriever {
  readonly name: string;
  readonly endpoint: string;
  private readonly options: Required<Omit<RemoteOptions, "apiKey">> & { apiKey?: string };

  constructor(url: string, options: RemoteOptions = {}) {
    this.endpoint = retrieveEndpoint(url);
    this.name = `remote:${this.endpoint}`;
    this.options = { ...DEFAULTS, ...options };
  }

  async searchMany(queries: string[], k: number): Promise<ScoredPassage[][]> {
    if (queries.length === 0) return [];
    const body = JSON.stringify({ queries, topk: k, return_scores: true });
    const { retries, backoffMs } = this.options;
    for (let attempt = 0; ; attempt++) {
      try {
        return parseRetrieveReply(await this.post(body), queries.length, this.endpoint);
      } catch (err) {
        if (!(err instanceof TransientError)) throw err;
        if (attempt >= retries) {
          throw new RetrievalError(`${err.message} (gave up after ${attempt + 1} attempts)`);
        }
        await sleep(backoffMs * 2 ** attempt);
      }
    }
  }

  private async post(body: string): Promise<unknown> {
    const where = `retriever ${this.endpoint}`;
    let response: Response;
    try {
      response = await fetch(this.endpoint, {
        method: "POST",
        headers: { "content-type": "application/json", ...(this.options.apiKey ? { authorization: `Bearer ${this.options.apiKey}` } : {}) },
        body,
        signal: AbortSignal.timeout(this.options.timeoutMs),
      });
    } catch (err) {
      const e = err as Error & { cause?: { code?: string; message?: string } };
      if (e.name === "TimeoutError") throw new TransientError(`${where}: no reply within ${this.options.timeoutMs} ms`);
      const reason = e.cause?.code ?? e.cause?.message ?? e.message;
      throw new TransientError(`${where}: request failed (${reason})`);
    }
    let text: string;
    try {
      text = await response.text();
    } catch (err) {
      const e = err as Error;
      if (e.name === "TimeoutError") throw new TransientError(`${where}: no reply within ${this.options.timeoutMs} ms`);
      throw new TransientError(`${where}: reply cut off (${e.message})`);
    }
    if (!response.ok) {
      const message = `${where}: HTTP ${response.status}: ${summariseRemoteError(text)}`;
      if (response.status === 429 || response.status >= 500) throw new TransientError(message);
      throw new RetrievalError(message);
    }
    try {
      return JSON.parse(text);
    } catch {
      throw new RetrievalError(`${where}: reply is not JSON: ${summariseRemoteError(text, 120)}`);
    }
  }
}

/** Accepts a base URL ("http://host:8000") or the full endpoint ("…/retrieve"). */
export function retrieveEndpoint(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new RetrievalConfigError(`retriever URL is not a valid URL: "${url}"`);
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") {
    throw new RetrievalConfigError(`retriever URL must be http(s), got "${url}"`);
  }
  const path = parsed.pathname.replace(/\/+$/, "");
  parsed.pathname = path.endsWith("/retrieve") ? path : `${path}/retrieve`;
  return parsed.toString();
}

export function parseRetrieveReply(reply: unknown, nQueries: number, where: string): ScoredPassage[][] {
  const fail = (why: string) => new RetrievalError(`retriever ${where}: unexpected reply: ${why}`);
  const result = (reply as { result?: unknown } | null)?.result;
  if (!Array.isArray(result)) throw fail('no "result" list');
  if (result.length !== nQueries) throw fail(`${result.length} result lists for ${nQueries} queries`);
  return result.map((hits: unknown, q) => {
    if (!Array.isArray(hits)) throw fail(`result[${q}] is not a list`);
    return hits.map((hit: unknown, i) => {
      // Without return_scores a server sends bare documents; accept both shapes.
      const h = (hit ?? {}) as { document?: unknown; score?: unknown };
      const doc = (h.document ?? hit) as { id?: unknown; contents?: unknown; title?: unknown } | null;
      if (!doc || typeof doc.contents !== "string") throw fail(`result[${q}][${i}] has no document.contents`);
      const { title, text } = typeof doc.title === "string" ? { title: doc.title, text: doc.contents } : splitTitle(doc.contents);
      const score = typeof h.score === "number" ? h.score : Number.NaN;
      return { id: doc.id === undefined ? "" : String(doc.id), title, contents: text, score };
    });
  });
}

/** wiki-18 `contents` is "\"Title\"\ntext"; a passage without a first line has no title. */
export function splitTitle(contents: string): { title: string; text: string } {
  const newline = contents.indexOf("\n");
  if (newline < 0) return { title: "", text: contents.trim() };
  const title = contents
    .slice(0, newline)
    .trim()
    .replace(/^"(.*)"$/, "$1");
  return { title, text: contents.slice(newline + 1).trim() };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
