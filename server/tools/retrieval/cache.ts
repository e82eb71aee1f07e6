// Per-run result cache: within a run the same query (same backend, same k) is answered once,
// so repeated agent searches are free and every sample of a question sees the same passages.
// Optionally persisted as JSONL (one line per distinct search) so a resumed run reuses it.
import { appendFileSync, existsSync, mkdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import type { Retriever, ScoredPassage } from "./retriever";

type CacheLine = { backend: string; k: number; query: string; passages: ScoredPassage[] };

export class CachedRetriever implements Retriever {
  readonly name: string;
  hits = 0;
  misses = 0;
  private readonly entries = new Map<string, Promise<ScoredPassage[]>>();
  private persistFailed = false;

  /** `file`: JSONL to load earlier results from and append new ones to (e.g. one per run id). */
  constructor(
    readonly inner: Retriever,
    readonly file?: string,
  ) {
    this.name = inner.name;
    if (file) this.load(file);
  }

  get size(): number {
    return this.entries.size;
  }

  async searchMany(queries: string[], k: number): Promise<ScoredPassage[][]> {
    const pending = new Map<string, string>(); // key → query, for the misses of this call
    for (const query of queries) {
      const key = cacheKey(this.inner.name, k, query);
      if (this.entries.has(key) || pending.has(key)) this.hits++;
      else pending.set(key, query);
    }
    if (pending.size > 0) {
      this.misses += pending.size;
      const missed = [...pending.values()];
      // One backend call for all misses; concurrent callers share the in-flight promise.
      const batch = this.inner.searchMany(missed, k);
      missed.forEach((query, i) => {
        const key = cacheKey(this.inner.name, k, query);
        const entry = batch.then((all) => all[i] ?? []);
        this.entries.set(key, entry);
        entry.then(
          (passages) => this.persist({ backend: this.inner.name, k, query: query.trim(), passages }),
          () => this.entries.delete(key), // a failed search is not cached: the next call retries
        );
      });
    }
    return Promise.all(queries.map((query) => this.entries.get(cacheKey(this.inner.name, k, query))!));
  }

  private persist(line: CacheLine): void {
    if (!this.file || this.persistFailed) return;
    try {
      mkdirSync(dirname(this.file), { recursive: true });
      appendFileSync(this.file, JSON.stringify(line) + "\n");
    } catch (err) {
      // The search itself succeeded; losing the on-disk copy only costs a repeat search on resume.
      this.persistFailed = true;
      console.warn(`search cache: cannot write ${this.file} (${(err as Error).message}); keeping results in memory only`);
    }
  }

  private load(file: string): void {
    if (!existsSync(file)) return;
    for (const text of readFileSync(file, "utf8").split("\n")) {
      if (text.trim() === "") continue;
      let line: CacheLine;
      try {
        line = JSON.parse(text) as CacheLine;
      } catch {
        continue; // a line cut short by a crash: that search simply runs again
      }
      if (line.backend !== this.inner.name || !Array.isArray(line.passages)) continue;
      this.entries.set(cacheKey(line.backend, line.k, line.query), Promise.resolve(line.passages));
    }
  }
}

/** Queries differing only in surrounding whitespace are the same search. */
export function cacheKey(backend: string, k: number, query: string): string {
  return JSON.stringify([backend, k, query.trim()]);
}

/** Where a run keeps its search cache: `<data dir>/runs/<run id>/search-cache.jsonl`. */
export function runCacheFile(dataDir: string, runId: string | number): string {
  return join(dataDir, "runs", String(runId), "search-cache.jsonl");
}
