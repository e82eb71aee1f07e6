// Reads data/benchmarks/: the manifest names each file, and each file holds
// {metadata, examples:[{id, question, answer, …}]}. Malformed files fail with the file named.
import fs from "node:fs";
import path from "node:path";
import { z } from "zod";
import { InputError } from "@/server/errors";
import { repoPath } from "@/server/worker/root";

const manifestEntry = z.object({
  name: z.string().regex(/^[a-z0-9_]+$/),
  split: z.enum(["train", "test"]),
  kind: z.enum(["qa", "math"]),
  title: z.string(),
  file: z.string(),
});
export type BenchmarkEntry = z.infer<typeof manifestEntry>;

const example = z
  .object({
    id: z.union([z.string(), z.number()]),
    question: z.string().min(1),
    // A few source rows have no gold answer (null); they are skipped at import, not guessed.
    answer: z.union([z.string(), z.number(), z.null()]),
  })
  .passthrough();

const benchmarkFile = z.object({
  metadata: z.record(z.string(), z.unknown()).default({}),
  examples: z.array(example).min(1),
});

export type BenchmarkQuestion = {
  externalId: string;
  position: number;
  question: string;
  answer: string;
  meta: Record<string, unknown>;
};

export function benchmarksDir(): string {
  return path.resolve(/*turbopackIgnore: true*/ process.env.DISTILLERY_BENCHMARKS_DIR ?? repoPath("data", "benchmarks"));
}

export function readManifest(dir = benchmarksDir()): BenchmarkEntry[] {
  const file = path.join(/*turbopackIgnore: true*/ dir, "manifest.json");
  const parsed = z.object({ benchmarks: z.array(manifestEntry) }).safeParse(readJson(file));
  if (!parsed.success) throw new InputError(`${file}: ${parsed.error.issues[0]?.message ?? "invalid manifest"}`);
  return parsed.data.benchmarks;
}

export function readBenchmarkFile(entry: BenchmarkEntry, dir = benchmarksDir()) {
  const file = path.join(/*turbopackIgnore: true*/ dir, entry.file);
  const parsed = benchmarkFile.safeParse(readJson(file));
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new InputError(`${file}: ${issue?.path.join(".") ?? ""} ${issue?.message ?? "invalid benchmark file"}`);
  }
  const questions: BenchmarkQuestion[] = [];
  parsed.data.examples.forEach(({ id, question, answer, ...meta }, position) => {
    if (answer !== null) questions.push({ externalId: String(id), position, question, answer: String(answer), meta });
  });
  return { metadata: parsed.data.metadata, questions, skipped: parsed.data.examples.length - questions.length };
}

function readJson(file: string): unknown {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch {
    throw new InputError(`${file}: cannot read file`);
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new InputError(`${file}: not valid JSON (${(err as Error).message})`);
  }
}
