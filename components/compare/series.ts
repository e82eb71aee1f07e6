// Shapes recharts wants: one row per x value, one numbered key per series. Keys are `s0`, `s1`…
// because run names may contain dots, which recharts would read as nested paths.
export const PALETTE = ["#2f5bd3", "#d9822b", "#0f7b6c", "#c2362b", "#8a4fd0", "#6b7079", "#b0266b", "#3d9be9", "#7a9a01", "#9a5b00"];

export const colorAt = (i: number) => PALETTE[i % PALETTE.length]!;

export type Series = { key: string; name: string; color: string };
export type ChartRow = Record<string, string | number | [number, number] | null>;

/** Pivot long rows (x, series, value, optional interval) into recharts rows and series. */
export function pivot<T>(
  rows: readonly T[],
  pick: { x: (r: T) => string; series: (r: T) => string; value: (r: T) => number | null; interval?: (r: T) => [number, number] | null },
): { data: ChartRow[]; series: Series[] } {
  const names = [...new Set(rows.map(pick.series))];
  const series = names.map((name, i) => ({ key: `s${i}`, name, color: colorAt(i) }));
  const keyOf = new Map(series.map((s) => [s.name, s.key]));
  const byX = new Map<string, ChartRow>();
  for (const r of rows) {
    const x = pick.x(r);
    const row = byX.get(x) ?? { x };
    byX.set(x, row);
    const key = keyOf.get(pick.series(r))!;
    const value = pick.value(r);
    row[key] = value;
    const ci = pick.interval?.(r);
    if (ci && value !== null) row[`${key}_err`] = [Math.max(0, value - ci[0]), Math.max(0, ci[1] - value)];
  }
  return { data: [...byX.values()], series };
}

export const pct = (v: number | null | undefined) => (v === null || v === undefined ? null : Math.round(v * 1000) / 10);
export const fmtPct = (v: number | null | undefined) => (v === null || v === undefined ? "—" : `${(v * 100).toFixed(1)}%`);
