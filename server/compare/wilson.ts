// 95% confidence intervals for accuracies. Wilson's score interval stays inside [0, 1] and
// behaves at small n and at 0% / 100%, where the normal (Wald) interval collapses to a point.
export type Interval = { low: number; high: number };

const Z95 = 1.959963984540054;

/** Wilson score interval for `correct` successes out of `n` trials; null when n = 0. */
export function wilsonInterval(correct: number, n: number, z = Z95): Interval | null {
  if (n <= 0) return null;
  if (correct < 0 || correct > n) throw new RangeError(`correct (${correct}) must lie in [0, n=${n}]`);
  const p = correct / n;
  const z2 = z * z;
  const centre = (p + z2 / (2 * n)) / (1 + z2 / n);
  const half = (z / (1 + z2 / n)) * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  // At 0 or n successes the bound is exactly 0 or 1; the subtraction leaves float noise (3e-18).
  return {
    low: correct === 0 ? 0 : Math.max(0, centre - half),
    high: correct === n ? 1 : Math.min(1, centre + half),
  };
}

/**
 * Interval for the unweighted mean of independent accuracies (the paper's "average over
 * benchmarks"): mean ± z·sqrt(Σ var_i)/k, each var_i from the Wilson half-width of cell i, so a
 * 0% or 100% cell still contributes its uncertainty. Clipped to [0, 1]. One cell: its Wilson interval.
 */
export function meanOfProportionsInterval(cells: { correct: number; n: number }[], z = Z95): Interval | null {
  const used = cells.filter((c) => c.n > 0);
  if (used.length === 0) return null;
  if (used.length === 1) return wilsonInterval(used[0]!.correct, used[0]!.n, z);
  const mean = used.reduce((a, c) => a + c.correct / c.n, 0) / used.length;
  const variance = used.reduce((a, c) => {
    const ci = wilsonInterval(c.correct, c.n, z)!;
    const sd = (ci.high - ci.low) / (2 * z);
    return a + sd * sd;
  }, 0);
  const half = (z * Math.sqrt(variance)) / used.length;
  return { low: Math.max(0, mean - half), high: Math.min(1, mean + half) };
}
