"use client";
// Chart 5: prompt (in) and completion (out) tokens per question, per run. Prompts grow with every
// agent step, so "in" is on its own axis.
import type { TokensRow } from "@/server/compare/charts";
import { recordColumns, toCsv } from "@/server/compare/csv";
import { ChartCard } from "./ChartCard";
import { RunMetricBars, type Metric } from "./RunMetricBars";

const METRICS: Metric[] = [
  { key: "tokensIn", name: "Tokens in / question", color: "#6b7079" },
  { key: "tokensOut", name: "Tokens out / question", color: "#8a4fd0", axis: "right" },
];
const CSV_KEYS = ["run", "benchmark", "n", "tokensInPerQuestion", "tokensOutPerQuestion"] as const;
const round = (v: number | null) => (v === null ? null : Math.round(v));

export function TokensChart({ rows }: { rows: TokensRow[] }) {
  const data = rows.map((r) => ({ x: r.run, tokensIn: round(r.tokensInPerQuestion), tokensOut: round(r.tokensOutPerQuestion) }));
  return (
    <ChartCard
      title="Tokens per question"
      description="Mean prompt and completion tokens per trajectory (one trajectory per question unless a run sampled more), summed over its steps."
      csv={rows.length ? () => toCsv(rows, recordColumns([...CSV_KEYS])) : null}
      legend={METRICS}
    >
      <RunMetricBars data={data} metrics={METRICS} leftLabel="tokens in" rightLabel="tokens out" />
    </ChartCard>
  );
}
