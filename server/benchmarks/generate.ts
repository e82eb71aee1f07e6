// Generated benchmarks (the CPU task suite): questions from reasoning-gym's generators through the
// worker (worker/distillery_worker/tasks), stored as a benchmark with the generator, its version,
// config and seed. Idempotent: the same spec and seed give the same questions, so a second run adds
// nothing and a larger --n adds only the questions after the ones stored; another spec or seed
// under an existing name is refused. A name's train and test splits share one spec and draw from
// disjoint seed ranges (question i of a split is a function of seed + i).
import { and, eq } from "drizzle-orm";
import { z } from "zod";
import type { Db } from "@/db/client";
import { benchmarks, questions } from "@/db/schema";
import { InputError } from "@/server/errors";
import { runWorkerJson } from "@/server/worker/run-json";
import { generatedBy, type GeneratedBy } from "./generated-by";

export const MAX_GENERATED = 100_000;
export const MAX_SEED = 2 ** 40;
const GENERATE_TIMEOUT_MS = 600_000;
const INSERT_BATCH = 1000;

export const generateInput = z.object({
  /** A suite and its options: `arith_large` or `arith_large:max_digits=7`. */
  spec: z.string().trim().min(1).max(500),
  name: z
    .string()
    .regex(/^[a-z0-9][a-z0-9_]*$/, "lowercase letters, digits and _ only")
    .max(64),
  split: z.enum(["train", "test"]),
  n: z.number().int().min(1).max(MAX_GENERATED),
  seed: z.number().int().min(0).max(MAX_SEED),
});
export type GenerateInput = z.input<typeof generateInput>;

export type GenerateReport = GeneratedBy & { name: string; split: "train" | "test"; added: number; total: number; created: boolean };

type WorkerQuestion = { id: string; position: number; question: string; answer: string; meta: Record<string, unknown> };
type WorkerOutput = {
  spec: string;
  suite: string;
  config: Record<string, unknown>;
  generator: { library: string; version: string };
  seed: number;
  questions: WorkerQuestion[];
};

function runGenerator(spec: string, seed: number, start: number, n: number): Promise<WorkerOutput> {
  return runWorkerJson<WorkerOutput>({
    module: "distillery_worker.tasks",
    // "--": a spec is never read as a flag, whatever it starts with.
    args: ["generate", "--seed", String(seed), "--start", String(start), "--n", String(n), "--", spec],
    timeoutMs: GENERATE_TIMEOUT_MS,
    what: "the task generator",
  });
}

export async function generateBenchmark(db: Db, rawInput: GenerateInput): Promise<GenerateReport> {
  const input = generateInput.parse(rawInput);
  const named = await db.select().from(benchmarks).where(eq(benchmarks.name, input.name));
  const existing = named.find((b) => b.split === input.split);
  if (named.some((b) => !generatedBy(b.metadata))) {
    throw new InputError(`benchmark ${input.name} exists and was not generated; pick another --name`);
  }
  const have = existing ? await db.$count(questions, eq(questions.benchmarkId, existing.id)) : 0;
  const made = await runGenerator(input.spec, input.seed, have, Math.max(0, input.n - have));
  const by: GeneratedBy = {
    spec: made.spec,
    suite: made.suite,
    config: made.config,
    library: made.generator.library,
    version: made.generator.version,
    seed: input.seed,
  };

  for (const other of named) {
    const stored = generatedBy(other.metadata)!;
    if (stored.spec !== by.spec) {
      throw new InputError(`benchmark ${input.name} was generated from ${stored.spec}, not ${by.spec}; pick another --name`);
    }
    if (other.split === input.split && stored.seed !== by.seed) {
      throw new InputError(`${input.name}/${input.split} was generated with seed ${stored.seed}, not ${by.seed}`);
    }
    if (other.split !== input.split) {
      const otherCount = await db.$count(questions, eq(questions.benchmarkId, other.id));
      const overlap = input.seed < stored.seed + otherCount && stored.seed < input.seed + Math.max(input.n, have);
      if (overlap) {
        throw new InputError(
          `${input.name}/${input.split} would draw from seeds ${input.seed}–${input.seed + Math.max(input.n, have) - 1}, ` +
            `which overlap ${other.split}'s ${stored.seed}–${stored.seed + otherCount - 1}; choose a seed outside them`,
        );
      }
    }
  }

  const report = { name: input.name, split: input.split, ...by, added: made.questions.length, total: have + made.questions.length };
  if (made.questions.length === 0) return { ...report, created: false };

  await db.transaction(async (tx) => {
    let benchmarkId = existing?.id;
    if (benchmarkId === undefined) {
      await tx
        .insert(benchmarks)
        .values({
          name: input.name,
          split: input.split,
          kind: "math",
          title: `${by.suite} (generated: ${by.library} ${by.version}, seed ${by.seed})`,
          sourceFile: `generated:${by.spec}`,
          metadata: { generated: by },
        })
        .onConflictDoNothing(); // another process created it meanwhile, from the same spec (checked above)
      const [row] = await tx
        .select({ id: benchmarks.id })
        .from(benchmarks)
        .where(and(eq(benchmarks.name, input.name), eq(benchmarks.split, input.split)));
      benchmarkId = row!.id;
    }
    // The same questions added meanwhile by another process are skipped: ids are unique per benchmark.
    const all = made.questions.map(({ id, ...q }) => ({ ...q, benchmarkId, externalId: id }));
    for (let i = 0; i < all.length; i += INSERT_BATCH)
      await tx
        .insert(questions)
        .values(all.slice(i, i + INSERT_BATCH))
        .onConflictDoNothing();
  });
  return { ...report, created: !existing };
}
