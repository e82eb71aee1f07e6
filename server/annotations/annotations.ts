// Verdicts on trajectories: an append-only log per trajectory where the newest record wins, unless
// an adjudicator ruled (a "final" verdict wins over ordinary ones). Undo deletes the newest record
// *of the same user* on that trajectory, so the verdict falls back to whatever was there before
// (another user's, or none) and nobody can undo someone else. In team mode "the same user" is the
// same account (its id, from the session); in single-user mode it is the same display name among
// verdicts that belong to no account. Every change is audited (verdicts.ts).
import { and, desc, eq, isNull } from "drizzle-orm";
import { z } from "zod";
import type { Db } from "@/db/client";
import { annotations, verdictEvents } from "@/db/schema";
import { InputError } from "@/server/errors";
import { REJECT_REASONS, VERDICTS } from "./reasons";
import { changeVerdicts, type VerdictEvent, type Who } from "./verdicts";

export const annotationInput = z
  .object({
    trajectoryId: z.number().int().positive(),
    verdict: z.enum(VERDICTS),
    reason: z.enum(REJECT_REASONS).optional(),
    note: z.string().max(4000).optional(),
  })
  .refine((a) => a.verdict === "accept" || a.reason !== undefined, { message: "a rejection needs a reason", path: ["reason"] });
export type AnnotationInput = z.infer<typeof annotationInput>;

export type Annotation = typeof annotations.$inferSelect;
/** Who gives a verdict: a bare name (single-user mode, rules) or a team-mode account. */
export type Annotator = string | Who;

export const annotatorOf = (who: Annotator): Who => (typeof who === "string" ? { name: who, userId: null } : who);

/** A verdict by `who`; `final` records an adjudicator's ruling, which wins over ordinary verdicts. */
export async function addAnnotation(db: Db, who: Annotator, input: AnnotationInput, opts: { final?: boolean } = {}): Promise<Annotation> {
  const parsed = annotationInput.parse(input);
  const annotator = annotatorOf(who);
  return db.transaction(async (tx) => {
    let added: Annotation | undefined;
    await changeVerdicts(tx, annotator, [parsed.trajectoryId], async (existing) => {
      if (existing.length === 0) throw new InputError(`no trajectory ${parsed.trajectoryId}`);
      [added] = await tx
        .insert(annotations)
        .values({
          trajectoryId: parsed.trajectoryId,
          userName: annotator.name,
          userId: annotator.userId,
          verdict: parsed.verdict,
          // A reason only makes sense for a rejection; an accept never carries a stale one.
          reason: parsed.verdict === "reject" ? parsed.reason : null,
          note: parsed.note?.trim() || null,
          kind: opts.final ? "final" : "verdict",
        })
        .returning();
      return { action: opts.final ? "final" : "add", verdict: added!.verdict, reason: added!.reason };
    });
    return added!;
  });
}

/** Remove this user's newest annotation on the trajectory; null when there was none. */
export async function undoAnnotation(db: Db, who: Annotator, trajectoryId: number): Promise<Annotation | null> {
  const annotator = annotatorOf(who);
  const own = annotator.userId
    ? eq(annotations.userId, annotator.userId)
    : and(eq(annotations.userName, annotator.name), isNull(annotations.userId));
  return db.transaction(async (tx) => {
    let latest: Annotation | undefined;
    await changeVerdicts(tx, annotator, [trajectoryId], async (existing) => {
      if (existing.length === 0) return null;
      [latest] = await tx
        .select()
        .from(annotations)
        .where(and(eq(annotations.trajectoryId, trajectoryId), own))
        .orderBy(desc(annotations.createdAt), desc(annotations.id))
        .limit(1);
      if (!latest) return null;
      await tx.delete(annotations).where(eq(annotations.id, latest.id));
      return { action: "undo", verdict: latest.verdict, reason: latest.reason, batchId: latest.batchId };
    });
    return latest ?? null;
  });
}

/** Every annotation of a trajectory, newest first. */
export async function annotationHistory(db: Db, trajectoryId: number): Promise<Annotation[]> {
  return db
    .select()
    .from(annotations)
    .where(eq(annotations.trajectoryId, trajectoryId))
    .orderBy(desc(annotations.createdAt), desc(annotations.id));
}

/** The audit of a trajectory's verdicts: every change, newest first. */
export async function verdictAudit(db: Db, trajectoryId: number): Promise<VerdictEvent[]> {
  return db
    .select()
    .from(verdictEvents)
    .where(eq(verdictEvents.trajectoryId, trajectoryId))
    .orderBy(desc(verdictEvents.createdAt), desc(verdictEvents.id));
}
