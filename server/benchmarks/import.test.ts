import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DbHandle } from "@/db/client";
import { testDatabases } from "@/test/databases";
import { importBenchmarks, listBenchmarks } from "./import";
import { listQuestions } from "./questions";

describe.each(testDatabases())("benchmarks on $name", ({ open }) => {
  let handle: DbHandle;
  beforeAll(async () => {
    handle = await open();
  });
  afterAll(async () => {
    await handle?.close();
  });

  it("imports all 11 benchmark files, then adds nothing on a second run", async () => {
    const first = await importBenchmarks(handle.db);
    expect(first.benchmarks).toHaveLength(11);
    expect(first.addedBenchmarks).toBe(11);
    // 5,915 source rows; two MATH-medium rows have no gold answer and are skipped.
    expect(first.addedQuestions).toBe(5913);
    expect(first.benchmarks.find((b) => b.name === "math_medium")?.skipped).toBe(2);

    const second = await importBenchmarks(handle.db);
    expect(second.addedBenchmarks).toBe(0);
    expect(second.addedQuestions).toBe(0);
  });

  it("lists every benchmark with kind, split and question count", async () => {
    const list = await listBenchmarks(handle.db);
    const gsm = list.find((b) => b.name === "gsm_hard");
    expect(gsm).toMatchObject({ kind: "math", split: "test", questionCount: 500 });
    expect(list.find((b) => b.name === "hotpotqa" && b.split === "train")?.questionCount).toBe(1000);
    expect(list.find((b) => b.name === "bamboogle")).toMatchObject({ kind: "qa", questionCount: 125 });
  });

  it("pages and searches questions on the server", async () => {
    const gsm = (await listBenchmarks(handle.db)).find((b) => b.name === "gsm_hard")!;
    const page2 = await listQuestions(handle.db, { benchmarkId: gsm.id, page: 2, pageSize: 20 });
    expect(page2.total).toBe(500);
    expect(page2.rows).toHaveLength(20);
    expect(page2.rows[0]!.position).toBe(20);

    const hits = await listQuestions(handle.db, { benchmarkId: gsm.id, search: "JANET" });
    expect(hits.total).toBeGreaterThan(0);
    expect(hits.total).toBeLessThan(500);
    for (const row of hits.rows) expect(row.question.toLowerCase()).toContain("janet");

    const literal = await listQuestions(handle.db, { benchmarkId: gsm.id, search: "%" });
    for (const row of literal.rows) expect(row.question + row.answer).toContain("%");
  });

  it("keeps GSM-Hard's float answers exact", async () => {
    const gsm = (await listBenchmarks(handle.db)).find((b) => b.name === "gsm_hard")!;
    const { rows } = await listQuestions(handle.db, { benchmarkId: gsm.id, pageSize: 1 });
    expect(Number(rows[0]!.answer)).toBe(13138980);
  });
});
