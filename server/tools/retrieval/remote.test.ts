// The remote backend against a real HTTP server of the Search-R1 /retrieve API on loopback.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { RemoteRetriever, retrieveEndpoint, splitTitle } from "./remote";
import { RetrievalConfigError, RetrievalError, webSearch } from "./retriever";
import { startSearchR1Stub, type SearchR1Stub } from "./search-r1-stub";

// wiki-18 style: the title is the first line of contents, in quotes.
const DOCS = [
  { id: "11", contents: '"Hamlet"\nHamlet is a tragedy written by William Shakespeare.' },
  { id: "12", contents: '"William Shakespeare"\nWilliam Shakespeare was an English playwright and poet.' },
  { id: "13", contents: '"Macbeth"\nMacbeth is a tragedy by William Shakespeare set in Scotland.' },
  { id: "14", contents: '"Danube"\nThe Danube is a river in Central Europe.' },
];

let stub: SearchR1Stub;
beforeAll(async () => {
  stub = await startSearchR1Stub(DOCS);
});
afterAll(() => stub.close());
beforeEach(() => {
  stub.requests.length = 0;
  stub.faults.length = 0;
});

const fast = { timeoutMs: 500, retries: 2, backoffMs: 10 };

describe("RemoteRetriever", () => {
  it("sends the Search-R1 request and parses titles out of wiki-18 contents", async () => {
    const retriever = new RemoteRetriever(stub.url, fast);
    const [hits] = await retriever.searchMany(["tragedy"], 2);
    expect(stub.requests).toEqual([{ path: "/retrieve", body: { queries: ["tragedy"], topk: 2, return_scores: true } }]);
    expect(hits).toEqual([
      { id: "11", title: "Hamlet", contents: "Hamlet is a tragedy written by William Shakespeare.", score: 1 },
      { id: "13", title: "Macbeth", contents: "Macbeth is a tragedy by William Shakespeare set in Scotland.", score: 1 },
    ]);
  });

  it("answers several queries in one request, in order", async () => {
    const retriever = new RemoteRetriever(`${stub.url}/retrieve`, fast);
    const results = await retriever.searchMany(["river Europe", "Scotland"], 1);
    expect(results.map((hits) => hits.map((h) => h.title))).toEqual([["Danube"], ["Macbeth"]]);
    expect(stub.requests).toHaveLength(1);
  });

  it("gives web_search text with each passage's title", async () => {
    const text = await webSearch(new RemoteRetriever(stub.url, fast), "Shakespeare playwright");
    expect(text.split("\n")[0]).toBe("Doc 1 (Title: William Shakespeare) William Shakespeare was an English playwright and poet.");
    expect(text.split("\n")).toHaveLength(3);
  });

  it("retries a 500 with backoff and then succeeds", async () => {
    stub.faults.push({ status: 500 }, { status: 503 });
    const [hits] = await new RemoteRetriever(stub.url, fast).searchMany(["Danube"], 1);
    expect(hits![0]!.title).toBe("Danube");
    expect(stub.requests).toHaveLength(3);
  });

  it("gives up after the retries with the status and body in the message", async () => {
    stub.faults.push({ status: 500, body: "index not loaded" }, { status: 500 }, { status: 500 });
    const error = await new RemoteRetriever(stub.url, fast).searchMany(["Danube"], 1).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RetrievalError);
    expect((error as Error).message).toMatch(/HTTP 500/);
    expect((error as Error).message).toMatch(/gave up after 3 attempts/);
    expect(stub.requests).toHaveLength(3);
  });

  it("does not retry a client error (4xx)", async () => {
    stub.faults.push({ status: 422, body: "topk must be positive" });
    await expect(new RemoteRetriever(stub.url, fast).searchMany(["x"], 1)).rejects.toThrow(/HTTP 422: topk must be positive/);
    expect(stub.requests).toHaveLength(1);
  });

  it("reports a malformed JSON reply clearly", async () => {
    stub.faults.push({ malformed: true });
    await expect(new RemoteRetriever(stub.url, fast).searchMany(["x"], 1)).rejects.toThrow(/reply is not JSON/);
  });

  it("times out a server that does not answer, and retries", async () => {
    stub.faults.push({ delayMs: 1_000 }, { delayMs: 1_000 });
    const retriever = new RemoteRetriever(stub.url, { timeoutMs: 150, retries: 1, backoffMs: 10 });
    await expect(retriever.searchMany(["Danube"], 1)).rejects.toThrow(/no reply within 150 ms \(gave up after 2 attempts\)/);
  });

  it("recovers when only the first attempt times out", async () => {
    stub.faults.push({ delayMs: 1_000 });
    const retriever = new RemoteRetriever(stub.url, { timeoutMs: 150, retries: 1, backoffMs: 10 });
    const [hits] = await retriever.searchMany(["Danube"], 1);
    expect(hits![0]!.title).toBe("Danube");
  });

  it("reports a server that is not there", async () => {
    const gone = await startSearchR1Stub([]);
    const url = gone.url;
    await gone.close();
    await expect(new RemoteRetriever(url, fast).searchMany(["x"], 1)).rejects.toThrow(/request failed \(ECONNREFUSED\)/);
  });
});

describe("Search-R1 reply parsing", () => {
  it("rejects replies of the wrong shape", async () => {
    const { parseRetrieveReply } = await import("./remote");
    expect(() => parseRetrieveReply({}, 1, "x")).toThrow(/no "result" list/);
    expect(() => parseRetrieveReply({ result: [] }, 1, "x")).toThrow(/0 result lists for 1 queries/);
    expect(() => parseRetrieveReply({ result: [[{ document: {} }]] }, 1, "x")).toThrow(/no document.contents/);
  });

  it("accepts documents without scores (return_scores false)", async () => {
    const { parseRetrieveReply } = await import("./remote");
    const [hits] = parseRetrieveReply({ result: [[{ id: 7, contents: '"T"\ntext' }]] }, 1, "x");
    expect(hits![0]).toMatchObject({ id: "7", title: "T", contents: "text" });
    expect(hits![0]!.score).toBeNaN();
  });

  it("splits wiki-18 contents into title and text", () => {
    expect(splitTitle('"Paris"\nParis is a city.')).toEqual({ title: "Paris", text: "Paris is a city." });
    expect(splitTitle("no title line")).toEqual({ title: "", text: "no title line" });
  });

  it("normalises the endpoint and rejects bad URLs as configuration errors", () => {
    expect(retrieveEndpoint("http://h:8000")).toBe("http://h:8000/retrieve");
    expect(retrieveEndpoint("http://h:8000/retrieve/")).toBe("http://h:8000/retrieve");
    expect(() => retrieveEndpoint("not a url")).toThrow(RetrievalConfigError);
    expect(() => retrieveEndpoint("ftp://h/")).toThrow(/must be http\(s\)/);
  });
});
