// Datasets are frozen, versioned lists of trajectories: filters pick them from runs, the list is
// stored with a content hash, and creating the same name again makes a new version only when the
// content changed.
import crypto from "node:crypto";
import { and, desc, eq, inArray, sql, type SQL } from "drizzle-orm";
import type { Db } from "@/db/client";
import { datasets, runs, trajectories } from "@/db/schema";
import { InputError } from "@/server/errors";
import { datasetSpec, type DatasetSpec } from "./spec";

export { datasetSpec, type DatasetSpec } from "./spec";

/** The longest model call of a trajectory: prompt + completion of its last step. */
const longestCall = sql<number>`(select coalesce(max(s.tokens_in + s.tokens_out), 0) from steps s
  where s.trajectory_id = ${trajectories.id})`;

export async function createDataset(db: Db, rawSpec: DatasetSpec) {
  const spec = datasetSpec.parse(rawSpec);
  const runRows = await db.select({ id: runs.id, name: runs.name, mode: runs.mode }).from(runs).where(inArray(runs.name, spec.run));
  const missing = spec.run.filter((name) => !runRows.some((r) => r.name === name));
  if (missing.length > 0) throw new InputError(`no run named "${missing[0]}" (npx distillery runs list)`);
  const kinds = new Set(runRows.map((r) => (r.mode === "agent" ? "agent" : "cot")));
  if (kinds.size > 1) throw new InputError("a dataset holds agent runs or CoT runs, not both");

  const filters: (SQL | undefined)[] = [inArray(trajectories.runId, runRows.map((r) => r.id))];
  if (spec.correctOnly) filters.push(eq(trajectories.correct, true));
  if (spec.noParseErrors) filters.push(eq(trajectories.hasParseError, false));
  if (spec.finishedOnly) filters.push(eq(trajectories.status, "finished"));
  if (spec.acceptedOnly) filters.push(eq(trajectories.latestVerdict, "accept"));
  if (spec.excludeRejected) filters.push(sql`${trajectories.latestVerdict} is distinct from 'reject'`);
  if (spec.maxTokens) filters.push(sql`${longestCall} <= ${spec.maxTokens}`);
  const picked = await db
    .select({ id: trajectories.id, messages: trajectories.messages })
    .from(trajectories)
    .where(and(...filters))
    .orderBy(trajectories.id);
  if (picked.length === 0) throw new InputError("no trajectory matches these filters; nothing was created");

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
    })
    .returning();
  return { dataset: dataset!, created: true };
}

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
