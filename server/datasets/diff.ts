// Two dataset versions side by side: which trajectories one has and the other lacks, and why.
//
// `added` holds the trajectories in B and not in A, `removed` those in A and not in B, exactly as
// the refs are given. The reasons explain each change forward in time, from the older version O to
// the newer one N (by creation time), so they read the same whichever order the refs come in:
//
// - a trajectory in N only:
//   1. stored after O was made                                   → new_run
//   2. its effective verdict changed (a verdict_events row with
//      before ≠ after) after O and up to N, and O or N filters
//      on verdicts (acceptedOnly / excludeRejected)              → new_verdict (the newest such change)
//   3. the two filters differ in a way that can matter to it
//      (a changed run list counts for the runs it adds or drops) → filter_change (the run, or which keys)
//   4. none of these                                             → other
// - a trajectory in O only:
//   1. it no longer exists                                       → trajectory_deleted
//   2., 3., 4. as above.
//
// A trajectory deleted since then takes its verdict history with it (the events cascade), so a
// trajectory in N only that is gone now can only be explained by the filter, or not at all.
// "After O was made" means a larger id than the largest O saw (datasets.maxRunId and its siblings),
// not a later created_at: the embedded database's clock ticks in whole milliseconds.
import { and, desc, eq, gt, inArray, lte, sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import { datasets, questions, runs, trajectories, verdictEvents } from "@/db/schema";
import { InputError } from "@/server/errors";
import { findDataset } from "./create";
import { datasetFields } from "./spec";

export type DiffReason = "new_verdict" | "filter_change" | "new_run" | "trajectory_deleted" | "other";

export type DiffEntry = {
  trajectoryId: number;
  /** Null when the trajectory no longer exists. */
  run: string | null;
  /** The question's first characters; null when the trajectory no longer exists. */
  question: string | null;
  reason: DiffReason;
  detail: string;
};

export type DiffVersion = { name: string; version: number; createdAt: Date; count: number };
export type FilterChange = { key: string; from: unknown; to: unknown };

export type DatasetDiff = {
  from: DiffVersion;
  to: DiffVersion;
  /** False when the two refs name different datasets. */
  sameDataset: boolean;
  /** True when `from` is the newer version: added/removed still read from `from` to `to`. */
  newerFirst: boolean;
  filterChanged: boolean;
  filterChanges: FilterChange[];
  added: DiffEntry[];
  removed: DiffEntry[];
  unchanged: number;
};

type Dataset = typeof datasets.$inferSelect;
type Info = { run: string; question: string; storedAfterOlder: boolean; runAfterOlder: boolean; storedAt: Date };
type Change = typeof verdictEvents.$inferSelect;

const QUESTION_PREVIEW = 120;
const CHUNK = 5000;

/** The diff from dataset version `refA` to `refB` ("NAME@VERSION"; "NAME" alone is its latest version). */
export async function diffDatasets(db: Db, refA: string, refB: string): Promise<DatasetDiff> {
  const [a, b] = [await resolve(db, refA), await resolve(db, refB)];
  const newerFirst = a.id > b.id;
  const [older, newer] = newerFirst ? [b, a] : [a, b];
  const inA = new Set(a.trajectoryIds);
  const inB = new Set(b.trajectoryIds);
  const addedIds = b.trajectoryIds.filter((id) => !inA.has(id)).sort((x, y) => x - y);
  const removedIds = a.trajectoryIds.filter((id) => !inB.has(id)).sort((x, y) => x - y);

  const filterChanges = compareFilters(a.filter, b.filter);
  const changedIds = [...addedIds, ...removedIds];
  const info = await trajectoryInfo(db, changedIds, older);
  const verdicts = usesVerdicts(older.filter) || usesVerdicts(newer.filter) ? await verdictChanges(db, changedIds, older, newer) : null;
  const explain = (id: number, inNewer: boolean): DiffEntry => {
    const t = info.get(id);
    const entry = { trajectoryId: id, run: t?.run ?? null, question: t?.question ?? null };
    const why = reasonFor({ inNewer, t, change: verdicts?.get(id), older, newer, filterChanges });
    return { ...entry, ...why };
  };
  return {
    from: summary(a),
    to: summary(b),
    sameDataset: a.name === b.name,
    newerFirst,
    filterChanged: filterChanges.length > 0,
    filterChanges,
    // Going from A to B: what B gained is in the newer version only unless the refs came newer-first.
    added: addedIds.map((id) => explain(id, !newerFirst)),
    removed: removedIds.map((id) => explain(id, newerFirst)),
    unchanged: a.trajectoryIds.filter((id) => inB.has(id)).length,
  };
}

async function resolve(db: Db, ref: string): Promise<Dataset> {
  const trimmed = ref.trim();
  if (!trimmed || trimmed.startsWith("@")) throw new InputError(`"${ref}" is not a dataset ref: give NAME@VERSION, e.g. ds@1`);
  return findDataset(db, trimmed);
}

function summary(d: Dataset): DiffVersion {
  return { name: d.name, version: d.version, createdAt: d.createdAt, count: d.trajectoryIds.length };
}

const usesVerdicts = (filter: Record<string, unknown>) => filter.acceptedOnly === true || filter.excludeRejected === true;

/** The spec's fields in the order the spec lists them (a stored jsonb filter has its keys reordered). */
const FIELD_ORDER: string[] = Object.keys(datasetFields.shape);
const fieldRank = (key: string) => (FIELD_ORDER.includes(key) ? FIELD_ORDER.indexOf(key) : FIELD_ORDER.length);

/** The filter keys whose values differ, in the spec's order (a run list in another order is the same list). */
function compareFilters(from: Record<string, unknown>, to: Record<string, unknown>): FilterChange[] {
  const keys = [...new Set([...Object.keys(from), ...Object.keys(to)])].sort((x, y) => fieldRank(x) - fieldRank(y) || x.localeCompare(y));
  return keys.map((key) => ({ key, from: from[key] ?? null, to: to[key] ?? null })).filter((c) => comparable(c.from) !== comparable(c.to));
}

const comparable = (value: unknown) => JSON.stringify(Array.isArray(value) ? [...value].sort() : value);

function reasonFor(opts: {
  inNewer: boolean;
  t: Info | undefined;
  change: Change | undefined;
  older: Dataset;
  newer: Dataset;
  filterChanges: FilterChange[];
}): Pick<DiffEntry, "reason" | "detail"> {
  const { inNewer, t, change, older, newer } = opts;
  const olderRef = `${older.name}@${older.version}`;
  if (!t && !inNewer) return { reason: "trajectory_deleted", detail: "the trajectory no longer exists" };
  if (t && inNewer && t.storedAfterOlder) {
    return {
      reason: "new_run",
      detail: t.runAfterOlder
        ? `run ${t.run} started after ${olderRef} was made`
        : `stored in run ${t.run} on ${stamp(t.storedAt)}, after ${olderRef} was made`,
    };
  }
  if (change) return { reason: "new_verdict", detail: describeChange(change) };
  const filter = filterExplains(
    opts.filterChanges,
    t && { run: t.run, inOlderRuns: listsRun(older, t.run), inNewerRuns: listsRun(newer, t.run) },
  );
  if (filter) return { reason: "filter_change", detail: filter };
  return {
    reason: "other",
    detail: t ? "no new run, recorded verdict change or filter change explains it" : "since deleted; nothing recorded explains it",
  };
}

const listsRun = (d: Dataset, run: string) => Array.isArray(d.filter.run) && d.filter.run.includes(run);

/** How the filter change explains it, or null when it cannot (only the run list changed, and this run is in both). */
function filterExplains(
  changes: FilterChange[],
  t: { run: string; inOlderRuns: boolean; inNewerRuns: boolean } | undefined,
): string | null {
  let keys = changes.map((c) => c.key);
  if (t && keys.includes("run")) {
    if (!t.inOlderRuns && t.inNewerRuns) return `run ${t.run} joined the filter`;
    if (t.inOlderRuns && !t.inNewerRuns) return `run ${t.run} left the filter`;
    keys = keys.filter((key) => key !== "run");
  }
  return keys.length > 0 ? `filter changed: ${keys.join(", ")}` : null;
}

const stamp = (d: Date) => `${d.toISOString().slice(0, 16).replace("T", " ")} UTC`;

/** "accepted by ann 2026-05-01 14:03 UTC (none→accept)". */
export function describeChange(e: Pick<Change, "action" | "verdict" | "reason" | "userName" | "before" | "after" | "createdAt">): string {
  const undo = e.action === "undo" || e.action === "bulk_undo";
  const what = undo ? `undid ${e.verdict}` : e.verdict === "accept" ? "accepted" : `rejected${e.reason ? ` (${e.reason})` : ""}`;
  const how = e.action === "final" ? " (final)" : e.action === "bulk" || e.action === "bulk_undo" ? " (bulk)" : "";
  return `${what}${how} by ${e.userName} ${stamp(e.createdAt)} (${e.before ?? "none"}→${e.after ?? "none"})`;
}

function chunks(ids: number[]): number[][] {
  const out: number[][] = [];
  for (let i = 0; i < ids.length; i += CHUNK) out.push(ids.slice(i, i + CHUNK));
  return out;
}

/** Run, question preview and store time of the trajectories that still exist. */
async function trajectoryInfo(db: Db, ids: number[], older: Dataset): Promise<Map<number, Info>> {
  const map = new Map<number, Info>();
  for (const part of chunks(ids)) {
    const rows = await db
      .select({
        id: trajectories.id,
        run: runs.name,
        question: sql<string>`left(${questions.question}, ${QUESTION_PREVIEW})`,
        storedAt: trajectories.createdAt,
        storedAfterOlder: sql<boolean>`${trajectories.id} > ${older.maxTrajectoryId}`,
        runAfterOlder: sql<boolean>`${runs.id} > ${older.maxRunId}`,
      })
      .from(trajectories)
      .innerJoin(runs, eq(runs.id, trajectories.runId))
      .innerJoin(questions, eq(questions.id, trajectories.questionId))
      .where(inArray(trajectories.id, part));
    for (const { id, ...row } of rows) map.set(id, row);
  }
  return map;
}

/** Per trajectory, the newest change of its effective verdict after `older` was made and up to `newer`. */
async function verdictChanges(db: Db, ids: number[], older: Dataset, newer: Dataset): Promise<Map<number, Change>> {
  const map = new Map<number, Change>();
  for (const part of chunks(ids)) {
    const rows = await db
      .select()
      .from(verdictEvents)
      .where(
        and(
          inArray(verdictEvents.trajectoryId, part),
          gt(verdictEvents.id, older.maxVerdictEventId),
          lte(verdictEvents.id, newer.maxVerdictEventId),
          // An event that left the effective verdict as it was (a second, agreeing annotator) changed nothing.
          sql`${verdictEvents.before} is distinct from ${verdictEvents.after}`,
        ),
      )
      .orderBy(desc(verdictEvents.id));
    for (const row of rows) if (!map.has(row.trajectoryId)) map.set(row.trajectoryId, row);
  }
  return map;
}
