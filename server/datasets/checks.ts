// The trajectory checks (spec.ts) as SQL, one named condition per check that is switched on: a
// dataset requires them all, an annotation rule accepts what passes them and names what failed.
import { eq, sql, type SQL } from "drizzle-orm";
import { trajectories } from "@/db/schema";
import type { TrajectoryChecks } from "./spec";

export type CheckName = keyof TrajectoryChecks;
export type CheckCondition = { check: CheckName; condition: SQL };

/** The longest model call of a trajectory: prompt + completion of its last step. */
const longestCall = sql<number>`(select coalesce(max(s.tokens_in + s.tokens_out), 0) from steps s
  where s.trajectory_id = ${trajectories.id})`;

export function checkConditions(checks: Partial<TrajectoryChecks>): CheckCondition[] {
  const conditions: CheckCondition[] = [];
  if (checks.correctOnly) conditions.push({ check: "correctOnly", condition: eq(trajectories.correct, true) });
  if (checks.noParseErrors) conditions.push({ check: "noParseErrors", condition: eq(trajectories.hasParseError, false) });
  if (checks.finishedOnly) conditions.push({ check: "finishedOnly", condition: eq(trajectories.status, "finished") });
  if (checks.maxTokens) conditions.push({ check: "maxTokens", condition: sql`${longestCall} <= ${checks.maxTokens}` });
  return conditions;
}
