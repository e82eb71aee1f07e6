"use client";
// One chart of the compare page: title, explanation, the chart, and its two exports. "Export CSV"
// writes the chart's data rows; "Export PNG" renders the chart's SVG (with title and legend).
import { useRef, useState, type ReactNode } from "react";
import { downloadCsv, downloadSvgAsPng, fileStem, type LegendItem } from "./export";

export function ChartCard(props: {
  title: string;
  description: ReactNode;
  /** The chart's data as CSV, built on click. Null: nothing to export yet. */
  csv: (() => string) | null;
  legend: LegendItem[];
  children: ReactNode;
}) {
  const chartRef = useRef<HTMLDivElement>(null);
  const [error, setError] = useState<string | null>(null);
  const stem = fileStem(props.title);

  const exportPng = async () => {
    setError(null);
    // The main chart surface: recharts also draws tiny SVG icons (legend), so take the largest.
    const svgs = [...(chartRef.current?.querySelectorAll<SVGSVGElement>("svg.recharts-surface") ?? [])];
    const svg = svgs.sort((a, b) => b.clientWidth * b.clientHeight - a.clientWidth * a.clientHeight)[0];
    if (!svg) return setError("no chart to export");
    try {
      await downloadSvgAsPng(svg, `${stem}.png`, { title: props.title, legend: props.legend });
    } catch (err) {
      setError((err as Error).message);
    }
  };

  return (
    <section className="chart-card" aria-label={props.title}>
      <header className="chart-card-head">
        <div>
          <h3>{props.title}</h3>
          <p className="muted small">{props.description}</p>
        </div>
        <div className="chart-card-actions">
          <button type="button" disabled={!props.csv} onClick={() => props.csv && downloadCsv(`${stem}.csv`, props.csv())}>
            Export CSV
          </button>
          <button type="button" disabled={!props.csv} onClick={exportPng}>
            Export PNG
          </button>
        </div>
      </header>
      {error && <p className="error small">{error}</p>}
      <div ref={chartRef} className="chart-card-body">
        {props.children}
      </div>
    </section>
  );
}
