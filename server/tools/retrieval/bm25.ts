// Okapi BM25 over an inverted index held in flat typed arrays (compact on disk, no per-posting
// objects in memory). k1 and b are query-time parameters, so one index serves any setting.
import { tokenize } from "./tokenize";

export type Bm25Params = { k1: number; b: number };

/** Anserini/Pyserini's defaults, the BM25 baseline used across the retrieval literature. */
export const DEFAULT_BM25_PARAMS: Bm25Params = { k1: 0.9, b: 0.4 };

export type Hit = { doc: number; score: number };

export type Bm25Arrays = {
  /** Term strings; a term's id is its position. */
  terms: string[];
  /** Postings of term t are positions offsets[t] .. offsets[t+1]-1. */
  offsets: Uint32Array;
  postingDocs: Uint32Array;
  postingTfs: Uint16Array;
  docLengths: Uint32Array;
};

export class Bm25Index {
  readonly nDocs: number;
  readonly avgDocLength: number;
  private readonly termIds: Map<string, number>;
  private readonly scores: Float64Array;
  private readonly touched: Uint32Array;
  private impacts: { key: string; values: Float64Array } | undefined;

  constructor(readonly arrays: Bm25Arrays) {
    this.nDocs = arrays.docLengths.length;
    let total = 0;
    for (const length of arrays.docLengths) total += length;
    this.avgDocLength = this.nDocs > 0 ? total / this.nDocs : 0;
    this.termIds = new Map(arrays.terms.map((term, id) => [term, id]));
    this.scores = new Float64Array(this.nDocs);
    this.touched = new Uint32Array(this.nDocs);
  }

  static build(texts: Iterable<string>): Bm25Index {
    const termIds = new Map<string, number>();
    const docsOf: number[][] = [];
    const tfsOf: number[][] = [];
    const docLengths: number[] = [];
    for (const text of texts) {
      const doc = docLengths.length;
      const tokens = tokenize(text);
      docLengths.push(tokens.length);
      const counts = new Map<string, number>();
      for (const token of tokens) counts.set(token, (counts.get(token) ?? 0) + 1);
      for (const [term, tf] of counts) {
        let id = termIds.get(term);
        if (id === undefined) {
          id = docsOf.length;
          termIds.set(term, id);
          docsOf.push([]);
          tfsOf.push([]);
        }
        docsOf[id]!.push(doc);
        tfsOf[id]!.push(Math.min(tf, 0xffff));
      }
    }
    const offsets = new Uint32Array(docsOf.length + 1);
    for (let t = 0; t < docsOf.length; t++) offsets[t + 1] = offsets[t]! + docsOf[t]!.length;
    const total = offsets[docsOf.length]!;
    const postingDocs = new Uint32Array(total);
    const postingTfs = new Uint16Array(total);
    for (let t = 0; t < docsOf.length; t++) {
      postingDocs.set(docsOf[t]!, offsets[t]);
      postingTfs.set(tfsOf[t]!, offsets[t]);
    }
    return new Bm25Index({
      terms: [...termIds.keys()],
      offsets,
      postingDocs,
      postingTfs,
      docLengths: Uint32Array.from(docLengths),
    });
  }

  /** Number of documents containing the term (0 when unknown). */
  documentFrequency(term: string): number {
    const id = this.termIds.get(term);
    return id === undefined ? 0 : this.arrays.offsets[id + 1]! - this.arrays.offsets[id]!;
  }

  /** Lucene's non-negative idf: ln(1 + (N - df + 0.5) / (df + 0.5)). */
  idf(df: number): number {
    return Math.log(1 + (this.nDocs - df + 0.5) / (df + 0.5));
  }

  /** Top-k documents for the query, best first; equal scores rank the earlier document first. */
  search(query: string, k: number, params: Bm25Params = DEFAULT_BM25_PARAMS): Hit[] {
    const queryCounts = new Map<number, number>();
    for (const token of tokenize(query)) {
      const id = this.termIds.get(token);
      if (id !== undefined) queryCounts.set(id, (queryCounts.get(id) ?? 0) + 1);
    }
    if (queryCounts.size === 0 || k <= 0) return [];
    const { offsets, postingDocs } = this.arrays;
    const impacts = this.postingImpacts(params);
    const scores = this.scores;
    const touched = this.touched;
    let nTouched = 0;
    for (const [id, queryTf] of queryCounts) {
      const start = offsets[id]!;
      const end = offsets[id + 1]!;
      // A repeated query term counts once per occurrence, as in Lucene and rank_bm25.
      const weight = queryTf * this.idf(end - start);
      nTouched = accumulate(postingDocs, impacts, start, end, weight, scores, touched, nTouched);
    }
    const hits = topK(scores, touched, nTouched, k);
    for (let i = 0; i < nTouched; i++) scores[touched[i]!] = 0;
    return hits;
  }

  /**
   * The term-frequency part of each posting's score, tf·(k1+1) / (tf + k1·(1 − b + b·|d|/avgdl)),
   * computed once per (k1, b) so a query only multiplies by idf and adds.
   */
  private postingImpacts(params: Bm25Params): Float64Array {
    const key = `${params.k1}/${params.b}`;
    if (this.impacts?.key === key) return this.impacts.values;
    const { offsets, postingDocs, postingTfs, docLengths } = this.arrays;
    const { k1, b } = params;
    const avg = this.avgDocLength || 1;
    const values = new Float64Array(postingDocs.length);
    for (let t = 0; t + 1 < offsets.length; t++) {
      for (let p = offsets[t]!; p < offsets[t + 1]!; p++) {
        const tf = postingTfs[p]!;
        values[p] = (tf * (k1 + 1)) / (tf + k1 * (1 - b + (b * docLengths[postingDocs[p]!]!) / avg));
      }
    }
    this.impacts = { key, values };
    return values;
  }
}

/** Adds one term's postings to the score accumulators; returns the new count of touched docs. */
function accumulate(
  postingDocs: Uint32Array,
  impacts: Float64Array,
  start: number,
  end: number,
  weight: number,
  scores: Float64Array,
  touched: Uint32Array,
  nTouched: number,
): number {
  for (let p = start; p < end; p++) {
    const doc = postingDocs[p]!;
    if (scores[doc] === 0) touched[nTouched++] = doc;
    scores[doc]! += weight * impacts[p]!;
  }
  return nTouched;
}

function ranksBefore(a: Hit, b: Hit): boolean {
  return a.score > b.score || (a.score === b.score && a.doc < b.doc);
}

/** Selection of the k best among the touched documents: a sorted insertion buffer (k is small). */
function topK(scores: Float64Array, touched: Uint32Array, nTouched: number, k: number): Hit[] {
  const best: Hit[] = [];
  // The k-th best so far, as plain numbers: most documents fail this check and cost no more.
  let floorScore = -Infinity;
  let floorDoc = -1;
  for (let i = 0; i < nTouched; i++) {
    const doc = touched[i]!;
    const score = scores[doc]!;
    if (score < floorScore || (score === floorScore && doc > floorDoc)) continue;
    const hit = { doc, score };
    let at = best.length < k ? best.length : k - 1;
    while (at > 0 && ranksBefore(hit, best[at - 1]!)) at--;
    best.splice(at, 0, hit);
    if (best.length > k) best.pop();
    if (best.length === k) {
      floorScore = best[k - 1]!.score;
      floorDoc = best[k - 1]!.doc;
    }
  }
  return best;
}
