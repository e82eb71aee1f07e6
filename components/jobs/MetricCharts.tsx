"use client";
// Live training curves from jobs.metrics: loss and learning rate per step (recharts).
import { CartesianGrid, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import type { MetricPoint } from "./job-status";

const CURVES = [
  { key: "loss", title: "Loss", colour: "#c2362b", format: (v: number) => v.toFixed(3) },
  { key: "lr", title: "Learning rate", colour: "#2f5bd3", format: (v: number) => v.toExponential(1) },
] as const;

export function MetricCharts({ points }: { points: MetricPoint[] }) {
  if (points.length === 0) return <p className="muted">No training steps logged yet.</p>;
  return (
    <div className="metric-charts">
      {CURVES.map(({ key, title, colour, format }) => {
        const data = points.filter((p) => typeof p[key] === "number");
        return (
          <figure key={key} className="panel metric-chart" aria-label={`${title} curve`} data-points={data.length}>
            <figcaption className="part-label">
              {title}
              {data.length > 0 && <span className="chip">last {format(data.at(-1)![key]!)}</span>}
            </figcaption>
            <ResponsiveContainer width="100%" height={220}>
              <LineChart data={data} margin={{ top: 8, right: 16, bottom: 4, left: 8 }}>
                <CartesianGrid stroke="#e3e4e6" strokeDasharray="3 3" />
                <XAxis dataKey="step" type="number" domain={["dataMin", "dataMax"]} allowDecimals={false} fontSize={12} />
                <YAxis domain={["auto", "auto"]} tickFormatter={(v: number) => format(v)} width={64} fontSize={12} />
                <Tooltip formatter={(v) => (typeof v === "number" ? format(v) : String(v))} labelFormatter={(s) => `step ${s}`} />
                <Line type="monotone" dataKey={key} stroke={colour} strokeWidth={2} dot={data.length < 30} isAnimationActive={false} />
              </LineChart>
            </ResponsiveContainer>
          </figure>
        );
      })}
    </div>
  );
}
