// BM25 queries per second over the real retrieval corpus (fetched by setup), side by side:
// our inverted index vs a naive scorer that scans every document for every query, with the same
// tokenizer and the same formula (its rankings are checked to be identical). Also reports index
// build, save and load-from-cache times. With --python PY (a throwaway venv with bm25s, numba and
// rank_bm25) it also runs bench/bm25_python_baseline.py on our exact tokens, between two
// measurements of ours, so all rows come from one run on one machine.
// Run: npx tsx bench/bm25_qps.ts [--seconds 3] [--python /tmp/bm25-venv/bin/python] [--json]
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { Bm25Index, DEFAULT_BM25_PARAMS, type Hit } from "../server/tools/retrieval/bm25";
import { defaultCorpusPath, readCorpus } from "../server/tools/retrieval/corpus";
import { loadIndex, saveIndex } from "../server/tools/retrieval/index-file";
import { openBm25Retriever, passageText } from "../server/tools/retrieval/local";
import { tokenize } from "../server/tools/retrieval/tokenize";

const K = 3; // web_search's top-3

const { values: flags } = parseArgs({
  options: {
    seconds: { type: "string", default: "3" },
    json: { type: "boolean", default: false },
    python: { type: "string" },
  },
});
const minSeconds = Number(flags.seconds);

/** The benchmark questions as queries, as the agent's first search often is the question itself. */
function loadQuestions(): string[] {
  const questions: string[] = [];
  for (const split of ["test", "train"]) {
    const dir = join(import.meta.dirname, "..", "data", "benchmarks", "qa", split);
    for (const file of readdirSync(dir)
      .filter((f) => f.endsWith(".json"))
      .sort()) {
      const { examples } = JSON.parse(readFileSync(join(dir, file), "utf8")) as { examples: { question: string }[] };
      questions.push(...examples.map((e) => e.question));
    }
  }
  return questions;
}

/** The baseline: score every document of the corpus for every query (no inverted index). */
class NaiveScanScorer {
  private readonly docs: Map<string, number>[];
  private readonly lengths: number[];
  private readonly df = new Map<string, number>();
  private readonly avgdl: number;

  constructor(texts: string[]) {
    this.docs = texts.map((text) => {
      const tf = new Map<string, number>();
      for (const token of tokenize(text)) tf.set(token, (tf.get(token) ?? 0) + 1);
      return tf;
    });
    this.lengths = texts.map((text) => tokenize(text).length);
    for (const doc of this.docs) for (const term of doc.keys()) this.df.set(term, (this.df.get(term) ?? 0) + 1);
    this.avgdl = this.lengths.reduce((a, b) => a + b, 0) / this.docs.length;
  }

  search(query: string, k: number): Hit[] {
    const { k1, b } = DEFAULT_BM25_PARAMS;
    const n = this.docs.length;
    const terms = tokenize(query).map((t) => {
      const df = this.df.get(t) ?? 0;
      return { t, idf: Math.log(1 + (n - df + 0.5) / (df + 0.5)) };
    });
    const hits: Hit[] = [];
    for (let d = 0; d < n; d++) {
      let score = 0;
      const norm = k1 * (1 - b + (b * this.lengths[d]!) / this.avgdl);
      for (const { t, idf } of terms) {
        const tf = this.docs[d]!.get(t);
        if (tf) score += (idf * tf * (k1 + 1)) / (tf + norm);
      }
      if (score > 0) hits.push({ doc: d, score });
    }
    return hits.sort((x, y) => y.score - x.score || x.doc - y.doc).slice(0, k);
  }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

/** CPU seconds used by this process (all its threads, so GC and JIT work count too). */
function cpuSeconds(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1e6;
}

/** CPU milliseconds of one call: on a shared 2-core machine other processes stretch wall time, not CPU time. */
function timeMs(fn: () => void): number {
  const start = cpuSeconds();
  fn();
  return (cpuSeconds() - start) * 1000;
}

/** Queries per CPU-second, after a warm-up, over at least `seconds` of CPU time. */
function queriesPerSecond(search: (q: string) => unknown, queries: string[]): number {
  const warmUntil = cpuSeconds() + 1; // let the JIT settle
  for (let i = 0; cpuSeconds() < warmUntil; i++) search(queries[i % queries.length]!);
  let done = 0;
  const start = cpuSeconds();
  while (cpuSeconds() - start < minSeconds || done < 20) {
    for (let i = 0; i < 10; i++) search(queries[done++ % queries.length]!);
  }
  return done / (cpuSeconds() - start);
}

const corpusPath = defaultCorpusPath();
const corpus = readCorpus(corpusPath); // a clear error naming the fix when it is missing
const texts = corpus.passages.map(passageText);
const queries = loadQuestions();
const dir = mkdtempSync(join(tmpdir(), "distillery-bench-bm25-"));

// Index build, save and load.
const builds: number[] = [];
let index = Bm25Index.build(texts);
for (let i = 0; i < 3; i++) builds.push(timeMs(() => (index = Bm25Index.build(texts))));
const indexFile = join(dir, "index.bin");
const saveMs = timeMs(() => saveIndex(indexFile, index, corpus.hash));
const loads: number[] = [];
for (let i = 0; i < 5; i++) loads.push(timeMs(() => loadIndex(indexFile, corpus.hash)));
// What a fresh process pays: read + hash + parse the corpus, then load the cached index.
openBm25Retriever({ corpusPath, indexDir: dir });
const opens: number[] = [];
for (let i = 0; i < 5; i++) opens.push(timeMs(() => openBm25Retriever({ corpusPath, indexDir: dir })));

// Same rankings from both scorers (checked on a sample), then throughput.
const naive = new NaiveScanScorer(texts);
const sample = queries.slice(0, 200);
const sameTop10 = sample.filter((q) => {
  const a = index.search(q, 10);
  const b = naive.search(q, 10);
  return a.length === b.length && a.every((h, i) => h.doc === b[i]!.doc && Math.abs(h.score - b[i]!.score) < 1e-9);
}).length;
const oursQps = [queriesPerSecond((q) => index.search(q, K), queries)];
const qps: Record<string, number> = { "naive scan of every document (TS)": queriesPerSecond((q) => naive.search(q, K), queries) };

let python: { qps: Record<string, number>; build_ms: Record<string, number>; bm25s_same_top1_as_ours: string } | undefined;
if (flags.python) {
  // Our tokens and top-k, so the Python libraries score exactly the same terms.
  const tokensFile = join(dir, "tokens.json");
  const top = queries.map((q) => index.search(q, K).map((h) => h.doc));
  const { k1, b } = DEFAULT_BM25_PARAMS;
  writeFileSync(tokensFile, JSON.stringify({ k1, b, k: K, docs: texts.map(tokenize), queries: queries.map(tokenize), top }));
  const script = join(import.meta.dirname, "bm25_python_baseline.py");
  const run = spawnSync(flags.python, [script, tokensFile, "--seconds", String(minSeconds)], { encoding: "utf8" });
  if (run.status !== 0) throw new Error(`${flags.python} ${script} failed: ${run.stderr || run.error}`);
  python = JSON.parse(run.stdout);
  for (const [name, value] of Object.entries(python!.qps)) qps[`${name} (Python)`] = value;
  oursQps.push(queriesPerSecond((q) => index.search(q, K), queries));
}
rmSync(dir, { recursive: true, force: true });
const ours = oursQps.reduce((a, b) => a + b, 0) / oursQps.length;

const result = {
  corpus: { path: corpusPath, hash: corpus.hash, passages: corpus.passages.length },
  index: { terms: index.arrays.terms.length, postings: index.arrays.postingDocs.length },
  queries: queries.length,
  k: K,
  buildMs: median(builds),
  saveMs,
  loadIndexMs: median(loads),
  openFromCacheMs: median(opens),
  oursQps: { mean: ours, runs: oursQps },
  baselinesQps: qps,
  oursOverBaseline: Object.fromEntries(Object.entries(qps).map(([name, value]) => [name, ours / value])),
  identicalTop10WithNaive: `${sameTop10}/${sample.length}`,
  python,
};

if (flags.json) {
  console.log(JSON.stringify(result, null, 2));
} else {
  const f = (n: number) => n.toLocaleString("en-US", { maximumFractionDigits: n < 100 ? 1 : 0 });
  console.log(`corpus: ${result.corpus.passages} passages, ${result.index.terms} terms, ${result.index.postings} postings`);
  console.log(`queries: ${queries.length} benchmark questions (data/benchmarks/qa), top-${K}, ≥${minSeconds} CPU-s per scorer`);
  console.log(`CPU ms: index build ${f(result.buildMs)} · save ${f(saveMs)} · load index file ${f(result.loadIndexMs)}`);
  console.log(`CPU ms: open from cache (read + hash + parse corpus, load index) ${f(result.openFromCacheMs)}`);
  console.log(`\n| scorer | queries per CPU-second | ours ÷ it |\n|---|---:|---:|`);
  console.log(`| **inverted index (ours, TS)** | ${oursQps.map(f).join(" / ")} | 1.0× |`);
  for (const [name, value] of Object.entries(qps)) console.log(`| ${name} | ${f(value)} | ${f(ours / value)}× |`);
  console.log(`\nidentical top-10 (docs and scores) with the naive scan: ${result.identicalTop10WithNaive}`);
  if (python) console.log(`bm25s top-1 equal to ours: ${python.bm25s_same_top1_as_ours}; build ms: ${JSON.stringify(python.build_ms)}`);
}
