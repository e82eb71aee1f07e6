import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { Bm25Index } from "./bm25";
import { loadIndex, saveIndex } from "./index-file";
import { Bm25Retriever, openBm25Retriever, passageText } from "./local";
import type { Passage } from "./retriever";

const PASSAGES: Passage[] = [
  { id: "p0", title: "Paris", contents: "Paris is the capital and largest city of France." },
  { id: "p1", title: "France", contents: "France is a country in Western Europe. Its capital is Paris." },
  { id: "p2", title: "Berlin", contents: "Berlin is the capital of Germany and its largest city." },
  { id: "p3", title: "Tomato", contents: "The tomato is the edible berry of the plant Solanum lycopersicum." },
  { id: "p4", title: "Potato", contents: "The potato is a starchy tuber of the plant Solanum tuberosum." },
  { id: "p5", title: "Albert Einstein", contents: "Albert Einstein was a physicist who developed the theory of relativity." },
  { id: "p6", title: "Theory of relativity", contents: "The theory of relativity comprises special relativity and general relativity." },
];

const titles = (retriever: Bm25Retriever, query: string, k = 3) => retriever.searchSync(query, k).map((p) => p.title);

describe("BM25 ranking", () => {
  const retriever = Bm25Retriever.fromPassages(PASSAGES);

  it("puts the only passage with a rare query term first", () => {
    expect(titles(retriever, "capital of Germany")[0]).toBe("Berlin");
  });

  it("ranks both passages sharing a term, the one matching more query terms first", () => {
    expect(titles(retriever, "tomato plant", 2)).toEqual(["Tomato", "Potato"]);
  });

  it("prefers the passage where the term is frequent (title + text)", () => {
    expect(titles(retriever, "relativity", 2)).toEqual(["Theory of relativity", "Albert Einstein"]);
  });

  it("returns only matching passages, at most k, with scores descending", () => {
    const hits = retriever.searchSync("capital city", 10);
    expect(hits.map((h) => h.title).sort()).toEqual(["Berlin", "France", "Paris"]);
    expect(retriever.searchSync("capital city", 2)).toHaveLength(2);
    for (let i = 1; i < hits.length; i++) expect(hits[i - 1]!.score).toBeGreaterThanOrEqual(hits[i]!.score);
  });

  it("returns nothing for unknown or stopword-only queries", () => {
    expect(retriever.searchSync("zeppelin", 3)).toEqual([]);
    expect(retriever.searchSync("what is the", 3)).toEqual([]);
  });

  it("returns the passage itself: id, title and contents with a score", () => {
    const [hit] = retriever.searchSync("Einstein", 1);
    expect(hit).toMatchObject({ ...PASSAGES[5], score: expect.any(Number) });
  });
});

describe("BM25 scores", () => {
  // Three documents; "apple" occurs twice in doc 0 (length 4) and once in doc 1 (length 2).
  const index = Bm25Index.build(["apple apple pear plum", "apple kiwi", "grape melon lime fig"]);

  it("match the Okapi formula with Lucene's idf", () => {
    const { k1, b } = { k1: 1.2, b: 0.75 };
    const avgdl = (4 + 2 + 4) / 3;
    const idf = Math.log(1 + (3 - 2 + 0.5) / (2 + 0.5));
    const score = (tf: number, dl: number) => (idf * tf * (k1 + 1)) / (tf + k1 * (1 - b + (b * dl) / avgdl));
    const hits = index.search("apple", 3, { k1, b });
    expect(hits.map((h) => h.doc)).toEqual([0, 1]);
    expect(hits[0]!.score).toBeCloseTo(score(2, 4), 10);
    expect(hits[1]!.score).toBeCloseTo(score(1, 2), 10);
  });

  it("count a repeated query term once per occurrence", () => {
    const once = index.search("kiwi", 1)[0]!.score;
    expect(index.search("kiwi kiwi", 1)[0]!.score).toBeCloseTo(2 * once, 10);
  });

  it("without length normalisation (b=0) tie, and the earlier document ranks first", () => {
    const tied = Bm25Index.build(["star short", "star a much longer document about other things", "star"]);
    const hits = tied.search("star", 3, { k1: 0.9, b: 0 });
    expect(hits.map((h) => h.doc)).toEqual([0, 1, 2]);
    expect(hits[0]!.score).toBe(hits[2]!.score);
    // With b > 0 the shortest document wins.
    expect(tied.search("star", 1, { k1: 0.9, b: 0.75 })[0]!.doc).toBe(2);
  });

  it("reports document frequency and a positive idf", () => {
    expect(index.documentFrequency("apple")).toBe(2);
    expect(index.documentFrequency("nothing")).toBe(0);
    expect(index.idf(3)).toBeGreaterThan(0);
  });
});

describe("BM25 index on disk", () => {
  const dir = mkdtempSync(join(tmpdir(), "distillery-bm25-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("round-trips through saveIndex/loadIndex with identical results", () => {
    const index = Bm25Index.build(PASSAGES.map(passageText));
    const path = join(dir, "round-trip.bin");
    saveIndex(path, index, "hash-a");
    const loaded = loadIndex(path, "hash-a");
    expect(loaded).toBeDefined();
    for (const query of ["capital city", "solanum plant", "relativity theory Einstein"]) {
      expect(loaded!.search(query, 5)).toEqual(index.search(query, 5));
    }
  });

  it("refuses an index built from another corpus or a damaged file", () => {
    const path = join(dir, "keyed.bin");
    saveIndex(path, Bm25Index.build(["one doc"]), "hash-a");
    expect(loadIndex(path, "hash-b")).toBeUndefined();
    writeFileSync(path, readFileSync(path).subarray(0, 40));
    expect(loadIndex(path, "hash-a")).toBeUndefined();
    expect(loadIndex(join(dir, "missing.bin"), "hash-a")).toBeUndefined();
  });

  it("is built on first open, loaded afterwards, and rebuilt when damaged", () => {
    const corpusPath = join(dir, "tiny.jsonl");
    writeFileSync(corpusPath, PASSAGES.map((p) => JSON.stringify(p)).join("\n") + "\n");
    let builds = 0;
    const first = openBm25Retriever({ corpusPath, onBuild: () => builds++ });
    expect(first.built).toBe(true);
    const second = openBm25Retriever({ corpusPath, onBuild: () => builds++ });
    expect(second.built).toBe(false);
    expect(second.indexPath).toBe(first.indexPath);
    expect(titles(second.retriever, "capital of Germany", 1)).toEqual(["Berlin"]);
    writeFileSync(first.indexPath, "garbage");
    expect(openBm25Retriever({ corpusPath, onBuild: () => builds++ }).built).toBe(true);
    expect(builds).toBe(2);
  });

  it("gets a new index when the corpus changes", () => {
    const corpusPath = join(dir, "changing.jsonl");
    writeFileSync(corpusPath, JSON.stringify(PASSAGES[0]) + "\n");
    const before = openBm25Retriever({ corpusPath });
    writeFileSync(corpusPath, JSON.stringify(PASSAGES[2]) + "\n");
    const after = openBm25Retriever({ corpusPath });
    expect(after.built).toBe(true);
    expect(after.indexPath).not.toBe(before.indexPath);
    expect(titles(after.retriever, "Germany")).toEqual(["Berlin"]);
  });
});
