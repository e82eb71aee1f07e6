// Generated benchmarks against a real database and the real generator (the worker's reasoning-gym
// suites): idempotence, extension, refusals that write nothing, disjoint seed ranges; and the CLI
// as a user runs it (one line and exit 2 for a bad spec).
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { asc, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DbHandle } from "@/db/client";
import { benchmarks, questions } from "@/db/schema";
import { runCli } from "@/test/cli";
import { testDatabases } from "@/test/databases";
import { generateBenchmark } from "./generate";

describe.each(testDatabases())("generated benchmarks on $name", ({ open }) => {
  let handle: DbHandle;
  beforeAll(async () => {
    handle = await open();
  });
  afterAll(async () => {
    await handle?.close();
  });

  async function stored(name: string, split: string) {
    const [bench] = await handle.db
      .select()
      .from(benchmarks)
      .where(eq(benchmarks.name, name))
      .then((rows) => rows.filter((b) => b.split === split));
    if (!bench) return null;
    const rows = await handle.db.select().from(questions).where(eq(questions.benchmarkId, bench.id)).orderBy(asc(questions.position));
    return { bench, rows };
  }

  it("stores the questions with the generator, its version, config and seed; a second run adds nothing", async () => {
    const made = await generateBenchmark(handle.db, { spec: "arith_large", name: "arith", split: "train", n: 20, seed: 0 });
    expect(made).toMatchObject({ name: "arith", split: "train", added: 20, total: 20, created: true, suite: "arith_large", seed: 0 });
    expect(made.spec).toBe("arith_large:max_digits=9,max_terms=3,min_digits=5,min_terms=2,operators=+-*");
    const first = await stored("arith", "train");
    expect(first!.bench).toMatchObject({
      kind: "math",
      metadata: { generated: { library: "reasoning-gym", version: "0.1.25", seed: 0, config: { min_digits: 5, max_digits: 9 } } },
    });
    expect(first!.rows.map((q) => q.position)).toEqual([...Array(20).keys()]);
    expect(first!.rows[0]!.question).toMatch(/^Calculate .+\.$/);

    const again = await generateBenchmark(handle.db, { spec: "arith_large:max_digits=9", name: "arith", split: "train", n: 20, seed: 0 });
    expect(again).toMatchObject({ added: 0, total: 20, created: false });
    expect((await stored("arith", "train"))!.rows).toEqual(first!.rows);
  });

  it("adds only the questions after those stored when asked for more, the first ones unchanged", async () => {
    const before = (await stored("arith", "train"))!.rows;
    const more = await generateBenchmark(handle.db, { spec: "arith_large", name: "arith", split: "train", n: 30, seed: 0 });
    expect(more).toMatchObject({ added: 10, total: 30, created: false });
    const after = (await stored("arith", "train"))!.rows;
    expect(after.slice(0, 20)).toEqual(before);
    // The same 30 made in one go are the same questions.
    await generateBenchmark(handle.db, { spec: "arith_large", name: "arith_once", split: "train", n: 30, seed: 0 });
    expect((await stored("arith_once", "train"))!.rows.map((q) => [q.question, q.answer])).toEqual(
      after.map((q) => [q.question, q.answer]),
    );
  });

  // Seven generator calls, each a Python start (reasoning-gym's import): slow on a loaded machine.
  it(
    "refuses another spec or seed under a name, overlapping seed ranges, and unknown generators, writing nothing",
    { timeout: 300_000 },
    async () => {
      const count = async () => (await handle.db.select().from(questions)).length;
      const n0 = await count();
      const refusals: [Parameters<typeof generateBenchmark>[1], RegExp][] = [
        [
          { spec: "arith_large:max_digits=7", name: "arith", split: "train", n: 30, seed: 0 },
          /generated from arith_large:max_digits=9.*not arith_large:max_digits=7/,
        ],
        [{ spec: "arith_large", name: "arith", split: "train", n: 30, seed: 5 }, /arith\/train was generated with seed 0, not 5/],
        [{ spec: "arith_large", name: "arith", split: "test", n: 10, seed: 25 }, /seeds 25–34, which overlap train's 0–29/],
        [{ spec: "gsm_symbolic", name: "arith", split: "test", n: 10, seed: 1000 }, /generated from arith_large.*not gsm_symbolic/],
        [{ spec: "arith_huge", name: "other", split: "train", n: 10, seed: 0 }, /unknown generator 'arith_huge'/],
        [{ spec: "--n=5", name: "other", split: "train", n: 10, seed: 0 }, /unknown generator '--n=5'/], // never read as a flag
        [{ spec: "arith_large:digits=3", name: "other", split: "train", n: 10, seed: 0 }, /arith_large has no option 'digits'/],
      ];
      for (const [input, message] of refusals) await expect(generateBenchmark(handle.db, input)).rejects.toThrow(message);
      expect(await count()).toBe(n0);
      expect(await stored("other", "train")).toBeNull();
      expect(await stored("arith", "test")).toBeNull();

      const test = await generateBenchmark(handle.db, { spec: "arith_large", name: "arith", split: "test", n: 10, seed: 1000 });
      expect(test).toMatchObject({ added: 10, created: true });
      const train = new Set((await stored("arith", "train"))!.rows.map((q) => q.question));
      expect((await stored("arith", "test"))!.rows.some((q) => train.has(q.question))).toBe(false);
    },
  );

  it("refuses a name that belongs to an imported benchmark", async () => {
    await handle.db.insert(benchmarks).values({ name: "gsm_hard", split: "test", kind: "math", title: "GSM-Hard", sourceFile: "x.json" });
    await expect(generateBenchmark(handle.db, { spec: "gsm_symbolic", name: "gsm_hard", split: "train", n: 5, seed: 0 })).rejects.toThrow(
      /exists and was not generated/,
    );
  });
});

describe("distillery benchmarks generate (CLI)", () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "distillery-generate-"));

  // Eight CLI runs, each a Node start, the embedded database and (for most) a generator call.
  it("creates, then reports nothing new; a bad spec or flag is one line and exit 2", { timeout: 600_000 }, async () => {
    const args = ["benchmarks", "generate", "gsm_symbolic_large", "--name", "gsl", "--split", "test", "--n", "5", "--seed", "9"];
    const first = await runCli(dataDir, args);
    expect(first.status, first.stderr).toBe(0);
    expect(first.stdout).toMatch(
      /^Created gsl\/test \(gsm_symbolic_large:max_factor=99999,min_factor=1000, reasoning-gym 0\.1\.25, seed 9\): added 5, 5 in all\./,
    );
    const second = await runCli(dataDir, [...args, "--json"]);
    expect(JSON.parse(second.stdout)).toMatchObject({ added: 0, total: 5, created: false });
    expect((await runCli(dataDir, args)).stdout).toMatch(/^Nothing new: gsl\/test/);

    for (const [bad, message] of [
      [["benchmarks", "generate", "nope", "--name", "x", "--split", "train", "--n", "5", "--seed", "1"], /unknown generator 'nope'/],
      [
        ["benchmarks", "generate", "arith_large:max_digits=99", "--name", "x", "--split", "train", "--n", "5", "--seed", "1"],
        /between 1 and 12/,
      ],
      [
        ["benchmarks", "generate", "arith_large", "--name", "x", "--split", "dev", "--n", "5", "--seed", "1"],
        /--split must be train or test/,
      ],
      [["benchmarks", "generate", "arith_large", "--name", "x", "--split", "train", "--n", "0", "--seed", "1"], /--n must be ≥ 1/],
    ] as const) {
      const result = await runCli(dataDir, [...bad]);
      expect(result.status).toBe(2);
      expect(result.stderr.trim().split("\n")).toHaveLength(1);
      expect(result.stderr).toMatch(message);
    }
    const list = JSON.parse((await runCli(dataDir, ["benchmarks", "list", "--json"])).stdout) as { name: string }[];
    expect(list.map((b) => b.name)).toEqual(["gsl"]);
  });
});
