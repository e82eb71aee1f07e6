"use client";
// Chart 1: accuracy per benchmark, one bar per run, with 95% Wilson intervals as error bars.
import { recordColumns, toCsv } from "@/server/compare/csv";
import type { AccuracyRow } from "@/server/compare/charts";
import { ChartCard } from "./ChartCard";
import { PercentBars } from "./PercentBars";
import { pct, pivot } from "./series";

const CSV_KEYS = ["run", "benchmark", "n", "correct", "accuracy", "ciLow", "ciHigh", "served"] as const;

export function AccuracyChart({ rows }: { rows: AccuracyRow[] }) {
  const { data, series } = pivot(rows, {
    x: (r) => r.benchmark,
    series: (r) => r.run,
    value: (r) => pct(r.accuracy),
    interval: (r) => (r.ciLow === null || r.ciHigh === null ? null : [pct(r.ciLow)!, pct(r.ciHigh)!]),
  });
  return (
    <ChartCard
      title="Accuracy per benchmark"
      description="Share of trajectories scored correct, per run (bars) and benchmark; whiskers: 95% Wilson interval."
      csv={rows.length ? () => toCsv(rows, recordColumns([...CSV_KEYS])) : null}
      legend={series}
    >
      <PercentBars data={data} series={series} height={300} />
    </ChartCard>
  );
}
