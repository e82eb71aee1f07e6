// QA answers: SQuAD-style normalised exact match and token F1 (the official SQuAD v1.1 and
// HotpotQA evaluation logic), taking the best over the gold answer and its aliases.

export type QaScore = { em: number; f1: number; precision: number; recall: number; gold: string };

const ARTICLES = /\b(a|an|the)\b/g;
// string.punctuation in the official script: ASCII punctuation only.
const PUNCTUATION = /[!"#$%&'()*+,\-./:;<=>?@[\\\]^_`{|}~]/g;

/** Lower case, drop punctuation and articles, collapse whitespace. */
export function normalizeAnswer(text: string): string {
  return text.toLowerCase().replace(PUNCTUATION, "").replace(ARTICLES, " ").split(/\s+/).filter(Boolean).join(" ");
}

function tokenF1(prediction: string, gold: string): { f1: number; precision: number; recall: number } {
  const zero = { f1: 0, precision: 0, recall: 0 };
  const pred = normalizeAnswer(prediction);
  const truth = normalizeAnswer(gold);
  // HotpotQA's rule: yes/no/noanswer only score when they match exactly.
  const special = ["yes", "no", "noanswer"];
  if ((special.includes(pred) || special.includes(truth)) && pred !== truth) return zero;
  const predTokens = pred.split(" ").filter(Boolean);
  const goldTokens = truth.split(" ").filter(Boolean);
  if (predTokens.length === 0 || goldTokens.length === 0)
    return predTokens.length === goldTokens.length ? { f1: 1, precision: 1, recall: 1 } : zero;
  const counts = new Map<string, number>();
  for (const token of goldTokens) counts.set(token, (counts.get(token) ?? 0) + 1);
  let common = 0;
  for (const token of predTokens) {
    const left = counts.get(token) ?? 0;
    if (left > 0) {
      common++;
      counts.set(token, left - 1);
    }
  }
  if (common === 0) return zero;
  const precision = common / predTokens.length;
  const recall = common / goldTokens.length;
  return { f1: (2 * precision * recall) / (precision + recall), precision, recall };
}

/** EM and F1 of a prediction against one gold answer or several (aliases): the best pair wins. */
export function scoreQa(prediction: string | null | undefined, golds: string | readonly string[]): QaScore {
  const answers = (typeof golds === "string" ? [golds] : [...golds]).filter((g) => g.trim() !== "");
  if (answers.length === 0) throw new Error("scoreQa: no gold answer given");
  const pred = prediction ?? "";
  let best: QaScore | null = null;
  for (const gold of answers) {
    const em = normalizeAnswer(pred) === normalizeAnswer(gold) ? 1 : 0;
    const score = { em, ...tokenF1(pred, gold), gold };
    if (!best || score.em > best.em || (score.em === best.em && score.f1 > best.f1)) best = score;
  }
  return best!;
}
