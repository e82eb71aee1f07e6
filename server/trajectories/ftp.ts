// First-thought-prefix pairing: the same question answered by the same teacher model in one
// run with FTP and one without. Pairs drive the "Compare FTP" view and the run-level list of
// questions whose outcome FTP changed.
import { and, asc, desc, eq, ne, sql } from "drizzle-orm";
import { alias } from "drizzle-orm/pg-core";
import type { Db } from "@/db/client";
import { questions, runs, trajectories } from "@/db/schema";

/** A run's FTP setting, in SQL (false when its config never said). */
export const ftpOf = (table: typeof runs) => sql<boolean>`coalesce((${table.config}->>'ftp')::boolean, false)`;

/** Trajectories of the same question by the same model with the opposite FTP setting. */
export async function ftpPartners(db: Db, trajectoryId: number) {
  const [self] = await db
    .select({
      questionId: trajectories.questionId,
      sampleIdx: trajectories.sampleIdx,
      model: runs.modelName,
      mode: runs.mode,
      role: runs.role,
      ftp: ftpOf(runs),
    })
    .from(trajectories)
    .innerJoin(runs, eq(runs.id, trajectories.runId))
    .where(eq(trajectories.id, trajectoryId));
  // FTP is a teacher-data technique: only teacher agent runs are paired.
  if (!self || self.mode !== "agent" || self.role !== "teacher") return [];
  return (
    db
      .select({
        id: trajectories.id,
        runName: runs.name,
        ftp: ftpOf(runs),
        sampleIdx: trajectories.sampleIdx,
        correct: trajectories.correct,
        status: trajectories.status,
      })
      .from(trajectories)
      .innerJoin(runs, eq(runs.id, trajectories.runId))
      .where(
        and(
          eq(trajectories.questionId, self.questionId),
          eq(runs.modelName, self.model),
          eq(runs.mode, "agent"),
          eq(runs.role, "teacher"),
          ne(ftpOf(runs), self.ftp),
        ),
      )
      // The same sample index first, then the newest run.
      .orderBy(sql`(${trajectories.sampleIdx} = ${self.sampleIdx}) desc`, desc(runs.id), asc(trajectories.sampleIdx))
      .limit(20)
  );
}

/** Runs that can be paired with `runName`: same model and benchmark, agent mode, opposite FTP. */
export async function ftpPartnerRuns(db: Db, runName: string) {
  const [run] = await db.select().from(runs).where(eq(runs.name, runName));
  if (!run) return null;
  const cfg = run.config as { ftp?: boolean; benchmark?: string; split?: string };
  if (run.role !== "teacher" || run.mode !== "agent") return { run, ftp: Boolean(cfg.ftp), partners: [] };
  const partners = await db
    .select({ name: runs.name })
    .from(runs)
    .where(
      and(
        eq(runs.modelName, run.modelName),
        eq(runs.mode, "agent"),
        eq(runs.role, "teacher"),
        ne(ftpOf(runs), Boolean(cfg.ftp)),
        sql`${runs.config}->>'benchmark' is not distinct from ${cfg.benchmark ?? null}`,
        sql`${runs.config}->>'split' is not distinct from ${cfg.split ?? null}`,
      ),
    )
    .orderBy(desc(runs.id));
  return { run, ftp: Boolean(cfg.ftp), partners: partners.map((p) => p.name) };
}

/** Questions whose correctness differs between an FTP run and its non-FTP partner run. */
export async function ftpOutcomeChanges(db: Db, runName: string, partnerName?: string) {
  const found = await ftpPartnerRuns(db, runName);
  if (!found) return null;
  const partner = partnerName && found.partners.includes(partnerName) ? partnerName : found.partners[0];
  if (!partner) return { run: runName, ftp: found.ftp, partner: null, partners: [], paired: 0, rows: [] };
  const [other] = await db.select({ id: runs.id }).from(runs).where(eq(runs.name, partner));
  const mine = alias(trajectories, "mine");
  const theirs = alias(trajectories, "theirs");
  const pairs = await db
    .select({
      questionId: mine.questionId,
      question: sql<string>`left(${questions.question}, 240)`,
      mineId: mine.id,
      mineCorrect: mine.correct,
      theirsId: theirs.id,
      theirsCorrect: theirs.correct,
    })
    .from(mine)
    .innerJoin(theirs, and(eq(theirs.questionId, mine.questionId), eq(theirs.sampleIdx, mine.sampleIdx), eq(theirs.runId, other!.id)))
    .innerJoin(questions, eq(questions.id, mine.questionId))
    .where(and(eq(mine.runId, found.run.id), eq(mine.sampleIdx, 0)))
    .orderBy(asc(mine.id));
  // Orient every row as FTP vs no FTP, whichever side this run is.
  const rows = pairs
    .filter((p) => Boolean(p.mineCorrect) !== Boolean(p.theirsCorrect))
    .map((p) => {
      const [ftpId, ftpCorrect, plainId, plainCorrect] = found.ftp
        ? [p.mineId, p.mineCorrect, p.theirsId, p.theirsCorrect]
        : [p.theirsId, p.theirsCorrect, p.mineId, p.mineCorrect];
      return { questionId: p.questionId, question: p.question, ftpId, ftpCorrect, plainId, plainCorrect };
    });
  return { run: runName, ftp: found.ftp, partner, partners: found.partners, paired: pairs.length, rows };
}
