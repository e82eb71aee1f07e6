"use client";
// Chart 4: agent runs with self-consistent action generation on (N candidates per step) and off:
// accuracy, the share of trajectories with a parse or an execution error, and vote agreement
// (the winner's share of the successful candidates' votes; SAG runs only).
import type { SagRow } from "@/server/compare/charts";
import { recordColumns, toCsv } from "@/server/compare/csv";
import { ChartCard } from "./ChartCard";
import { RunMetricBars, type Metric } from "./RunMetricBars";
import { pct } from "./series";

const METRICS: Metric[] = [
  { key: "accuracy", name: "Accuracy", color: "#2f5bd3" },
  { key: "parse", name: "Parse-error rate", color: "#b0266b" },
  { key: "exec", name: "Exec-error rate", color: "#c2362b" },
  { key: "agreement", name: "Vote agreement", color: "#0f7b6c" },
];
const CSV_KEYS = ["run", "benchmark", "sag", "n", "accuracy", "parseErrorRate", "execErrorRate", "voteAgreement"] as const;

export function SagChart({ rows }: { rows: SagRow[] }) {
  const data = rows.map((r) => ({
    x: `${r.run} (${r.sag > 1 ? `SAG ×${r.sag}` : "SAG off"})`,
    accuracy: pct(r.accuracy),
    parse: pct(r.parseErrorRate),
    exec: pct(r.execErrorRate),
    agreement: pct(r.voteAgreement),
  }));
  return (
    <ChartCard
      title="SAG on vs off"
      description="Agent runs with SAG (N candidate actions per step, majority vote on the outcome) and without. Error rates: share of trajectories with at least one such error."
      csv={rows.length ? () => toCsv(rows, recordColumns([...CSV_KEYS])) : null}
      legend={METRICS}
    >
      {rows.length === 0 ? (
        <p className="muted">No agent runs selected.</p>
      ) : (
        <RunMetricBars data={data} metrics={METRICS} leftPercent leftLabel="%" />
      )}
    </ChartCard>
  );
}
