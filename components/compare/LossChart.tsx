"use client";
// Chart 6: training loss curves overlaid — the train jobs behind the selected runs' students,
// plus any train job picked here directly.
import { useQuery } from "@tanstack/react-query";
import { CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { recordColumns, toCsv } from "@/server/compare/csv";
import { lossRows, type LossSeries } from "@/server/compare/charts";
import { useTRPC } from "../trpc";
import { ChartCard } from "./ChartCard";
import { colorAt, type ChartRow } from "./series";

function mergeBySteps(series: LossSeries[]): ChartRow[] {
  const byStep = new Map<number, ChartRow>();
  series.forEach((s, i) => {
    for (const p of s.points) {
      const row = byStep.get(p.step) ?? { step: p.step };
      row[`s${i}`] = p.loss;
      byStep.set(p.step, row);
    }
  });
  return [...byStep.values()].sort((a, b) => (a.step as number) - (b.step as number));
}

export function LossChart({
  runs,
  trainJobs,
  onTrainJobsChange,
}: {
  runs: string[];
  trainJobs: number[];
  onTrainJobsChange: (ids: number[]) => void;
}) {
  const trpc = useTRPC();
  const curves = useQuery(trpc.compare.lossCurves.queryOptions({ runs, trainJobs }));
  const jobs = useQuery(trpc.compare.trainJobs.queryOptions());
  const series = (curves.data ?? []).map((s, i) => ({ key: `s${i}`, name: s.label, color: colorAt(i), source: s }));
  const toggle = (id: number) => onTrainJobsChange(trainJobs.includes(id) ? trainJobs.filter((j) => j !== id) : [...trainJobs, id]);

  return (
    <ChartCard
      title="Training loss"
      description="Loss per optimizer step of the LoRA train jobs behind the selected runs' students (run → model → train job), and of train jobs picked below."
      csv={series.length ? () => toCsv(lossRows(curves.data ?? []), recordColumns(["job", "label", "step", "loss"])) : null}
      legend={series}
    >
      {curves.error && <p className="error">Could not load loss curves: {curves.error.message}</p>}
      {series.length === 0 ? (
        <p className="muted">No train job linked to the selected runs; pick one below.</p>
      ) : (
        <ResponsiveContainer width="100%" height={300}>
          <LineChart data={mergeBySteps(curves.data ?? [])} margin={{ top: 10, right: 20, bottom: 5, left: 0 }}>
            <CartesianGrid strokeDasharray="3 3" />
            <XAxis
              dataKey="step"
              type="number"
              domain={["dataMin", "dataMax"]}
              label={{ value: "step", position: "insideBottomRight", offset: -2 }}
            />
            <YAxis />
            <Tooltip />
            <Legend />
            {series.map((s) => (
              <Line key={s.key} dataKey={s.key} name={s.name} stroke={s.color} dot={false} connectNulls isAnimationActive={false} />
            ))}
          </LineChart>
        </ResponsiveContainer>
      )}
      <details className="train-job-picker">
        <summary>Pick train jobs ({trainJobs.length} picked)</summary>
        {jobs.data?.length === 0 && <p className="muted small">No train jobs yet.</p>}
        <ul>
          {jobs.data?.map((j) => (
            <li key={j.id}>
              <label>
                <input type="checkbox" checked={trainJobs.includes(j.id)} onChange={() => toggle(j.id)} />
                job {j.id} · {j.model ?? j.configName ?? "unnamed"}{" "}
                <span className="muted small">
                  ({j.status}, {j.dataset ?? "?"}, {j.lossPoints} loss points)
                </span>
              </label>
            </li>
          ))}
        </ul>
      </details>
    </ChartCard>
  );
}
