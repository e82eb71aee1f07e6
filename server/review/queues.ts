// Review queues: a researcher freezes a filtered set of trajectories into a queue, says how many
// annotators each item needs (1–5) and who may take it; an annotator asks for the next item that
// still needs someone and that they have not judged. Verdicts stay ordinary annotations (so rules
// and the review page see them); a queue only decides who judges what and what they may see:
// in blind mode (the default when an item needs more than one person) the others' verdicts on an
// item stay hidden from an annotator until they have given their own.
import { asc, desc, eq, inArray } from "drizzle-orm";
import { z } from "zod";
import type { Db } from "@/db/client";
import { annotations, reviewQueues, trajectories } from "@/db/schema";
import type { Who } from "@/server/annotations/verdicts";
import { RULE_PREFIX } from "@/server/annotations/rule";
import { InputError } from "@/server/errors";
import { trajectoryFilter } from "@/server/trajectories/filter-schema";
import { matchingIds } from "@/server/trajectories/list";

/** The most trajectories one queue may hold. */
export const QUEUE_LIMIT = 2_000;

export const queueInput = z.object({
  name: z.string().trim().min(1).max(80),
  filter: trajectoryFilter,
  annotatorsPerItem: z.number().int().min(1).max(5).default(1),
  /** Default: blind when an item needs more than one annotator. */
  blind: z.boolean().optional(),
  /** User names who may take items; absent or empty: any annotator. */
  allowed: z.array(z.string().trim().min(1).max(100)).max(100).optional(),
});
export type QueueInput = z.input<typeof queueInput>;
export type Queue = typeof reviewQueues.$inferSelect;

export type ItemVerdict = {
  userName: string;
  verdict: "accept" | "reject";
  reason: string | null;
  note: string | null;
  createdAt: Date;
};
export type QueueItem = { trajectoryId: number; verdicts: ItemVerdict[]; final: ItemVerdict | null };

/** A person, not a rule (rules judge every trajectory of a run at once and never take items). */
export const isPerson = (name: string) => !name.startsWith(RULE_PREFIX);

export async function createQueue(db: Db, who: Who, raw: QueueInput): Promise<Queue> {
  const input = queueInput.parse(raw);
  const [taken] = await db.select({ id: reviewQueues.id }).from(reviewQueues).where(eq(reviewQueues.name, input.name));
  if (taken) throw new InputError(`a review queue named "${input.name}" exists already`);
  const ids = await matchingIds(db, input.filter, QUEUE_LIMIT);
  if (ids.length === 0) throw new InputError("the filter matches no trajectory; a queue needs at least one");
  const allowed = input.allowed?.length ? [...new Set(input.allowed)] : null;
  const [queue] = await db
    .insert(reviewQueues)
    .values({
      name: input.name,
      filter: input.filter as Record<string, unknown>,
      trajectoryIds: ids,
      annotatorsPerItem: input.annotatorsPerItem,
      blind: input.blind ?? input.annotatorsPerItem > 1,
      allowed,
      createdBy: who.name,
    })
    .returning();
  return queue!;
}

export async function getQueue(db: Db, id: number): Promise<Queue> {
  const [queue] = await db.select().from(reviewQueues).where(eq(reviewQueues.id, id));
  if (!queue) throw new InputError(`no review queue ${id}`);
  return queue;
}

export async function listQueues(db: Db): Promise<Queue[]> {
  return db.select().from(reviewQueues).orderBy(desc(reviewQueues.createdAt), desc(reviewQueues.id));
}

/** Each item's verdicts: every annotator's newest ordinary verdict, and the newest final ruling. */
export async function queueItems(db: Db, queue: Queue): Promise<QueueItem[]> {
  const ids = queue.trajectoryIds;
  const rows = ids.length
    ? await db
        .select({
          trajectoryId: annotations.trajectoryId,
          userName: annotations.userName,
          verdict: annotations.verdict,
          reason: annotations.reason,
          note: annotations.note,
          kind: annotations.kind,
          createdAt: annotations.createdAt,
        })
        .from(annotations)
        .where(inArray(annotations.trajectoryId, ids))
        .orderBy(asc(annotations.trajectoryId), desc(annotations.createdAt), desc(annotations.id))
    : [];
  const byId = new Map<number, QueueItem>(ids.map((id) => [id, { trajectoryId: id, verdicts: [], final: null }]));
  for (const { kind, trajectoryId, ...verdict } of rows) {
    const item = byId.get(trajectoryId)!;
    if (kind === "final") item.final ??= verdict;
    else if (!item.verdicts.some((v) => v.userName === verdict.userName)) item.verdicts.push(verdict);
  }
  for (const item of byId.values()) item.verdicts.sort((a, b) => a.userName.localeCompare(b.userName));
  return ids.map((id) => byId.get(id)!);
}

const people = (item: QueueItem) => item.verdicts.filter((v) => isPerson(v.userName));

export type QueueProgress = {
  items: number;
  /** Items that have as many people's verdicts as the queue asks for. */
  complete: number;
  /** Verdicts given in this queue, per person. */
  byAnnotator: { userName: string; done: number }[];
};

export function progressOf(queue: Queue, items: QueueItem[]): QueueProgress {
  const done = new Map<string, number>();
  for (const item of items) for (const v of people(item)) done.set(v.userName, (done.get(v.userName) ?? 0) + 1);
  return {
    items: items.length,
    complete: items.filter((item) => people(item).length >= queue.annotatorsPerItem).length,
    byAnnotator: [...done].map(([userName, n]) => ({ userName, done: n })).sort((a, b) => a.userName.localeCompare(b.userName)),
  };
}

function mayTake(queue: Queue, who: Who): void {
  if (queue.allowed && !queue.allowed.includes(who.name)) {
    throw new InputError(`${who.name} may not take items of review queue "${queue.name}" (it is for ${queue.allowed.join(", ")})`);
  }
}

/**
 * The next item for `who`: the first one (after `after`, when given: skipping) that still needs a
 * person and that they have not judged. Null when nothing is left for them.
 */
export async function nextItem(db: Db, queueId: number, who: Who, after?: number) {
  const queue = await getQueue(db, queueId);
  mayTake(queue, who);
  const items = await queueItems(db, queue);
  const start = after === undefined ? 0 : items.findIndex((i) => i.trajectoryId === after) + 1;
  const open = (item: QueueItem) => !item.verdicts.some((v) => v.userName === who.name) && people(item).length < queue.annotatorsPerItem;
  const index = items.findIndex((item, i) => i >= start && open(item));
  const left = items.filter(open).length;
  return {
    trajectoryId: index >= 0 ? items[index]!.trajectoryId : null,
    position: index >= 0 ? index + 1 : null,
    left,
    items: items.length,
  };
}

/**
 * One item as `who` may see it: their own verdict, and the others' — withheld (only counted) in a
 * blind queue until they have given theirs.
 */
export async function itemFor(db: Db, queueId: number, trajectoryId: number, who: Who) {
  const queue = await getQueue(db, queueId);
  mayTake(queue, who);
  const [item] = await queueItems(db, { ...queue, trajectoryIds: queue.trajectoryIds.filter((id) => id === trajectoryId) });
  if (!item) throw new InputError(`trajectory ${trajectoryId} is not in review queue "${queue.name}"`);
  const own = item.verdicts.find((v) => v.userName === who.name) ?? null;
  const others = item.verdicts.filter((v) => v.userName !== who.name);
  const hidden = queue.blind && !own;
  return {
    queue: { id: queue.id, name: queue.name, blind: queue.blind },
    own,
    others: hidden ? null : others,
    hiddenCount: hidden ? others.length : 0,
    final: hidden ? null : item.final,
  };
}

/** The trajectories' outcomes (as the run's grader — exact match or an LLM judge — scored them). */
export async function outcomes(db: Db, ids: number[]): Promise<Map<number, boolean | null>> {
  if (ids.length === 0) return new Map();
  const rows = await db
    .select({ id: trajectories.id, correct: trajectories.correct })
    .from(trajectories)
    .where(inArray(trajectories.id, ids));
  return new Map(rows.map((r) => [r.id, r.correct]));
}
