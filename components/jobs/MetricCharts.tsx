"use client";
// Live curves from jobs.metrics (recharts): a training job's loss and learning rate per step; a
// distillation job's mean per-token reverse KL and held-out accuracy per round.
import { CartesianGrid, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import type { MetricPoint } from "./job-status";

const percent = (v: number) => `${(v * 100).toFixed(1)}%`;

const CURVES = {
  train: {
    x: "step",
    empty: "No training steps logged yet.",
    curves: [
      { key: "loss", title: "Loss", colour: "#c2362b", format: (v: number) => v.toFixed(3) },
      { key: "lr", title: "Learning rate", colour: "#2f5bd3", format: (v: number) => v.toExponential(1) },
    ],
  },
  distill: {
    x: "round",
    empty: "No round finished yet.",
    curves: [
      {
        key: "reverse_kl",
        title: "Reverse KL per token (before the round's update)",
        colour: "#c2362b",
        format: (v: number) => v.toFixed(3),
      },
      { key: "heldout_accuracy", title: "Held-out accuracy", colour: "#2f7d32", format: percent },
      { key: "episode_accuracy", title: "Accuracy of the round's own episodes", colour: "#2f5bd3", format: percent },
    ],
  },
} as const;

export function MetricCharts({ points, curves = "train" }: { points: MetricPoint[]; curves?: keyof typeof CURVES }) {
  const { x, empty } = CURVES[curves];
  if (points.length === 0) return <p className="muted">{empty}</p>;
  return (
    <div className="metric-charts">
      {CURVES[curves].curves.map(({ key, title, colour, format }) => {
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
                <Tooltip formatter={(v) => (typeof v === "number" ? format(v) : String(v))} labelFormatter={(s) => `${x} ${s}`} />
                <Line type="monotone" dataKey={key} stroke={colour} strokeWidth={2} dot={data.length < 30} isAnimationActive={false} />
              </LineChart>
            </ResponsiveContainer>
          </figure>
        );
      })}
    </div>
  );
}
