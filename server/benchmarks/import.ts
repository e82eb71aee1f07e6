// Loads the benchmark files into the database. Idempotent: every file is validated before
// anything is written, everything lands in one transaction, and rows already present are kept.
import { and, eq, sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import { benchmarks, questions } from "@/db/schema";
import { benchmarksDir, readBenchmarkFile, readManifest } from "./catalog";

export type ImportReport = {
  benchmarks: { name: string; split: string; questions: number; added: number; skipped: number }[];
  addedBenchmarks: number;
  addedQuestions: number;
};

const BATCH = 500;

export async function importBenchmarks(db: Db, dir = benchmarksDir()): Promise<ImportReport> {
  const loaded = readManifest(dir).map((entry) => ({ entry, ...readBenchmarkFile(entry, dir) }));
  return db.transaction(async (tx) => {
    const report: ImportReport = { benchmarks: [], addedBenchmarks: 0, addedQuestions: 0 };
    for (const { entry, metadata, questions: rows, skipped } of loaded) {
      const inserted = await tx
        .insert(benchmarks)
        .values({ name: entry.name, split: entry.split, kind: entry.kind, title: entry.title, sourceFile: entry.file, metadata })
        .onConflictDoNothing()
        .returning({ id: benchmarks.id });
      report.addedBenchmarks += inserted.length;
      const [bench] = await tx
        .select({ id: benchmarks.id })
        .from(benchmarks)
        .where(and(eq(benchmarks.name, entry.name), eq(benchmarks.split, entry.split)));
      if (!bench) throw new Error(`benchmark ${entry.name}/${entry.split} vanished during import`);
      let added = 0;
      for (let i = 0; i < rows.length; i += BATCH) {
        const batch = rows.slice(i, i + BATCH).map((q) => ({ ...q, benchmarkId: bench.id }));
        const res = await tx.insert(questions).values(batch).onConflictDoNothing().returning({ id: questions.id });
        added += res.length;
      }
      report.addedQuestions += added;
      report.benchmarks.push({ name: entry.name, split: entry.split, questions: rows.length, added, skipped });
    }
    return report;
  });
}

/** Every benchmark with its question count, in manifest-like order (train first, then test). */
export async function listBenchmarks(db: Db) {
  return db
    .select({
      id: benchmarks.id,
      name: benchmarks.name,
      split: benchmarks.split,
      kind: benchmarks.kind,
      title: benchmarks.title,
      questionCount: sql<number>`count(${questions.id})::int`,
    })
    .from(benchmarks)
    .leftJoin(questions, eq(questions.benchmarkId, benchmarks.id))
    .groupBy(benchmarks.id)
    .orderBy(sql`${benchmarks.split} = 'test'`, benchmarks.id);
}
