// Answerable subsets against a real database and a real BM25 index over a few passages: called
// directly, and as a recipe step through the API (which opens the corpus file named by
// DISTILLERY_CORPUS, as the embedded web_search does).
import { mkdtempSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { DbHandle } from "@/db/client";
import { benchmarks, questions } from "@/db/schema";
import { inProcessApi } from "@/server/client/api";
import { recipeSchema } from "@/server/experiments/recipe";
import { runExperiment } from "@/server/experiments/run";
import { testDatabases } from "@/test/databases";
import { Bm25Retriever } from "@/server/tools/retrieval";
import { containsAnswer, createAnswerableSubset } from "./answerable";

describe("containsAnswer", () => {
  it("matches the normalised answer as whole words only", () => {
    expect(containsAnswer("The Eiffel Tower is in Paris, France.", "paris")).toBe(true);
    expect(containsAnswer("It opened in 1889 (the World's Fair).", "The 1889")).toBe(true);
    expect(containsAnswer("Parisian cafés", "Paris")).toBe(false);
    expect(containsAnswer("no, it is not", "no")).toBe(false); // yes/no answers cannot be checked by string
    expect(containsAnswer("anything", "")).toBe(false);
  });
});

const PASSAGES = [
  { id: "0", title: "Eiffel Tower", contents: "The Eiffel Tower is a wrought-iron lattice tower in Paris, completed in 1889." },
  { id: "1", title: "Mount Everest", contents: "Mount Everest is Earth's highest mountain, on the border of Nepal and China." },
  { id: "2", title: "Danube", contents: "The Danube flows through Vienna, Budapest and Belgrade into the Black Sea." },
];
const QUESTIONS = [
  { q: "In which city is the Eiffel Tower?", a: "Paris" },
  { q: "Who designed the Sydney Opera House?", a: "Jørn Utzon" },
  { q: "Which sea does the Danube flow into?", a: "the Black Sea" },
  { q: "Is Mount Everest in Nepal?", a: "yes" },
];

describe.each(testDatabases())("answerable subsets on $name", ({ open }) => {
  let handle: DbHandle;
  const retriever = Bm25Retriever.fromPassages(PASSAGES);
  beforeAll(async () => {
    handle = await open();
    const [qa] = await handle.db
      .insert(benchmarks)
      .values({ name: "toyqa", split: "test", kind: "qa", title: "Toy QA", sourceFile: "toy.json", metadata: { source: "toy" } })
      .returning();
    await handle.db
      .insert(questions)
      .values(QUESTIONS.map((x, i) => ({ benchmarkId: qa!.id, externalId: `q${i}`, position: i, question: x.q, answer: x.a })));
    await handle.db.insert(benchmarks).values({ name: "toymath", split: "test", kind: "math", title: "Toy math", sourceFile: "m.json" });
  });
  afterAll(async () => {
    await handle?.close();
  });

  it("keeps the questions whose answer the top passages hold, with their ids and order, as a new benchmark", async () => {
    const report = await createAnswerableSubset(handle.db, retriever, { from: "toyqa", k: 1 });
    expect(report).toEqual({ name: "toyqa_answerable", split: "test", from: "toyqa", k: 1, questions: 2, of: 4, created: true });
    const [bench] = await handle.db.select().from(benchmarks).where(eq(benchmarks.name, "toyqa_answerable"));
    expect(bench).toMatchObject({ kind: "qa", split: "test", metadata: { source: "toy", answerable: { from: "toyqa", k: 1 } } });
    const kept = await handle.db.select().from(questions).where(eq(questions.benchmarkId, bench!.id)).orderBy(questions.position);
    expect(kept.map((q) => [q.externalId, q.position, q.answer])).toEqual([
      ["q0", 0, "Paris"],
      ["q2", 2, "the Black Sea"],
    ]);
  });

  it("is idempotent for the same rule and refuses another rule under the same name", async () => {
    const again = await createAnswerableSubset(handle.db, retriever, { from: "toyqa", k: 1 });
    expect(again).toMatchObject({ questions: 2, of: 4, created: false });
    await expect(createAnswerableSubset(handle.db, retriever, { from: "toyqa", k: 2 })).rejects.toThrow(
      /already exists with another definition/,
    );
    const wider = await createAnswerableSubset(handle.db, retriever, { from: "toyqa", k: 2, name: "toyqa_k2" });
    expect(wider.created).toBe(true);
  });

  it("explains what is wrong with the source instead of writing anything", async () => {
    await expect(createAnswerableSubset(handle.db, retriever, { from: "nope" })).rejects.toThrow(/no benchmark "nope" with a test split/);
    await expect(createAnswerableSubset(handle.db, retriever, { from: "toymath" })).rejects.toThrow(/math benchmark/);
    await expect(
      createAnswerableSubset(handle.db, Bm25Retriever.fromPassages([PASSAGES[1]!]), { from: "toyqa", name: "none_found" }),
    ).rejects.toThrow(/no toyqa\/test question/);
    expect(await handle.db.select().from(benchmarks).where(eq(benchmarks.name, "none_found"))).toEqual([]);
  });

  it("runs as a recipe step, naming the benchmark it made, and again without change", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "answerable-corpus-"));
    const corpus = path.join(dir, "toy.jsonl");
    writeFileSync(corpus, PASSAGES.map((p) => JSON.stringify(p)).join("\n") + "\n");
    vi.stubEnv("DISTILLERY_CORPUS", corpus);
    try {
      const conn = { api: inProcessApi(handle.db), db: handle.db, via: "test", close: async () => {} };
      const recipe = recipeSchema.parse({
        name: "facts",
        steps: [{ id: "subset", kind: "answerable", with: { from: "toyqa", name: "toyqa_corpus" } }],
      });
      for (let i = 0; i < 2; i++) {
        const [state] = await runExperiment(conn, recipe);
        expect(state).toMatchObject({
          status: "succeeded",
          product: "toyqa_corpus/test",
          summary: "2 of 4 toyqa/test questions have their answer in the top 3 passages",
        });
      }
      expect(await handle.db.select().from(benchmarks).where(eq(benchmarks.name, "toyqa_corpus"))).toHaveLength(1);
    } finally {
      vi.unstubAllEnvs();
    }
  });
});
