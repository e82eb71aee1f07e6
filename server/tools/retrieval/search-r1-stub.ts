// A small Search-R1-compatible retrieval server for tests: real HTTP on 127.0.0.1 (ephemeral
// port) answering POST /retrieve over an in-memory passage list, with scriptable failures.
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export type StubDoc = { id: string; contents: string };

/** What the next request gets: a normal answer, an HTTP error, broken JSON or no reply in time. */
export type StubFault = { status: number; body?: string } | { malformed: true } | { delayMs: number };

export type SearchR1Stub = {
  url: string;
  requests: { path: string; body: unknown }[];
  /** Faults served to the next requests, first in first out. */
  faults: StubFault[];
  close(): Promise<void>;
};

export async function startSearchR1Stub(docs: StubDoc[]): Promise<SearchR1Stub> {
  const requests: SearchR1Stub["requests"] = [];
  const faults: StubFault[] = [];
  const server: Server = createServer(async (req, res) => {
    const body = await readJson(req);
    requests.push({ path: req.url ?? "", body });
    const fault = faults.shift();
    if (fault && "delayMs" in fault) await new Promise((r) => setTimeout(r, fault.delayMs));
    if (fault && "status" in fault) {
      res.writeHead(fault.status, { "content-type": "text/plain" }).end(fault.body ?? "stub failure");
      return;
    }
    if (fault && "malformed" in fault) {
      res.writeHead(200, { "content-type": "application/json" }).end('{"result": [[{"document"');
      return;
    }
    if (req.method !== "POST" || req.url !== "/retrieve") {
      res.writeHead(404).end("not found");
      return;
    }
    const { queries, topk } = body as { queries: string[]; topk: number };
    const result = queries.map((query) => rank(docs, query).slice(0, topk));
    res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ result }));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    faults,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Word-overlap scoring: enough to give each query a deterministic ranking. */
function rank(docs: StubDoc[], query: string) {
  const words = new Set(query.toLowerCase().split(/\W+/).filter(Boolean));
  return docs
    .map((document) => ({
      document,
      score: document.contents
        .toLowerCase()
        .split(/\W+/)
        .filter((w) => words.has(w)).length,
    }))
    .filter((hit) => hit.score > 0)
    .sort((a, b) => b.score - a.score);
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  try {
    return JSON.parse(Buffer.concat(chunks).toString("utf8"));
  } catch {
    return undefined;
  }
}
