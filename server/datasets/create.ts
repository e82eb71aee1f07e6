// Datasets are frozen, versioned lists of trajectories: filters pick them from runs, the list is
// stored with a content hash, and creating the same name again makes a new version only when the
// content changed.
import crypto from "node:crypto";
import { and, desc, eq, inArray, sql, type SQL } from "drizzle-orm";
import type { Db } from "@/db/client";
import { datasets, runs, trajectories, verdictEvents } from "@/db/schema";
import { InputError } from "@/server/errors";
import { findRunsByName } from "@/server/runs/find";
import { checkConditions } from "./checks";
import { datasetSpec, type DatasetSpec } from "./spec";

export { datasetSpec, type DatasetSpec } from "./spec";

export async function createDataset(db: Db, rawSpec: DatasetSpec) {
  const spec = datasetSpec.parse(rawSpec);
  const runRows = await findRunsByName(db, spec.run);
  const kinds = new Set(runRows.map((r) => (r.mode === "agent" ? "agent" : "cot")));
  if (kinds.size > 1) throw new InputError("a dataset holds agent runs or CoT runs, not both");

  const filters: SQL[] = [
    inArray(
      trajectories.runId,
      runRows.map((r) => r.id),
    ),
    ...checkConditions(spec).map((c) => c.condition),
  ];
  if (spec.acceptedOnly) filters.push(eq(trajectories.latestVerdict, "accept"));
  if (spec.excludeRejected) filters.push(sql`${trajectories.latestVerdict} is distinct from 'reject'`);
  // Read before the pick: whatever has an id up to these is reflected in it (see datasets.maxRunId).
  const [marks] = await db.select(watermarks).from(sql`(select 1) as one`);
  const picked = await db
    .select({ id: trajectories.id, messages: trajectories.messages })
    .from(trajectories)
    .where(and(...filters))
    .orderBy(trajectories.id);
  if (picked.length === 0) {
    const { name: _name, run, ...options } = spec;
    const filtersOn = Object.entries(options)
      .filter(([, on]) => on !== false && on !== undefined)
      .map(([key]) => key);
    throw new InputError(
      `no trajectory matches these filters (${filtersOn.join(", ") || "none"}) in ${run.join(", ")}; nothing was created`,
    );
  }

  const hash = crypto.createHash("sha256");
  for (const t of picked) hash.update(JSON.stringify([t.id, t.messages])).update("\n");
  const contentHash = hash.digest("hex");
  const [latest] = await db.select().from(datasets).where(eq(datasets.name, spec.name)).orderBy(desc(datasets.version)).limit(1);
  if (latest?.contentHash === contentHash) return { dataset: latest, created: false };
  const { name, ...filter } = spec;
  const [dataset] = await db
    .insert(datasets)
    .values({
      name,
      version: (latest?.version ?? 0) + 1,
      kind: [...kinds][0] as "agent" | "cot",
      filter,
      trajectoryIds: picked.map((t) => t.id),
      contentHash,
      ...marks!,
    })
    .returning();
  return { dataset: dataset!, created: true };
}

const newest = (table: typeof runs | typeof trajectories | typeof verdictEvents) =>
  sql<number>`(select coalesce(max(${table.id}), 0)::int from ${table})`;
const watermarks = { maxRunId: newest(runs), maxTrajectoryId: newest(trajectories), maxVerdictEventId: newest(verdictEvents) };

/** "name" (latest version) or "name@version". */
export async function findDataset(db: Db, ref: string) {
  const match = /^(.+?)(?:@(\d+))?$/.exec(ref)!;
  const [name, version] = [match[1]!, match[2] ? Number(match[2]) : null];
  const [row] = await db
    .select()
    .from(datasets)
    .where(and(eq(datasets.name, name), version === null ? undefined : eq(datasets.version, version)))
    .orderBy(desc(datasets.version))
    .limit(1);
  if (!row) throw new InputError(`no dataset "${ref}" (npx distillery dataset list)`);
  return row;
}

export async function listDatasets(db: Db) {
  return db
    .select({
      id: datasets.id,
      name: datasets.name,
      version: datasets.version,
      kind: datasets.kind,
      filter: datasets.filter,
      size: sql<number>`jsonb_array_length(${datasets.trajectoryIds})::int`,
      contentHash: datasets.contentHash,
      createdAt: datasets.createdAt,
    })
    .from(datasets)
    .orderBy(desc(datasets.id));
}
