"use client";
// Chart 1: accuracy per benchmark, one bar per run, with 95% Wilson intervals as error bars.
import { Bar, BarChart, CartesianGrid, ErrorBar, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { recordColumns, toCsv } from "@/server/compare/csv";
import type { AccuracyRow } from "@/server/compare/charts";
import { ChartCard } from "./ChartCard";
import { pct, pivot } from "./series";

const CSV_KEYS = ["run", "benchmark", "n", "correct", "accuracy", "ciLow", "ciHigh"] as const;

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
      <ResponsiveContainer width="100%" height={300}>
        <BarChart data={data} margin={{ top: 10, right: 20, bottom: 5, left: 0 }}>
          <CartesianGrid strokeDasharray="3 3" vertical={false} />
          <XAxis dataKey="x" />
          <YAxis unit="%" domain={[0, 100]} />
          <Tooltip formatter={(v) => (Array.isArray(v) ? null : `${v}%`)} />
          <Legend />
          {series.map((s) => (
            <Bar key={s.key} dataKey={s.key} name={s.name} fill={s.color} isAnimationActive={false}>
              <ErrorBar dataKey={`${s.key}_err`} width={4} stroke="#333" isAnimationActive={false} />
            </Bar>
          ))}
        </BarChart>
      </ResponsiveContainer>
    </ChartCard>
  );
}
