// A queue's agreement table: every annotator's newest ordinary verdict per item (people, rules and,
// when asked, the run's grader — exact match or the LLM judge — as "grader": correct = accept), the
// coefficients over all of them and per pair, and the items they disagree on (what adjudication
// works through). Final rulings are not ratings: they settle disagreements, they do not take part.
import type { Db } from "@/db/client";
import { VERDICTS } from "@/server/annotations/reasons";
import { disagreements, fleissKappa, gwetAC1, pairwiseAgreement, percentAgreement, type Ratings } from "./agreement";
import { getQueue, outcomes, queueItems, type QueueItem } from "./queues";

export const GRADER = "grader";

/**
 * `blindFor`: the caller when they may not see everything (an annotator, in a blind queue): the
 * disagreements then list only items they have judged themselves.
 */
export async function queueAgreement(db: Db, queueId: number, opts: { withGrader: boolean; blindFor?: string }) {
  const queue = await getQueue(db, queueId);
  const items = await queueItems(db, queue);
  const graded = opts.withGrader ? await outcomes(db, queue.trajectoryIds) : new Map<number, boolean | null>();
  const ratings: Ratings[] = items.map((item) => {
    const r: Ratings = Object.fromEntries(item.verdicts.map((v) => [v.userName, v.verdict]));
    const correct = graded.get(item.trajectoryId);
    if (correct !== undefined && correct !== null) r[GRADER] = correct ? "accept" : "reject";
    return r;
  });
  const mayOpen = (item: QueueItem) => !queue.blind || !opts.blindFor || item.verdicts.some((v) => v.userName === opts.blindFor);
  const disputed: QueueItem[] = disagreements(ratings)
    .map((i) => items[i]!)
    .filter(mayOpen);
  return {
    queue: { id: queue.id, name: queue.name, annotatorsPerItem: queue.annotatorsPerItem, blind: queue.blind },
    annotators: [...new Set(ratings.flatMap((r) => Object.keys(r)))].sort(),
    percent: percentAgreement(ratings),
    fleiss: fleissKappa(ratings),
    ac1: gwetAC1(ratings, VERDICTS),
    pairs: pairwiseAgreement(ratings, VERDICTS),
    disagreements: disputed.map((item) => ({
      ...item,
      grader: graded.get(item.trajectoryId) ?? null,
    })),
  };
}
