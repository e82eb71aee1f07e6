"use client";
// Grouped percentage bars with 95% Wilson whiskers: the chart behind accuracy per benchmark and
// the method matrix. `data` and `series` come from pivot() with an interval picker.
import {
  Bar,
  BarChart,
  CartesianGrid,
  ErrorBar,
  Legend,
  Rectangle,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
  type BarShapeProps,
} from "recharts";
import type { ChartRow, Series } from "./series";

export function PercentBars({ data, series, height }: { data: ChartRow[]; series: Series[]; height: number }) {
  return (
    <ResponsiveContainer width="100%" height={height}>
      <BarChart data={data} margin={{ top: 10, right: 20, bottom: 5, left: 0 }}>
        <CartesianGrid strokeDasharray="3 3" vertical={false} />
        <XAxis dataKey="x" />
        <YAxis unit="%" domain={[0, 100]} />
        <Tooltip formatter={(v) => (Array.isArray(v) ? null : `${v}%`)} />
        <Legend />
        {series.map((s) => (
          <Bar key={s.key} dataKey={s.key} name={s.name} fill={s.color} isAnimationActive={false} shape={barShape}>
            <ErrorBar dataKey={`${s.key}_err`} width={4} stroke="#333" isAnimationActive={false} />
          </Bar>
        ))}
      </BarChart>
    </ResponsiveContainer>
  );
}

/** The default bar, given as a custom shape: recharts drops a 0% bar before drawing it, and its
 * Wilson whisker with it, unless the bar has a shape of its own (a 0 of 30 still has an upper bound
 * of 11%). */
function barShape(props: BarShapeProps) {
  return <Rectangle {...props} />;
}
