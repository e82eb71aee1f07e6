// An answerable subset of a QA benchmark: the questions whose gold answer the retriever's top-k
// passages for the question itself contain. The embedded corpus is a small Wikipedia (≈10k lead
// sections), so most multi-hop questions have no answer in it at all (data/README.md); a subset
// like this is the factual set a CPU-scale experiment can measure tools on. It is stored as a
// benchmark of its own (same questions, ids and order), with its rule in the metadata.
import { and, asc, eq } from "drizzle-orm";
import { z } from "zod";
import type { Db } from "@/db/client";
import { benchmarks, questions } from "@/db/schema";
import { InputError } from "@/server/errors";
import { normalizeAnswer } from "@/server/scoring/qa";
import { passageText, WEB_SEARCH_TOP_K, type Retriever } from "@/server/tools/retrieval";

export const answerableInput = z.object({
  from: z.string().min(1),
  split: z.enum(["train", "test"]).default("test"),
  /** Passages looked at per question: by default as many as the agent's web_search returns. */
  k: z.number().int().min(1).max(50).default(WEB_SEARCH_TOP_K),
  /** "bm25" (the embedded corpus) or a Search-R1 URL, as for runs. */
  retriever: z.string().min(1).default("bm25"),
  /** Defaults to `<from>_answerable`. */
  name: z
    .string()
    .regex(/^[a-z0-9][a-z0-9_]*$/, "lowercase letters, digits and _ only")
    .optional(),
});
export type AnswerableInput = z.input<typeof answerableInput>;

export function answerableBenchmarkName(input: { from: string; name?: string }): string {
  return input.name ?? `${input.from}_answerable`;
}

export type AnswerableReport = { name: string; split: string; from: string; k: number; questions: number; of: number; created: boolean };

const SEARCH_BATCH = 100;

/** "31 of 500 hotpotqa/test questions have their answer in the top 3 passages" */
export function describeAnswerable(report: AnswerableReport): string {
  return `${report.questions} of ${report.of} ${report.from}/${report.split} questions have their answer in the top ${report.k} passages`;
}

/** Yes/no answers are in every passage as words, so they never count as found. */
const UNCHECKABLE = new Set(["yes", "no"]);

/** Whether `answer`, normalised as the QA scorer does, occurs as whole words in `text`. */
export function containsAnswer(text: string, answer: string): boolean {
  const needle = normalizeAnswer(answer);
  if (!needle || UNCHECKABLE.has(needle)) return false;
  return ` ${normalizeAnswer(text)} `.includes(` ${needle} `);
}

export async function createAnswerableSubset(db: Db, retriever: Retriever, rawInput: AnswerableInput): Promise<AnswerableReport> {
  const input = answerableInput.parse(rawInput);
  const name = answerableBenchmarkName(input);
  const rule = { from: input.from, split: input.split, k: input.k, retriever: retriever.name };
  const [source] = await db
    .select()
    .from(benchmarks)
    .where(and(eq(benchmarks.name, input.from), eq(benchmarks.split, input.split)));
  if (!source) throw new InputError(`no benchmark "${input.from}" with a ${input.split} split (npx distillery import-benchmarks)`);
  if (source.kind !== "qa") throw new InputError(`${input.from} is a ${source.kind} benchmark: answerable subsets are for QA`);

  const [existing] = await db
    .select()
    .from(benchmarks)
    .where(and(eq(benchmarks.name, name), eq(benchmarks.split, input.split)));
  if (existing) {
    const stored = (existing.metadata.answerable ?? {}) as Record<string, unknown>;
    if (Object.entries(rule).some(([key, value]) => stored[key] !== value)) {
      throw new InputError(`benchmark ${name}/${input.split} already exists with another definition; pick another --name`);
    }
    const count = await db.$count(questions, eq(questions.benchmarkId, existing.id));
    const of = await db.$count(questions, eq(questions.benchmarkId, source.id));
    return { name, split: input.split, from: input.from, k: input.k, questions: count, of, created: false };
  }

  const all = await db.select().from(questions).where(eq(questions.benchmarkId, source.id)).orderBy(asc(questions.position));
  const kept: typeof all = [];
  for (let i = 0; i < all.length; i += SEARCH_BATCH) {
    const batch = all.slice(i, i + SEARCH_BATCH);
    const found = await retriever.searchMany(
      batch.map((q) => q.question),
      input.k,
    );
    batch.forEach((q, j) => {
      if (containsAnswer(found[j]!.map(passageText).join("\n"), q.answer)) kept.push(q);
    });
  }
  if (kept.length === 0) throw new InputError(`no ${input.from}/${input.split} question has its answer in the top ${input.k} passages`);

  await db.transaction(async (tx) => {
    const [bench] = await tx
      .insert(benchmarks)
      .values({
        name,
        split: input.split,
        kind: source.kind,
        title: `${source.title}: answer in the top ${input.k} passages`,
        sourceFile: source.sourceFile,
        metadata: { ...source.metadata, answerable: rule },
      })
      .returning({ id: benchmarks.id });
    const rows = kept.map(({ externalId, position, question, answer, meta }) => ({
      benchmarkId: bench!.id,
      externalId,
      position,
      question,
      answer,
      meta,
    }));
    await tx.insert(questions).values(rows);
  });
  return { name, split: input.split, from: input.from, k: input.k, questions: kept.length, of: all.length, created: true };
}
