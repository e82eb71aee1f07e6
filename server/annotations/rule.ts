// Verdicts by a named rule instead of a person ("rule:finished"): every trajectory of the given
// runs that passes the rule's checks (the dataset checks, server/datasets/checks.ts) is accepted,
// every other one rejected with the failed checks in its note. They are written by addAnnotation,
// so they are ordinary annotations whose user is the rule. A rule never overrides a person (a
// trajectory any non-rule user annotated is skipped) and never annotates a trajectory twice, so
// applying it again only annotates trajectories that are new since.
import { and, eq, inArray, sql, type SQL } from "drizzle-orm";
import { z } from "zod";
import type { Db } from "@/db/client";
import { annotations, trajectories } from "@/db/schema";
import { checkConditions, type CheckCondition, type CheckName } from "@/server/datasets/checks";
import { trajectoryChecks } from "@/server/datasets/spec";
import { findRunsByName } from "@/server/runs/find";
import { addAnnotation } from "./annotations";
import type { RejectReason } from "./reasons";

/** Annotators whose name starts with this are rules; everyone else is a person. */
export const RULE_PREFIX = "rule:";

export const ruleAnnotationInput = z.object({
  run: z.array(z.string().min(1)).min(1, "at least one run"),
  annotator: z.string().regex(/^rule:[a-z0-9._-]+$/, 'a rule\'s name: "rule:" then lowercase letters, digits, . _ -'),
  accept: trajectoryChecks.refine((checks) => Object.values(checks).some((on) => on !== false && on !== undefined), {
    message: "a rule needs at least one check (correctOnly, noParseErrors, finishedOnly, maxTokens)",
  }),
});
export type RuleAnnotationInput = z.input<typeof ruleAnnotationInput>;

export type RuleOutcome = {
  annotator: string;
  accepted: number;
  rejected: number;
  /** Annotated by this rule before (an earlier application). */
  skippedAlreadyAnnotated: number;
  /** Annotated by a person, whose verdict stands. */
  skippedHumanVerdict: number;
};

const REJECT_REASON: Record<CheckName, RejectReason> = {
  correctOnly: "wrong_answer",
  noParseErrors: "bad_code",
  finishedOnly: "other",
  maxTokens: "other",
};

export async function annotateByRule(db: Db, rawInput: RuleAnnotationInput): Promise<RuleOutcome> {
  const { run, annotator, accept } = ruleAnnotationInput.parse(rawInput);
  const runIds = (await findRunsByName(db, run)).map((r) => r.id);
  const inRuns = inArray(trajectories.runId, runIds);
  const rows = await db.select({ id: trajectories.id }).from(trajectories).where(inRuns).orderBy(trajectories.id);

  const annotatorsOf = await annotatorsByTrajectory(db, inRuns);
  const checks = checkConditions(accept);
  const failedChecksOf = await failedChecksByTrajectory(db, inRuns, checks);

  const outcome: RuleOutcome = { annotator, accepted: 0, rejected: 0, skippedAlreadyAnnotated: 0, skippedHumanVerdict: 0 };
  for (const { id: trajectoryId } of rows) {
    const annotators = annotatorsOf.get(trajectoryId) ?? [];
    if (annotators.includes(annotator)) {
      outcome.skippedAlreadyAnnotated++;
      continue;
    }
    if (annotators.some((name) => !name.startsWith(RULE_PREFIX))) {
      outcome.skippedHumanVerdict++;
      continue;
    }
    const failed = failedChecksOf.get(trajectoryId) ?? [];
    if (failed.length === 0) {
      const note = `passed ${checks.map((c) => c.check).join(", ")}`;
      await addAnnotation(db, annotator, { trajectoryId, verdict: "accept", note });
      outcome.accepted++;
    } else {
      const note = `failed ${failed.join(", ")}`;
      await addAnnotation(db, annotator, { trajectoryId, verdict: "reject", reason: REJECT_REASON[failed[0]!], note });
      outcome.rejected++;
    }
  }
  return outcome;
}

async function annotatorsByTrajectory(db: Db, inRuns: SQL): Promise<Map<number, string[]>> {
  const rows = await db
    .selectDistinct({ id: annotations.trajectoryId, userName: annotations.userName })
    .from(annotations)
    .innerJoin(trajectories, eq(trajectories.id, annotations.trajectoryId))
    .where(inRuns);
  const byTrajectory = new Map<number, string[]>();
  for (const { id, userName } of rows) byTrajectory.set(id, [...(byTrajectory.get(id) ?? []), userName]);
  return byTrajectory;
}

async function failedChecksByTrajectory(db: Db, inRuns: SQL, checks: CheckCondition[]): Promise<Map<number, CheckName[]>> {
  const byTrajectory = new Map<number, CheckName[]>();
  for (const { check, condition } of checks) {
    // A check on a missing value (an unscored trajectory's `correct`) fails.
    const failing = await db
      .select({ id: trajectories.id })
      .from(trajectories)
      .where(and(inRuns, sql`not coalesce(${condition}, false)`));
    for (const { id } of failing) byTrajectory.set(id, [...(byTrajectory.get(id) ?? []), check]);
  }
  return byTrajectory;
}

/** "3 accepted, 1 rejected, 2 skipped (1 annotated by this rule before, 1 with a person's verdict)". */
export function describeRuleOutcome(o: RuleOutcome): string {
  const skipped = o.skippedAlreadyAnnotated + o.skippedHumanVerdict;
  const counts = `${o.accepted} accepted, ${o.rejected} rejected, ${skipped} skipped`;
  if (skipped === 0) return counts;
  return `${counts} (${o.skippedAlreadyAnnotated} annotated by this rule before, ${o.skippedHumanVerdict} with a person's verdict)`;
}
