// The retrieval tool: `web_search(query)` over local BM25 or a remote Search-R1 retriever,
// cached per run. This file is the one entry point the agent runtime and the CLI import.
import { CachedRetriever } from "./cache";
import { openBm25Retriever, type OpenBm25Options } from "./local";
import { RemoteRetriever, type RemoteOptions } from "./remote";
import { RetrievalConfigError, type Retriever } from "./retriever";

export { CachedRetriever, runCacheFile } from "./cache";
export { Bm25Retriever, openBm25Retriever, passageText } from "./local";
export { RemoteRetriever } from "./remote";
export {
  RetrievalConfigError,
  RetrievalError,
  WEB_SEARCH_TOP_K,
  formatPassages,
  search,
  webSearch,
  type Passage,
  type Retriever,
  type ScoredPassage,
} from "./retriever";

/** "bm25" (local corpus) or the http(s) URL of a Search-R1-compatible server. */
export type RetrieverSpec = string;

export type OpenRetrieverOptions = {
  bm25?: OpenBm25Options;
  remote?: RemoteOptions;
  /** Per-run cache file (JSONL); without it the cache lives in memory only. */
  cacheFile?: string;
};

export function openRetriever(spec: RetrieverSpec, options: OpenRetrieverOptions = {}): CachedRetriever {
  let backend: Retriever;
  if (spec === "bm25") backend = openBm25Retriever(options.bm25).retriever;
  else if (/^https?:\/\//i.test(spec)) backend = new RemoteRetriever(spec, options.remote);
  else throw new RetrievalConfigError(`retriever must be "bm25" or an http(s) URL, got "${spec}"`);
  return new CachedRetriever(backend, options.cacheFile);
}
