// Inter-annotator agreement for team review. Pure functions over `items`: one record per reviewed
// thing, annotator name → label (any set of labels, e.g. "accept"/"reject"). An item may carry any
// subset of the annotators; one with fewer than two ratings says nothing about agreement.
//
// - Percent agreement: the share of rater pairs on an item that gave the same label, averaged over
//   items. Easy to read, but it also counts the agreement that chance alone would produce.
// - Cohen's kappa (Cohen 1960): two named raters, chance taken from each rater's own label frequencies.
//   The usual answer to "how well do Ann and Bob agree?".
// - Fleiss' kappa (Fleiss 1971): many raters, chance taken from the pooled label frequencies; here in
//   the generalisation to items with different numbers of raters (Gwet 2014).
// - Gwet's AC1 (Gwet 2008): chance agreement that shrinks when one label dominates, so AC1 stays near
//   percent agreement where kappa collapses (the "kappa paradox": nearly every trace accepted).
//   It depends on the number of categories q, so pass the full label set when some label went unused.
//
// The multi-rater formulas are those of Gwet's R package irrCAC (fleiss.kappa.raw, gwet.ac1.raw):
// observed agreement is averaged over items with ≥ 2 ratings; category prevalence π_k is the mean,
// over every rated item, of the share of its ratings that are k. The tests reproduce its examples.
//
// Cohen, J. (1960). A coefficient of agreement for nominal scales. Educ. Psychol. Meas. 20(1), 37–46.
// Fleiss, J. L. (1971). Measuring nominal scale agreement among many raters. Psychol. Bull. 76(5), 378–382.
// Gwet, K. L. (2008). Computing inter-rater reliability and its variance in the presence of high
//   agreement. Br. J. Math. Stat. Psychol. 61(1), 29–48.
// Gwet, K. L. (2014). Handbook of Inter-Rater Reliability, 4th ed. Advanced Analytics.

/** One item's ratings: annotator name → label. */
export type Ratings = Record<string, string>;

/** A chance-corrected coefficient, (observed − expected) / (1 − expected). */
export type Coefficient = {
  /** Items that carry agreement information: rated by both (Cohen), or by at least two raters. */
  n: number;
  /** Observed agreement; null when n = 0. */
  observed: number | null;
  /** Agreement expected by chance; null when n = 0. */
  expected: number | null;
  /** κ (AC1 for gwetAC1); null when undefined: n = 0, or chance agreement is certain (expected = 1). */
  kappa: number | null;
};

export type PairAgreement = { a: string; b: string; n: number; percent: number; cohen: number | null; ac1: number | null };

const EMPTY: Coefficient = { n: 0, observed: null, expected: null, kappa: null };

function corrected(n: number, observed: number, expected: number): Coefficient {
  // Rounding can leave a certain chance agreement a hair below 1; κ is 0/0 there all the same.
  const kappa = expected > 1 - 1e-12 ? null : (observed - expected) / (1 - expected);
  return { n, observed, expected, kappa };
}

const labelsOf = (ratings: Ratings): string[] => Object.values(ratings);

function countLabels(labels: string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const label of labels) counts.set(label, (counts.get(label) ?? 0) + 1);
  return counts;
}

/** The share of the item's rater pairs that agree; the item has at least two ratings. */
function pairShare(ratings: Ratings): number {
  const labels = labelsOf(ratings);
  let agreeing = 0;
  for (const c of countLabels(labels).values()) agreeing += c * (c - 1);
  return agreeing / (labels.length * (labels.length - 1));
}

const multiRated = (items: Ratings[]) => items.filter((r) => labelsOf(r).length >= 2);

/** The mean of the items' pair shares; null when no item has two ratings. */
export function percentAgreement(items: Ratings[]): number | null {
  const multi = multiRated(items);
  return multi.length === 0 ? null : multi.reduce((sum, r) => sum + pairShare(r), 0) / multi.length;
}

/** Cohen's kappa of raters `a` and `b` over the items both rated. */
export function cohenKappa(items: Ratings[], a: string, b: string): Coefficient {
  const pairs = items.filter((r) => Object.hasOwn(r, a) && Object.hasOwn(r, b)).map((r) => [r[a]!, r[b]!] as const);
  const n = pairs.length;
  if (n === 0) return EMPTY;
  const observed = pairs.filter(([x, y]) => x === y).length / n;
  const ofA = countLabels(pairs.map(([x]) => x));
  const ofB = countLabels(pairs.map(([, y]) => y));
  let expected = 0;
  for (const [label, count] of ofA) expected += (count / n) * ((ofB.get(label) ?? 0) / n);
  return corrected(n, observed, expected);
}

/** π_k: the mean over rated items of the share of the item's ratings that are k. */
function prevalence(items: Ratings[]): Map<string, number> {
  const rated = items.filter((r) => labelsOf(r).length > 0);
  const shares = new Map<string, number>();
  for (const r of rated) {
    const labels = labelsOf(r);
    for (const [label, c] of countLabels(labels)) shares.set(label, (shares.get(label) ?? 0) + c / labels.length);
  }
  return new Map([...shares].map(([label, sum]) => [label, sum / rated.length]));
}

/** Fleiss' kappa, generalised to items with different numbers of raters. */
export function fleissKappa(items: Ratings[]): Coefficient {
  const multi = multiRated(items);
  if (multi.length === 0) return EMPTY;
  let expected = 0;
  for (const p of prevalence(items).values()) expected += p * p;
  return corrected(multi.length, percentAgreement(multi)!, expected);
}

/** The category set: `categories` when given (every label must be in it), else the labels seen, sorted. */
function categoriesOf(items: Ratings[], categories?: readonly string[]): string[] {
  const seen = new Set(items.flatMap(labelsOf));
  if (!categories) return [...seen].sort();
  for (const label of seen) {
    if (!categories.includes(label)) throw new Error(`label "${label}" is not one of the categories (${categories.join(", ")})`);
  }
  return [...new Set(categories)];
}

/** Gwet's AC1; `categories` is the full label set (default: the labels seen), since chance agreement depends on its size. */
export function gwetAC1(items: Ratings[], categories?: readonly string[]): Coefficient {
  const q = categoriesOf(items, categories).length;
  const multi = multiRated(items);
  if (multi.length === 0) return EMPTY;
  let spread = 0;
  for (const p of prevalence(items).values()) spread += p * (1 - p);
  // One category leaves 1/(q − 1) undefined; irrCAC then takes pe ≈ 0, so AC1 = observed = 1.
  const expected = q > 1 ? spread / (q - 1) : 0;
  return corrected(multi.length, percentAgreement(multi)!, expected);
}

/** Every pair of annotators with an item in common, sorted by names; AC1 over the same categories as the whole set. */
export function pairwiseAgreement(items: Ratings[], categories?: readonly string[]): PairAgreement[] {
  const cats = categoriesOf(items, categories);
  const names = [...new Set(items.flatMap((r) => Object.keys(r)))].sort();
  const rows: PairAgreement[] = [];
  for (const [i, a] of names.entries()) {
    for (const b of names.slice(i + 1)) {
      const common = items.filter((r) => Object.hasOwn(r, a) && Object.hasOwn(r, b)).map((r) => ({ [a]: r[a]!, [b]: r[b]! }));
      if (common.length === 0) continue;
      const percent = percentAgreement(common)!;
      rows.push({ a, b, n: common.length, percent, cohen: cohenKappa(common, a, b).kappa, ac1: gwetAC1(common, cats).kappa });
    }
  }
  return rows;
}

/** Indices of the items whose ratings are not all the same label. */
export function disagreements(items: Ratings[]): number[] {
  return items.flatMap((r, i) => (new Set(labelsOf(r)).size > 1 ? [i] : []));
}
