"use client";
// Chart 2: the paper's matrix (Kang et al., Table 1): methods × benchmarks + average, one block of
// rows per student model, each cell pooled over the runs placed there by their `method:` tag (or,
// for untagged student runs, their config). The table shows n and the 95% interval; the chart
// draws the same numbers.
import type { MatrixCell, MethodMatrix as Matrix } from "@/server/compare/charts";
import { toCsv } from "@/server/compare/csv";
import { METHODS, METHOD_TAG_PREFIX } from "@/server/compare/methods";
import { ChartCard } from "./ChartCard";
import { PercentBars } from "./PercentBars";
import { fmtPct, pct, pivot } from "./series";

const AVERAGE = "Average";

type Flat = { method: string; student: string; series: string; benchmark: string } & MatrixCell;

function flatten(matrix: Matrix): Flat[] {
  const several = matrix.students.length > 1;
  return matrix.rows.flatMap((row) => {
    const key = { method: row.label, student: row.student, series: several ? `${row.label} · ${row.student}` : row.label };
    return [...matrix.benchmarks.map((b) => ({ ...key, benchmark: b, ...row.cells[b]! })), { ...key, benchmark: AVERAGE, ...row.average }];
  });
}

function Cell({ cell }: { cell: MatrixCell }) {
  if (cell.n === 0 || cell.accuracy === null) return <td className="num muted">—</td>;
  return (
    <td className="num" title={cell.runs.join(", ")}>
      {fmtPct(cell.accuracy)}
      <div className="muted small">
        n={cell.n} · [{fmtPct(cell.ciLow)}, {fmtPct(cell.ciHigh)}]
      </div>
    </td>
  );
}

/** How a run joins a row: documented where it is used. */
function TagVocabulary() {
  return (
    <details className="tag-vocabulary">
      <summary>Which run goes in which row</summary>
      <p className="small">
        Tag a run with <code>--tags {METHOD_TAG_PREFIX}…</code> when generating or evaluating it. A tag wins for any run; an untagged{" "}
        <em>student</em> run is placed by its config (mode cot / cot-rag, or agent with FTP and SAG from its config); untagged teacher runs
        stay out. FTP is a property of the teacher data, which a student&apos;s config does not record: tag FTP students.
      </p>
      <table className="data small">
        <thead>
          <tr>
            <th>Tag</th>
            <th>Row</th>
            <th>Meaning</th>
          </tr>
        </thead>
        <tbody>
          {METHODS.map((m) => (
            <tr key={m.id}>
              <td>
                <code>{METHOD_TAG_PREFIX + m.id}</code>
              </td>
              <td>{m.label}</td>
              <td>{m.meaning}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </details>
  );
}

export function MethodMatrix({ matrix }: { matrix: Matrix }) {
  const several = matrix.students.length > 1;
  const flat = flatten(matrix).filter((c) => c.n > 0);
  const { data, series } = pivot(flat, {
    x: (c) => c.benchmark,
    series: (c) => c.series,
    value: (c) => pct(c.accuracy),
    interval: (c) => (c.ciLow === null || c.ciHigh === null ? null : [pct(c.ciLow)!, pct(c.ciHigh)!]),
  });
  const csv = () =>
    toCsv(flatten(matrix), [
      { header: "student", value: (c) => c.student },
      { header: "method", value: (c) => c.method },
      { header: "benchmark", value: (c) => c.benchmark },
      { header: "n", value: (c) => c.n },
      { header: "correct", value: (c) => c.correct },
      { header: "accuracy", value: (c) => c.accuracy },
      { header: "ciLow", value: (c) => c.ciLow },
      { header: "ciHigh", value: (c) => c.ciHigh },
      { header: "runs", value: (c) => c.runs.join(" ") },
    ]);
  return (
    <ChartCard
      title="Method matrix"
      description="The paper's table: rows are distillation methods, one block per student model (a trained student's base), columns the benchmarks present plus their unweighted average. Cells: accuracy, sample size n, 95% Wilson interval; runs of one method on one benchmark for one student are pooled."
      csv={matrix.benchmarks.length ? csv : null}
      legend={series}
    >
      <TagVocabulary />
      {matrix.benchmarks.length === 0 ? (
        <p className="muted">No selected run carries a method tag or is a student run.</p>
      ) : (
        <>
          <table className="data matrix" aria-label="Method matrix">
            <thead>
              <tr>
                <th>Method</th>
                {several && <th>Student</th>}
                {matrix.benchmarks.map((b) => (
                  <th key={b} className="num">
                    {b}
                  </th>
                ))}
                <th className="num">{AVERAGE}</th>
              </tr>
            </thead>
            <tbody>
              {matrix.rows.map((row) => (
                <tr key={`${row.student}/${row.method}`}>
                  <th scope="row">{row.label}</th>
                  {several && <td>{row.student}</td>}
                  {matrix.benchmarks.map((b) => (
                    <Cell key={b} cell={row.cells[b]!} />
                  ))}
                  <Cell cell={row.average} />
                </tr>
              ))}
            </tbody>
          </table>
          {matrix.rows.some((r) => r.average.covered > 0 && r.average.covered < matrix.benchmarks.length) && (
            <p className="muted small">An average over fewer benchmarks than the columns is not comparable across rows.</p>
          )}
          {matrix.unplaced.length > 0 && (
            <p className="muted small">Not in the matrix (untagged teacher runs): {matrix.unplaced.join(", ")}</p>
          )}
          <PercentBars data={data} series={series} height={280} />
        </>
      )}
    </ChartCard>
  );
}
