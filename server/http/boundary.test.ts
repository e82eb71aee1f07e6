// The HTTP boundary end to end: forged requests go through the proxy (proxy.ts) and the real
// tRPC route handler on a real database, and each is refused without changing anything.
import { count } from "drizzle-orm";
import { NextRequest } from "next/server";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { DbHandle } from "@/db/client";
import { experiments } from "@/db/schema";
import { testDatabases } from "@/test/databases";

type RouteHandler = (req: NextRequest) => Promise<Response>;

const HOST = "127.0.0.1:3000";
const OWN_ORIGIN = `http://${HOST}`;
const browserHeaders = { origin: OWN_ORIGIN, "sec-fetch-site": "same-origin", "sec-fetch-mode": "cors" };

type Forged = { method?: string; path: string; headers?: Record<string, string>; body?: BodyInit | (() => ReadableStream<Uint8Array>) };

function request({ method = "POST", path, headers = {}, body }: Forged): NextRequest {
  const init = { method, headers: { host: HOST, ...headers }, body: typeof body === "function" ? body() : body, duplex: "half" };
  return new NextRequest(`http://${headers.host ?? HOST}${path}`, init as ConstructorParameters<typeof NextRequest>[1]);
}

/** An experiments.start call as the tRPC clients send it (superjson, batched). */
function startExperiment(name: string) {
  return JSON.stringify({ 0: { json: { name, recipe: { note: "x" }, steps: [] } } });
}

/** A body stream of `bytes` bytes with no Content-Length (sent chunked). */
function endlessBody(bytes: number) {
  return () => {
    let left = bytes;
    return new ReadableStream<Uint8Array>({
      pull(controller) {
        if (left <= 0) return controller.close();
        const chunk = new Uint8Array(Math.min(64 * 1024, left)).fill(32);
        left -= chunk.byteLength;
        controller.enqueue(chunk);
      },
    });
  };
}

describe.each(testDatabases())("the HTTP boundary on $name", ({ open }) => {
  let handle: DbHandle;
  let proxy: (req: NextRequest) => Response;
  let route: { GET: RouteHandler; POST: RouteHandler };

  /** What the workbench answers: the proxy first, then (if it lets the request through) the route. */
  async function serve(forged: Forged): Promise<Response> {
    const refused = proxy(request(forged));
    if (refused.headers.get("x-middleware-next") !== "1") return refused;
    return (forged.method ?? "POST") === "GET" ? route.GET(request(forged)) : route.POST(request(forged));
  }
  const experimentCount = async () => (await handle.db.select({ n: count() }).from(experiments))[0]!.n;

  beforeAll(async () => {
    handle = await open();
    // The route handler takes the server's database from here (server/runtime/db.ts).
    (globalThis as { distilleryDb?: Promise<DbHandle> }).distilleryDb = Promise.resolve(handle);
    proxy = (await import("@/proxy")).proxy;
    route = (await import("@/app/api/trpc/[trpc]/route")) as unknown as typeof route;
  });
  afterAll(async () => {
    delete (globalThis as { distilleryDb?: unknown }).distilleryDb;
    await handle?.close();
  });

  it("serves the workbench's own pages (same-origin JSON) and the CLI (no Origin)", async () => {
    const path = "/api/trpc/experiments.start?batch=1";
    const headers = { "content-type": "application/json" };
    const fromPage = await serve({ path, headers: { ...headers, ...browserHeaders }, body: startExperiment("from-page") });
    expect(fromPage.status, await fromPage.clone().text()).toBe(200);
    const fromCli = await serve({ path, headers, body: startExperiment("from-cli") });
    expect(fromCli.status).toBe(200);
    const list = await serve({
      method: "GET",
      path: `/api/trpc/experiments.list?batch=1&input=${encodeURIComponent('{"0":{"json":null}}')}`,
    });
    expect(list.status).toBe(200);
    expect(JSON.stringify(await list.json())).toContain("from-cli");
  });

  const json = { "content-type": "application/json" };
  const forgeries: [string, Forged, number][] = [
    [
      "a foreign Host (DNS rebinding)",
      {
        path: "/api/trpc/experiments.start?batch=1",
        headers: { ...json, host: "evil.example:3000", origin: "http://evil.example:3000", "sec-fetch-site": "same-origin" },
        body: startExperiment("rebound"),
      },
      421,
    ],
    [
      "a foreign Origin",
      {
        path: "/api/trpc/experiments.start?batch=1",
        headers: { ...json, origin: "http://evil.example", "sec-fetch-site": "cross-site" },
        body: startExperiment("csrf"),
      },
      403,
    ],
    [
      "Sec-Fetch-Site cross-site without Origin",
      { path: "/api/trpc/experiments.start?batch=1", headers: { ...json, "sec-fetch-site": "cross-site" }, body: startExperiment("csrf2") },
      403,
    ],
    [
      "a multipart form",
      {
        path: "/api/trpc/experiments.start",
        headers: { ...browserHeaders, "content-type": "multipart/form-data; boundary=x" },
        body: '--x\r\nContent-Disposition: form-data; name="name"\r\n\r\nmultipart\r\n--x--\r\n',
      },
      415,
    ],
    [
      "a text/plain body",
      {
        path: "/api/trpc/experiments.start?batch=1",
        headers: { ...browserHeaders, "content-type": "text/plain" },
        body: startExperiment("plain"),
      },
      415,
    ],
    [
      "a urlencoded form",
      {
        path: "/api/trpc/experiments.start",
        headers: { ...browserHeaders, "content-type": "application/x-www-form-urlencoded" },
        body: "name=urlencoded",
      },
      415,
    ],
    ["no Content-Type", { path: "/api/trpc/experiments.start?batch=1", body: startExperiment("untyped") }, 415],
    [
      "an oversized body with Content-Length",
      {
        path: "/api/trpc/experiments.start?batch=1",
        headers: { ...json, "content-length": String(2 * 1024 * 1024) },
        body: startExperiment("big".padEnd(2 * 1024 * 1024 - 80, "x")),
      },
      413,
    ],
    [
      "an oversized body without Content-Length",
      { path: "/api/trpc/experiments.start?batch=1", headers: json, body: endlessBody(5 * 1024 * 1024) },
      413,
    ],
    [
      "a batch of 26 calls",
      {
        path: `/api/trpc/${Array(26).fill("experiments.start").join(",")}?batch=1`,
        headers: json,
        body: JSON.stringify(Object.fromEntries(Array.from({ length: 26 }, (_, i) => [i, JSON.parse(startExperiment(`b${i}`))[0]]))),
      },
      400,
    ],
  ];

  it.each(forgeries)("refuses %s and changes nothing", async (_what, forged, status) => {
    const before = await experimentCount();
    const reply = await serve(forged);
    expect(reply.status).toBe(status);
    expect(reply.headers.get("content-type")).toMatch(/^text\/plain/);
    expect(await experimentCount()).toBe(before);
  });

  it("refuses a foreign Host on pages and GET queries too", async () => {
    const page = proxy(request({ method: "GET", path: "/runs", headers: { host: "evil.example" } }));
    expect(page.status).toBe(421);
    const query = await serve({ method: "GET", path: "/api/trpc/experiments.list", headers: { host: "attacker.test:3000" } });
    expect(query.status).toBe(421);
  });

  it("lets an upload through past the ordinary body limit, up to the upload limit", async () => {
    const content = "{}\n".repeat(700_000); // ~2 MB of JSON lines: over 1 MiB, under the upload limit
    const body = JSON.stringify({ 0: { json: { content, fileName: "big.jsonl" } } });
    const reply = await serve({ path: "/api/trpc/datasets.import?batch=1", headers: { ...json, ...browserHeaders }, body });
    expect(reply.status).not.toBe(413);
  });

  it("answers an unexpected database error with an id, never the SQL or its parameters", async () => {
    const logged = vi.spyOn(console, "error").mockImplementation(() => {});
    try {
      // An id past Postgres' integer range passes the zod schema and fails in the database, whose
      // error (as drizzle words it) quotes the statement and its parameters.
      const body = JSON.stringify({ 0: { json: { id: 2 ** 40, status: "failed", steps: [] } } });
      const reply = await serve({ path: "/api/trpc/experiments.update?batch=1", headers: { ...json, ...browserHeaders }, body });
      expect(reply.status).toBe(500);
      const text = await reply.text();
      const [error] = JSON.parse(text) as { error: { json: { message: string; data: Record<string, unknown> } } }[];
      expect(error!.error.json.message).toMatch(/^internal error \(id [0-9a-f]{8}\)/);
      expect(error!.error.json.data.stack).toBeUndefined();
      expect(text).not.toMatch(/failed query|update "|1099511627776|params|\.ts:\d/i);
      const id = /id ([0-9a-f]{8})/.exec(error!.error.json.message)![1]!;
      const detail = logged.mock.calls.find((call) => String(call[0]).includes(id));
      expect(String(detail?.[1])).toMatch(/update "experiments".*\n?.*params/i); // the detail went to the log
    } finally {
      logged.mockRestore();
    }
  });

  it("keeps our own input errors readable", async () => {
    const reply = await serve({ path: "/api/trpc/experiments.start?batch=1", headers: json, body: startExperiment("../etc") });
    expect(reply.status).toBe(400);
    expect(await reply.text()).toMatch(/name/);
  });
});
