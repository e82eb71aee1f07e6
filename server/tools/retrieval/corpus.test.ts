// The real corpus fetched by setup (scripts/fetch_corpus.py): English Wikipedia vital-article
// summaries. Outside CI a machine without it skips these tests, saying why; in CI it must exist.
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { defaultCorpusPath, FETCH_HINT, parsePassages, readCorpus } from "./corpus";
import { openBm25Retriever } from "./local";
import { RetrievalConfigError, webSearch } from "./retriever";

describe("corpus file", () => {
  it("names the fix when the corpus is missing", () => {
    const read = () => readCorpus("/nonexistent/distillery/corpus.jsonl");
    expect(read).toThrow(RetrievalConfigError);
    expect(read).toThrow(FETCH_HINT);
  });

  it("points at the bad line of a damaged corpus", () => {
    const good = JSON.stringify({ id: 1, title: "T", contents: "text" });
    expect(parsePassages(`${good}\n\n`, "c.jsonl")).toEqual([{ id: "1", title: "T", contents: "text" }]);
    expect(() => parsePassages(`${good}\n{oops`, "c.jsonl")).toThrow("c.jsonl:2: not valid JSON");
    expect(() => parsePassages(`{"id":"1","title":"T"}`, "c.jsonl")).toThrow(/c.jsonl:1: expected/);
  });
});

const corpusPath = defaultCorpusPath();
const present = existsSync(corpusPath);
if (!present && process.env.CI) {
  throw new Error(`retrieval corpus missing at ${corpusPath} in CI: setup must fetch it (${FETCH_HINT})`);
}
if (!present) console.warn(`skipping real-corpus retrieval tests: no corpus at ${corpusPath} (${FETCH_HINT})`);

describe.skipIf(!present)("BM25 over the real Wikipedia corpus", () => {
  const indexDir = mkdtempSync(join(tmpdir(), "distillery-corpus-index-"));
  afterAll(() => rmSync(indexDir, { recursive: true, force: true }));

  it("builds the index once, then loads it with the same results", () => {
    const built = openBm25Retriever({ corpusPath, indexDir });
    expect(built.built).toBe(true);
    expect(built.retriever.passages.length).toBeGreaterThan(5_000);
    const loaded = openBm25Retriever({ corpusPath, indexDir });
    expect(loaded.built).toBe(false);
    const query = "Who developed the theory of relativity?";
    expect(loaded.retriever.searchSync(query, 10)).toEqual(built.retriever.searchSync(query, 10));
  });

  it("finds the articles a person would expect", () => {
    const { retriever } = openBm25Retriever({ corpusPath, indexDir });
    const top3 = (q: string) => retriever.searchSync(q, 3).map((p) => p.title);
    expect(top3("Who developed the theory of relativity?")).toContain("Theory of relativity");
    expect(top3("What is photosynthesis?")[0]).toBe("Photosynthesis");
    expect(top3("Eiffel Tower Paris")).toContain("Eiffel Tower");
    expect(top3("How high is Mount Everest?")).toContain("Mount Everest");
  });

  it("gives web_search text: top-3 passages, each with its title", async () => {
    const { retriever } = openBm25Retriever({ corpusPath, indexDir });
    const lines = (await webSearch(retriever, "Mount Everest height")).split("\n");
    expect(lines).toHaveLength(3);
    lines.forEach((line, i) => expect(line).toMatch(new RegExp(`^Doc ${i + 1} \\(Title: [^)]+\\) \\S`)));
  });
});
