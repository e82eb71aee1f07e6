import { describe, expect, it } from "vitest";
import { cohenKappa, disagreements, fleissKappa, gwetAC1, pairwiseAgreement, percentAgreement, type Ratings } from "./agreement";

/** `count` items on which rater a said `x` and rater b said `y`. */
const twoRaters = (x: string, y: string, count: number): Ratings[] => Array.from({ length: count }, () => ({ a: x, b: y }));

/** Items from a subjects × categories table of rater counts (raters are anonymous, as in Fleiss 1971). */
const fromCounts = (rows: number[][], labels: string[]): Ratings[] =>
  rows.map((row) => Object.fromEntries(row.flatMap((c, k) => Array<string>(c).fill(labels[k]!)).map((label, j) => [`r${j}`, label])));

/** Items from raw ratings, one column per rater, null for a rating not given. */
const fromColumns = (rows: (number | null)[][]): Ratings[] =>
  rows.map((row) => Object.fromEntries(row.flatMap((v, j) => (v === null ? [] : [[`Rater${j + 1}`, String(v)]]))));

describe("published worked examples", () => {
  it("Cohen's kappa: 50 grant proposals, two readers (Wikipedia)", () => {
    // Wikipedia, "Cohen's kappa", section "Simple example": yes/yes 20, A yes B no 5, A no B yes 10,
    // no/no 15 → p_o = 0.7, p_e = 0.5, κ = 0.4. The same worked example, with the same numbers:
    // howcodex.com/statistics/cohen_kappa_coefficient.htm.
    const items = [
      ...twoRaters("yes", "yes", 20),
      ...twoRaters("yes", "no", 5),
      ...twoRaters("no", "yes", 10),
      ...twoRaters("no", "no", 15),
    ];
    const k = cohenKappa(items, "a", "b");
    expect(k.n).toBe(50);
    expect(k.observed).toBeCloseTo(0.7, 10);
    expect(k.expected).toBeCloseTo(0.5, 10);
    expect(k.kappa).toBeCloseTo(0.4, 10);
    // For two raters, percent agreement is the plain share of items they agree on.
    expect(percentAgreement(items)).toBeCloseTo(0.7, 10);
  });

  it("two raters, three categories: irrCAC's cont3x3abstractors", () => {
    // irrCAC README (github.com/kgwet/irrCAC, "Computing agreement Coefficients from Contingency tables";
    // also the CRAN vignette "overview"): kappa2.table → Cohen's Kappa 0.7964094, gwet.ac1.table → AC1
    // 0.8493305, pa2.table → Percent Agreement 0.89. Rows rater 1, columns rater 2.
    const table = [
      [13, 0, 0],
      [0, 20, 7],
      [0, 4, 56],
    ];
    const labels = ["Ectopic", "AIU", "NIU"];
    const items = table.flatMap((row, i) => row.flatMap((count, j) => twoRaters(labels[i]!, labels[j]!, count)));
    expect(cohenKappa(items, "a", "b").kappa).toBeCloseTo(0.7964094, 7);
    expect(pairwiseAgreement(items)).toEqual([
      { a: "a", b: "b", n: 100, percent: expect.closeTo(0.89, 10), cohen: expect.closeTo(0.7964094, 7), ac1: expect.closeTo(0.8493305, 7) },
    ]);
  });

  it("Fleiss' kappa: 10 subjects, 14 raters, 5 categories (Wikipedia)", () => {
    // Wikipedia, "Fleiss' kappa", section "Worked example": P̄ = 0.378, P̄e = 0.213, κ = 0.210.
    const table = [
      [0, 0, 0, 0, 14],
      [0, 2, 6, 4, 2],
      [0, 0, 3, 5, 6],
      [0, 3, 9, 2, 0],
      [2, 2, 8, 1, 1],
      [7, 7, 0, 0, 0],
      [3, 2, 6, 3, 0],
      [2, 5, 3, 2, 2],
      [6, 5, 2, 1, 0],
      [0, 2, 2, 3, 7],
    ];
    const k = fleissKappa(fromCounts(table, ["1", "2", "3", "4", "5"]));
    expect(k.n).toBe(10);
    expect(k.observed).toBeCloseTo(0.378, 3);
    expect(k.expected).toBeCloseTo(0.213, 3);
    expect(k.kappa).toBeCloseTo(0.21, 3);
  });

  it("Fleiss' kappa and AC1: 15 patients, 6 psychiatrists, 5 diagnoses (irrCAC's distrib.6raters)", () => {
    // Data from Fleiss (1971) as shipped in irrCAC (inst/extdata/distrib.6raters.csv). irrCAC README,
    // "Computing agreement coefficients from the distribution of raters by subject & category":
    // fleiss.kappa.dist → 0.4139265, pa 0.5511111, pe 0.2340741; gwet.ac1.dist → 0.4448007, pe 0.1914815.
    const table = [
      [0, 0, 0, 6, 0],
      [0, 3, 0, 0, 3],
      [0, 1, 4, 0, 1],
      [0, 0, 0, 0, 6],
      [0, 3, 0, 3, 0],
      [2, 0, 4, 0, 0],
      [0, 0, 4, 0, 2],
      [2, 0, 3, 1, 0],
      [2, 0, 0, 4, 0],
      [0, 0, 0, 0, 6],
      [1, 0, 0, 5, 0],
      [1, 1, 0, 4, 0],
      [0, 3, 3, 0, 0],
      [1, 0, 0, 5, 0],
      [0, 2, 0, 3, 1],
    ];
    const items = fromCounts(table, ["Depression", "Personality Disorder", "Schizophrenia", "Neurosis", "Other"]);
    const fleiss = fleissKappa(items);
    expect(fleiss.n).toBe(15);
    expect(fleiss.observed).toBeCloseTo(0.5511111, 7);
    expect(fleiss.expected).toBeCloseTo(0.2340741, 7);
    expect(fleiss.kappa).toBeCloseTo(0.4139265, 7);
    const ac1 = gwetAC1(items);
    expect(ac1.expected).toBeCloseTo(0.1914815, 7);
    expect(ac1.kappa).toBeCloseTo(0.4448007, 7);
  });

  it("missing ratings: 12 subjects, 4 raters, none rated all (irrCAC's cac.raw4raters)", () => {
    // Gwet (2014), Handbook of Inter-Rater Reliability, 4th ed., p. 120, as shipped in irrCAC
    // (inst/extdata/cac.raw4raters.csv). irrCAC README, "Computing agreement coefficients from raw ratings":
    // pa.coeff.raw → 0.8181818; gwet.ac1.raw → pa 0.8181818, pe 0.1903212, AC1 0.77544;
    // fleiss.kappa.raw → pe 0.2387153, κ 0.76117. (0.76282 in the same README is Conger's kappa, not Fleiss'.)
    const items = fromColumns([
      [1, 1, null, 1],
      [2, 2, 3, 2],
      [3, 3, 3, 3],
      [3, 3, 3, 3],
      [2, 2, 2, 2],
      [1, 2, 3, 4],
      [4, 4, 4, 4],
      [1, 1, 2, 1],
      [2, 2, 2, 2],
      [null, 5, 5, 5],
      [null, null, 1, 1],
      [null, null, 3, null],
    ]);
    expect(percentAgreement(items)).toBeCloseTo(0.8181818, 7);
    const ac1 = gwetAC1(items);
    expect(ac1.n).toBe(11); // the last subject has a single rating
    expect(ac1.observed).toBeCloseTo(0.8181818, 7);
    expect(ac1.expected).toBeCloseTo(0.1903212, 7);
    expect(ac1.kappa).toBeCloseTo(0.77544, 5);
    const fleiss = fleissKappa(items);
    expect(fleiss.expected).toBeCloseTo(0.2387153, 7);
    expect(fleiss.kappa).toBeCloseTo(0.76117, 5);
  });
});

describe("edge cases", () => {
  const empty = { n: 0, observed: null, expected: null, kappa: null };

  it("no items: nothing to measure", () => {
    expect(percentAgreement([])).toBeNull();
    expect(cohenKappa([], "a", "b")).toEqual(empty);
    expect(fleissKappa([])).toEqual(empty);
    expect(gwetAC1([])).toEqual(empty);
    expect(pairwiseAgreement([])).toEqual([]);
    expect(disagreements([])).toEqual([]);
  });

  it("one rater only: single ratings carry no agreement", () => {
    const items: Ratings[] = [{ ann: "accept" }, { ann: "reject" }, {}];
    expect(percentAgreement(items)).toBeNull();
    expect(cohenKappa(items, "ann", "bob")).toEqual(empty);
    expect(fleissKappa(items)).toEqual(empty);
    expect(gwetAC1(items)).toEqual(empty);
    expect(pairwiseAgreement(items)).toEqual([]);
    expect(disagreements(items)).toEqual([]);
  });

  it("everyone gives the same label: kappa is undefined, AC1 is 1", () => {
    const items = twoRaters("accept", "accept", 5);
    expect(cohenKappa(items, "a", "b")).toEqual({ n: 5, observed: 1, expected: 1, kappa: null });
    expect(fleissKappa(items)).toEqual({ n: 5, observed: 1, expected: 1, kappa: null });
    expect(gwetAC1(items, ["accept", "reject"])).toEqual({ n: 5, observed: 1, expected: 0, kappa: 1 });
    expect(gwetAC1(items).kappa).toBe(1); // only one category seen
    expect(pairwiseAgreement(items)).toEqual([{ a: "a", b: "b", n: 5, percent: 1, cohen: null, ac1: 1 }]);
  });

  it("the kappa paradox: one label dominates, agreement is high, kappa low, AC1 high", () => {
    // Derived by hand from the definitions (not a published table): 100 items, 85 both accept,
    // 5 + 5 split, 5 both reject. p_o = 0.9; each rater accepts 90%, so Cohen's p_e = 0.9² + 0.1² = 0.82
    // and κ = 0.08 / 0.18 = 4/9; AC1's p_e = 2 · 0.9 · 0.1 / (2 − 1) = 0.18 and AC1 = 0.72 / 0.82 = 36/41.
    const items = [
      ...twoRaters("accept", "accept", 85),
      ...twoRaters("accept", "reject", 5),
      ...twoRaters("reject", "accept", 5),
      ...twoRaters("reject", "reject", 5),
    ];
    expect(percentAgreement(items)).toBeCloseTo(0.9, 10);
    expect(cohenKappa(items, "a", "b").kappa).toBeCloseTo(4 / 9, 10);
    expect(fleissKappa(items).kappa).toBeCloseTo(4 / 9, 10); // equal marginals: Fleiss = Cohen
    expect(gwetAC1(items).kappa).toBeCloseTo(36 / 41, 10);
  });

  it("AC1 depends on the number of categories", () => {
    const items = [...twoRaters("accept", "accept", 3), ...twoRaters("accept", "reject", 1)];
    expect(gwetAC1(items, ["accept", "reject", "unsure"]).kappa).toBeGreaterThan(gwetAC1(items).kappa!);
    expect(() => gwetAC1(items, ["accept"])).toThrow(/"reject" is not one of the categories/);
  });

  it("percent agreement averages the share of agreeing pairs per item", () => {
    // 3 of the 3 pairs agree on the first item, 1 of 3 on the second; the single rating is ignored.
    const items: Ratings[] = [{ a: "x", b: "x", c: "x" }, { a: "x", b: "x", c: "y" }, { a: "y" }];
    expect(percentAgreement(items)).toBeCloseTo((1 + 1 / 3) / 2, 10);
  });
});

describe("pairwiseAgreement and disagreements", () => {
  const items: Ratings[] = [
    { carol: "accept", alice: "accept", bob: "accept" },
    { bob: "reject", alice: "accept" },
    { alice: "reject", carol: "reject" },
    { dave: "accept" },
  ];

  it("lists every pair with an item in common, sorted by names", () => {
    const rows = pairwiseAgreement(items);
    expect(rows.map(({ a, b, n, percent }) => ({ a, b, n, percent }))).toEqual([
      { a: "alice", b: "bob", n: 2, percent: 0.5 },
      { a: "alice", b: "carol", n: 2, percent: 1 },
      { a: "bob", b: "carol", n: 1, percent: 1 },
    ]);
    expect(rows[0]!.cohen).toBe(cohenKappa(items, "alice", "bob").kappa);
  });

  it("finds the items whose ratings differ", () => {
    expect(disagreements(items)).toEqual([1]);
  });
});
