import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it, vi } from "vitest";
import { CachedRetriever, cacheKey } from "./cache";
import { Bm25Retriever } from "./local";
import type { Retriever, ScoredPassage } from "./retriever";

const PASSAGES = [
  { id: "a", title: "Nile", contents: "The Nile is a river in Africa." },
  { id: "b", title: "Amazon", contents: "The Amazon is a river in South America." },
  { id: "c", title: "Everest", contents: "Mount Everest is the highest mountain." },
];

/** A real BM25 backend that records which queries reach it, and can be told to fail once. */
class CountingRetriever implements Retriever {
  readonly name: string;
  calls: string[][] = [];
  failNext = false;
  private readonly inner = Bm25Retriever.fromPassages(PASSAGES);

  constructor(name = "counting") {
    this.name = name;
  }

  async searchMany(queries: string[], k: number): Promise<ScoredPassage[][]> {
    this.calls.push(queries);
    await new Promise((r) => setTimeout(r, 5));
    if (this.failNext) {
      this.failNext = false;
      throw new Error("backend down");
    }
    return this.inner.searchMany(queries, k);
  }
}

describe("CachedRetriever", () => {
  it("serves a repeated query from the cache", async () => {
    const backend = new CountingRetriever();
    const cached = new CachedRetriever(backend);
    const first = await cached.searchMany(["river Africa"], 3);
    const second = await cached.searchMany(["  river Africa "], 3);
    expect(second).toEqual(first);
    expect(backend.calls).toEqual([["river Africa"]]);
    expect({ hits: cached.hits, misses: cached.misses, size: cached.size }).toEqual({ hits: 1, misses: 1, size: 1 });
  });

  it("keys by k and by backend", async () => {
    const backend = new CountingRetriever();
    const cached = new CachedRetriever(backend);
    await cached.searchMany(["river"], 1);
    await cached.searchMany(["river"], 2);
    expect(backend.calls).toHaveLength(2);
    expect(cacheKey("bm25:x", 3, "q")).not.toBe(cacheKey("remote:y", 3, "q"));
  });

  it("sends only the misses of a batch to the backend, keeping the caller's order", async () => {
    const backend = new CountingRetriever();
    const cached = new CachedRetriever(backend);
    await cached.searchMany(["Everest"], 1);
    const results = await cached.searchMany(["Amazon", "Everest", "Amazon"], 1);
    expect(backend.calls).toEqual([["Everest"], ["Amazon"]]);
    expect(results.map((hits) => hits[0]!.title)).toEqual(["Amazon", "Everest", "Amazon"]);
  });

  it("shares one backend call between concurrent identical searches", async () => {
    const backend = new CountingRetriever();
    const cached = new CachedRetriever(backend);
    const [a, b] = await Promise.all([cached.searchMany(["Nile"], 1), cached.searchMany(["Nile"], 1)]);
    expect(a).toEqual(b);
    expect(backend.calls).toHaveLength(1);
  });

  it("does not cache a failure", async () => {
    const backend = new CountingRetriever();
    backend.failNext = true;
    const cached = new CachedRetriever(backend);
    await expect(cached.searchMany(["Nile"], 1)).rejects.toThrow("backend down");
    const [hits] = await cached.searchMany(["Nile"], 1);
    expect(hits![0]!.title).toBe("Nile");
    expect(backend.calls).toHaveLength(2);
  });
});

describe("CachedRetriever persisted per run", () => {
  const dir = mkdtempSync(join(tmpdir(), "distillery-search-cache-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("writes one JSONL line per distinct search and reuses them on resume", async () => {
    const file = join(dir, "runs", "run-1", "search-cache.jsonl");
    const first = new CachedRetriever(new CountingRetriever(), file);
    await first.searchMany(["Nile", "Everest"], 2);
    await first.searchMany(["Nile"], 2);
    const lines = readFileSync(file, "utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(lines.map((l) => [l.backend, l.k, l.query])).toEqual([
      ["counting", 2, "Nile"],
      ["counting", 2, "Everest"],
    ]);

    // A crash mid-write leaves a cut line; it is skipped, not fatal.
    appendFileSync(file, '{"backend":"counting","k":2,"query":"Am');
    const backend = new CountingRetriever();
    const resumed = new CachedRetriever(backend, file);
    const [nile] = await resumed.searchMany(["Nile"], 2);
    expect(nile![0]!.title).toBe("Nile");
    expect(backend.calls).toEqual([]);
  });

  it("keeps serving from memory when the cache file cannot be written", async () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    const blocker = join(dir, "not-a-dir");
    writeFileSync(blocker, "");
    const backend = new CountingRetriever();
    const cached = new CachedRetriever(backend, join(blocker, "cache.jsonl"));
    await cached.searchMany(["Nile"], 1);
    await cached.searchMany(["Nile"], 1);
    expect(backend.calls).toHaveLength(1);
    expect(warn).toHaveBeenCalledTimes(1);
    warn.mockRestore();
  });

  it("ignores lines from another backend", async () => {
    const file = join(dir, "shared.jsonl");
    await new CachedRetriever(new CountingRetriever("bm25:one"), file).searchMany(["Nile"], 1);
    const other = new CountingRetriever("bm25:two");
    await new CachedRetriever(other, file).searchMany(["Nile"], 1);
    expect(other.calls).toEqual([["Nile"]]);
  });
});
