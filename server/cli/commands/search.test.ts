// `distillery search`, run in-process: local BM25 over a tiny corpus file, and the remote
// backend against a real Search-R1 stub server on loopback.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { startSearchR1Stub, type SearchR1Stub } from "../../tools/retrieval/search-r1-stub";
import { main } from "../main";

const dir = mkdtempSync(join(tmpdir(), "distillery-search-cli-"));
const corpus = join(dir, "tiny.jsonl");
const PASSAGES = [
  { id: "0", title: "Hamlet", contents: "Hamlet is a tragedy by William Shakespeare." },
  { id: "1", title: "Danube", contents: "The Danube is a river in Central Europe." },
];
let stub: SearchR1Stub;
const savedCorpus = process.env.DISTILLERY_CORPUS;

beforeAll(async () => {
  writeFileSync(corpus, PASSAGES.map((p) => JSON.stringify(p)).join("\n") + "\n");
  process.env.DISTILLERY_CORPUS = corpus;
  stub = await startSearchR1Stub([{ id: "9", contents: '"Vienna"\nVienna lies on the Danube.' }]);
});
afterAll(async () => {
  if (savedCorpus === undefined) delete process.env.DISTILLERY_CORPUS;
  else process.env.DISTILLERY_CORPUS = savedCorpus;
  await stub.close();
  rmSync(dir, { recursive: true, force: true });
});
afterEach(() => vi.restoreAllMocks());

function capture() {
  const out = vi.spyOn(console, "log").mockImplementation(() => {});
  const err = vi.spyOn(console, "error").mockImplementation(() => {});
  return { out: () => out.mock.calls.join("\n"), err: () => err.mock.calls.map((c) => String(c[0])) };
}

describe("distillery search", () => {
  it("prints the top passages with their titles", async () => {
    const io = capture();
    expect(await main(["search", "river", "in", "Europe"])).toBe(0);
    expect(io.out()).toMatch(/^1\. Danube {2}\[id 1, score [\d.]+\]/);
    expect(io.out()).toContain("The Danube is a river in Central Europe.");
  });

  it("prints JSON with --json", async () => {
    const io = capture();
    expect(await main(["search", "Shakespeare tragedy", "--k", "1", "--json"])).toBe(0);
    const reply = JSON.parse(io.out());
    expect(reply).toMatchObject({ query: "Shakespeare tragedy", k: 1, passages: [{ id: "0", title: "Hamlet" }] });
    expect(reply.retriever).toMatch(/^bm25:/);
  });

  it("asks a Search-R1 server with --retriever URL", async () => {
    const io = capture();
    expect(await main(["search", "Danube", "--retriever", stub.url, "--json"])).toBe(0);
    expect(JSON.parse(io.out()).passages).toEqual([{ id: "9", title: "Vienna", contents: "Vienna lies on the Danube.", score: 1 }]);
  });

  it.each([
    [["search"], /missing QUERY/],
    [["search", "x", "--k", "0"], /--k must be ≥ 1/],
    [["search", "x", "--retriever", "elastic"], /no retriever endpoint named "elastic" \(known: bm25, or an http\(s\) URL\)/],
  ])("rejects %j with one line and exit code 2", async (argv, message) => {
    const io = capture();
    expect(await main(argv)).toBe(2);
    expect(io.err()).toHaveLength(1);
    expect(io.err()[0]).toMatch(message);
  });

  it("says how to get the corpus when it is missing (exit code 2)", async () => {
    const io = capture();
    process.env.DISTILLERY_CORPUS = join(dir, "absent.jsonl");
    try {
      expect(await main(["search", "x"])).toBe(2);
    } finally {
      process.env.DISTILLERY_CORPUS = corpus;
    }
    expect(io.err()).toEqual([expect.stringMatching(/corpus not found at .*absent\.jsonl: run `npm run setup`/)]);
  });

  it("reports a failing server in one line with exit code 1", async () => {
    const io = capture();
    stub.faults.push({ status: 422, body: "bad request" });
    expect(await main(["search", "x", "--retriever", stub.url])).toBe(1);
    expect(io.err()).toEqual([expect.stringMatching(/HTTP 422: bad request/)]);
  });
});
