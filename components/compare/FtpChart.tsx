"use client";
// Chart 3: teacher agent runs with and without the first-thought prefix: accuracy (left axis)
// and retrieval calls per question (right axis). The paper saw FTP raise math accuracy but
// lower retrieval on factual questions.
import type { FtpRow } from "@/server/compare/charts";
import { recordColumns, toCsv } from "@/server/compare/csv";
import { ChartCard } from "./ChartCard";
import { RunMetricBars, type Metric } from "./RunMetricBars";
import { pct } from "./series";

const METRICS: Metric[] = [
  { key: "accuracy", name: "Accuracy (%)", color: "#2f5bd3" },
  { key: "retrieval", name: "Retrieval calls / question", color: "#d9822b", axis: "right" },
];
const CSV_KEYS = ["run", "benchmark", "model", "ftp", "n", "correct", "accuracy", "ciLow", "ciHigh", "retrievalPerQuestion"] as const;

export function FtpChart({ rows }: { rows: FtpRow[] }) {
  const data = rows.map((r) => ({
    x: `${r.run} (${r.ftp ? "FTP" : "no FTP"})`,
    accuracy: pct(r.accuracy),
    retrieval: r.retrievalPerQuestion === null ? null : Math.round(r.retrievalPerQuestion * 100) / 100,
  }));
  const benchmarks = new Set(rows.map((r) => r.benchmark));
  const paired = [...benchmarks].filter(
    (b) => rows.some((r) => r.benchmark === b && r.ftp) && rows.some((r) => r.benchmark === b && !r.ftp),
  );
  return (
    <ChartCard
      title="Teacher FTP vs no FTP"
      description={`Teacher agent runs with the first-thought prefix on and off, per benchmark. ${
        paired.length
          ? `Paired benchmarks: ${paired.join(", ")}.`
          : "Select a teacher run with FTP and one without on the same benchmark to pair them."
      }`}
      csv={rows.length ? () => toCsv(rows, recordColumns([...CSV_KEYS])) : null}
      legend={METRICS}
    >
      {rows.length === 0 ? (
        <p className="muted">No teacher agent runs selected.</p>
      ) : (
        <RunMetricBars data={data} metrics={METRICS} leftPercent leftLabel="accuracy %" rightLabel="calls / question" />
      )}
    </ChartCard>
  );
}
