// The embedded retrieval backend: BM25 over the local corpus, its index cached on disk next to
// the corpus and keyed by the corpus hash, so it is built once and then only loaded.
import { basename, dirname, join } from "node:path";
import { Bm25Index, DEFAULT_BM25_PARAMS, type Bm25Params } from "./bm25";
import { defaultCorpusPath, readCorpus, type Corpus } from "./corpus";
import { INDEX_FORMAT_VERSION, loadIndex, saveIndex } from "./index-file";
import type { Passage, Retriever, ScoredPassage } from "./retriever";
import { TOKENIZER_VERSION } from "./tokenize";

export class Bm25Retriever implements Retriever {
  readonly name: string;

  constructor(
    readonly index: Bm25Index,
    readonly passages: Passage[],
    corpusHash: string,
    readonly params: Bm25Params = DEFAULT_BM25_PARAMS,
  ) {
    if (index.nDocs !== passages.length) {
      throw new Error(`BM25 index has ${index.nDocs} documents but the corpus has ${passages.length}`);
    }
    this.name = `bm25:${corpusHash}:k1=${params.k1},b=${params.b}`;
  }

  /** Index a list of passages in memory (tests, small corpora). */
  static fromPassages(passages: Passage[], params?: Bm25Params): Bm25Retriever {
    return new Bm25Retriever(Bm25Index.build(passages.map(passageText)), passages, "memory", params);
  }

  searchSync(query: string, k: number): ScoredPassage[] {
    return this.index.search(query, k, this.params).map(({ doc, score }) => ({ ...this.passages[doc]!, score }));
  }

  async searchMany(queries: string[], k: number): Promise<ScoredPassage[][]> {
    return queries.map((query) => this.searchSync(query, k));
  }
}

/** What BM25 indexes for a passage: its title counts as text too. */
export function passageText(passage: Passage): string {
  return `${passage.title}\n${passage.contents}`;
}

export function indexPathFor(corpus: Corpus, indexDir = dirname(corpus.path)): string {
  const stem = basename(corpus.path).replace(/\.jsonl$/, "");
  return join(indexDir, `${stem}.bm25-${corpus.hash}-f${INDEX_FORMAT_VERSION}t${TOKENIZER_VERSION}.bin`);
}

export type OpenBm25Options = {
  corpusPath?: string;
  /** Where the cached index lives; defaults to the corpus's directory. */
  indexDir?: string;
  params?: Bm25Params;
  /** Called before a (slow, one-off) index build, e.g. to tell a CLI user why they wait. */
  onBuild?: (corpus: Corpus) => void;
};

export type OpenedBm25 = {
  retriever: Bm25Retriever;
  /** True when the index was built now rather than loaded from disk. */
  built: boolean;
  indexPath: string;
};

/** Loads the corpus and its cached index, building and saving the index the first time. */
export function openBm25Retriever(options: OpenBm25Options = {}): OpenedBm25 {
  const corpus = readCorpus(options.corpusPath ?? defaultCorpusPath());
  const indexPath = indexPathFor(corpus, options.indexDir);
  const cached = loadIndex(indexPath, corpus.hash);
  const built = cached === undefined || cached.nDocs !== corpus.passages.length;
  let index: Bm25Index;
  if (built) {
    options.onBuild?.(corpus);
    index = Bm25Index.build(corpus.passages.map(passageText));
    saveIndex(indexPath, index, corpus.hash);
  } else {
    index = cached;
  }
  return { retriever: new Bm25Retriever(index, corpus.passages, corpus.hash, options.params), built, indexPath };
}
