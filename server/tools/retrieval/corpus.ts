// The local passage corpus: JSONL of {id, title, contents}, fetched at setup by
// scripts/fetch_corpus.py into the cache directory (never committed).
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { RetrievalConfigError, RetrievalError, type Passage } from "./retriever";

export const DEFAULT_CORPUS_NAME = "wikipedia-vital-en";
export const FETCH_HINT = "run `npm run setup` (or `python3 scripts/fetch_corpus.py`)";

/** Same rule as scripts/lib.sh: $DISTILLERY_CACHE, else $XDG_CACHE_HOME/distillery, else ~/.cache/distillery. */
export function cacheDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.DISTILLERY_CACHE) return env.DISTILLERY_CACHE;
  return join(env.XDG_CACHE_HOME || join(homedir(), ".cache"), "distillery");
}

/** $DISTILLERY_CORPUS overrides the corpus file (any JSONL of {id, title, contents}). */
export function defaultCorpusPath(env: NodeJS.ProcessEnv = process.env): string {
  return env.DISTILLERY_CORPUS || join(cacheDir(env), "corpus", `${DEFAULT_CORPUS_NAME}.jsonl`);
}

export type Corpus = {
  path: string;
  /** First 16 hex digits of the file's sha256: the key of its cached index. */
  hash: string;
  passages: Passage[];
};

export function readCorpus(path: string): Corpus {
  let raw: Buffer;
  try {
    raw = readFileSync(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") {
      throw new RetrievalConfigError(`retrieval corpus not found at ${path}: ${FETCH_HINT}`);
    }
    throw new RetrievalError(`cannot read retrieval corpus ${path}: ${(err as Error).message}`);
  }
  const hash = createHash("sha256").update(raw).digest("hex").slice(0, 16);
  return { path, hash, passages: parsePassages(raw.toString("utf8"), path) };
}

export function parsePassages(text: string, source: string): Passage[] {
  const passages: Passage[] = [];
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (line === "") continue;
    let row: unknown;
    try {
      row = JSON.parse(line);
    } catch {
      throw new RetrievalError(`${source}:${i + 1}: not valid JSON`);
    }
    const { id, title, contents } = (row ?? {}) as Record<string, unknown>;
    if ((typeof id !== "string" && typeof id !== "number") || typeof title !== "string" || typeof contents !== "string") {
      throw new RetrievalError(`${source}:${i + 1}: expected {"id", "title", "contents"} with string values`);
    }
    passages.push({ id: String(id), title, contents });
  }
  return passages;
}
