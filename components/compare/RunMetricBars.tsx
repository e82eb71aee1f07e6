"use client";
// Bars of a few metrics per run (x = run), on one or two y-axes: the shape of the FTP, SAG and
// token charts.
import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import type { ChartRow } from "./series";

const RUN_LABEL_SPACE = 120;

export type Metric = { key: string; name: string; color: string; axis?: "left" | "right" };

export function RunMetricBars(props: {
  data: ChartRow[];
  metrics: Metric[];
  leftLabel: string;
  rightLabel?: string;
  leftPercent?: boolean;
}) {
  const { data, metrics, leftLabel, rightLabel, leftPercent } = props;
  return (
    <ResponsiveContainer width="100%" height={300 + RUN_LABEL_SPACE}>
      <BarChart data={data} margin={{ top: 10, right: 20, bottom: 5, left: RUN_LABEL_SPACE }}>
        <CartesianGrid strokeDasharray="3 3" vertical={false} />
        {/* Run names are long and a comparison holds many runs: slant them so that none overlap (the
            left margin keeps the first one whole). */}
        <XAxis dataKey="x" interval={0} tick={{ fontSize: 12 }} angle={-25} textAnchor="end" height={RUN_LABEL_SPACE} />
        <YAxis
          yAxisId="left"
          domain={leftPercent ? [0, 100] : undefined}
          label={{ value: leftLabel, angle: -90, position: "insideLeft", style: { textAnchor: "middle" } }}
        />
        {rightLabel && (
          <YAxis
            yAxisId="right"
            orientation="right"
            label={{ value: rightLabel, angle: 90, position: "insideRight", style: { textAnchor: "middle" } }}
          />
        )}
        <Tooltip />
        <Legend />
        {metrics.map((m) => (
          <Bar key={m.key} yAxisId={m.axis ?? "left"} dataKey={m.key} name={m.name} fill={m.color} isAnimationActive={false} />
        ))}
      </BarChart>
    </ResponsiveContainer>
  );
}
