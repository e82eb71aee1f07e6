// The seam between the agent's `web_search` tool and a retrieval backend (local BM25 or a
// remote Search-R1-compatible server). A backend only has to return ranked passages.

export type Passage = {
  id: string;
  title: string;
  /** Passage text without the title. */
  contents: string;
};

export type ScoredPassage = Passage & { score: number };

export interface Retriever {
  /** Stable identity of the backend and its data, e.g. "bm25:<corpus hash>" or "remote:<url>". */
  readonly name: string;
  /** Top-k passages for each query, best first, in the order of `queries`. */
  searchMany(queries: string[], k: number): Promise<ScoredPassage[][]>;
}

/** Expected retrieval failures (server down, bad reply, missing corpus): one clear message. */
export class RetrievalError extends Error {
  override name = "RetrievalError";
}

/** A setup or configuration problem the user fixes (missing corpus, bad retriever URL). */
export class RetrievalConfigError extends RetrievalError {
  override name = "RetrievalConfigError";
}

export async function search(retriever: Retriever, query: string, k: number): Promise<ScoredPassage[]> {
  const [hits] = await retriever.searchMany([query], k);
  return hits ?? [];
}

/**
 * The observation text of `web_search`: each passage with its title, in the numbered
 * "Doc i (Title: …) text" layout of Search-R1, which the paper's teacher prompts were written for.
 */
export function formatPassages(passages: Passage[]): string {
  if (passages.length === 0) return "No results found.";
  return passages.map((p, i) => `Doc ${i + 1} (Title: ${p.title}) ${p.contents}`).join("\n");
}

export const WEB_SEARCH_TOP_K = 3;

/** What the agent's `web_search(query)` returns: the top-3 passages as text. */
export async function webSearch(retriever: Retriever, query: string): Promise<string> {
  if (query.trim() === "") throw new RetrievalError("web_search: query is empty");
  return formatPassages(await search(retriever, query, WEB_SEARCH_TOP_K));
}
