// Server-side pagination and text search over one benchmark's questions.
import { and, asc, eq, ilike, or, sql } from "drizzle-orm";
import { z } from "zod";
import type { Db } from "@/db/client";
import { benchmarks, questions } from "@/db/schema";

export const questionPageInput = z.object({
  benchmarkId: z.number().int().positive(),
  search: z.string().trim().max(200).default(""),
  page: z.number().int().min(1).default(1),
  pageSize: z.number().int().min(1).max(200).default(50),
});
export type QuestionPageInput = z.input<typeof questionPageInput>;

/** Escape LIKE wildcards so a search for "50%" means the text "50%". */
function likePattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => "\\" + c)}%`;
}

export async function getBenchmark(db: Db, id: number) {
  const [row] = await db.select().from(benchmarks).where(eq(benchmarks.id, id));
  return row ?? null;
}

export async function listQuestions(db: Db, rawInput: QuestionPageInput) {
  const input = questionPageInput.parse(rawInput);
  const where = and(
    eq(questions.benchmarkId, input.benchmarkId),
    input.search ? or(ilike(questions.question, likePattern(input.search)), ilike(questions.answer, likePattern(input.search))) : undefined,
  );
  const [rows, [total]] = await Promise.all([
    db
      .select({
        id: questions.id,
        externalId: questions.externalId,
        position: questions.position,
        question: questions.question,
        answer: questions.answer,
      })
      .from(questions)
      .where(where)
      .orderBy(asc(questions.position))
      .limit(input.pageSize)
      .offset((input.page - 1) * input.pageSize),
    db
      .select({ count: sql<number>`count(*)::int` })
      .from(questions)
      .where(where),
  ]);
  return { rows, total: total?.count ?? 0, page: input.page, pageSize: input.pageSize };
}
