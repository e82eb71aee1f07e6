import type { FtpRow, MethodMatrix } from "@/server/compare/charts";
import { withApi } from "@/server/client/api";
import { jsonOption, stringFlag, UsageError, type Command } from "../command";
import { markdownTable, printJson, table } from "../format";

const pct = (x: number | null) => (x === null ? "–" : `${(100 * x).toFixed(1)}`);

/** "7/30 · 23.3% (11.8–40.9)": count, accuracy and 95% Wilson interval; "–" where no run is placed. */
export function accuracyCell(cell: {
  n: number;
  correct: number;
  accuracy: number | null;
  ciLow: number | null;
  ciHigh: number | null;
}): string {
  if (cell.n === 0) return "–";
  return `${cell.correct}/${cell.n} · ${pct(cell.accuracy)}% (${pct(cell.ciLow)}–${pct(cell.ciHigh)})`;
}

/** The paper's matrix as rows of text: one per method (and student, when there are several), one column per benchmark, then the average. */
export function matrixRows(matrix: MethodMatrix): Record<string, string>[] {
  const several = matrix.students.length > 1;
  return matrix.rows.map((row) => ({
    ...(several ? { student: row.student } : {}),
    method: row.label,
    ...Object.fromEntries(matrix.benchmarks.map((b) => [b, accuracyCell(row.cells[b]!)])),
    average: row.average.covered === 0 ? "–" : `${pct(row.average.accuracy)}% (${pct(row.average.ciLow)}–${pct(row.average.ciHigh)})`,
  }));
}

function teacherRows(rows: FtpRow[]): Record<string, string>[] {
  return rows.map((r) => ({
    run: r.run,
    benchmark: r.benchmark,
    ftp: r.ftp ? "on" : "off",
    accuracy: accuracyCell(r),
    "retrievals / question": r.retrievalPerQuestion === null ? "–" : r.retrievalPerQuestion.toFixed(2),
  }));
}

async function runNamesOf(experiment: string): Promise<string[]> {
  const all = await withApi((api) => api.runs.list.query());
  return all.filter((r) => r.tags.includes(`experiment:${experiment}`)).map((r) => r.name);
}

export const compareCommand: Command = {
  name: "compare",
  summary: "the compare page's tables in the terminal: the paper's method matrix (n, accuracy, 95% CI) and teacher FTP on/off",
  usage: "[RUN...] [--experiment NAME] [--markdown]",
  options: {
    experiment: { type: "string", help: "add every run tagged experiment:NAME (the runs a recipe made)" },
    markdown: { type: "boolean", help: "print GitHub-flavoured Markdown tables (for a README)" },
    ...jsonOption,
  },
  async run(args) {
    const experiment = stringFlag(args, "experiment");
    const names = [...args.positionals, ...(experiment ? await runNamesOf(experiment) : [])];
    if (names.length === 0) {
      throw new UsageError(
        experiment ? `compare: no runs are tagged experiment:${experiment}` : "compare: name runs, or --experiment NAME",
      );
    }
    const result = await withApi((api) => api.compare.runs.query({ runs: names }));
    if (result.missing.length > 0) throw new UsageError(`compare: no run named ${result.missing.map((m) => `"${m}"`).join(", ")}`);
    if (args.values.json) return printJson(result);
    const format = args.values.markdown ? markdownTable : table;
    console.log("Method matrix (correct/n · accuracy (95% Wilson CI); average: unweighted mean over benchmarks)\n");
    console.log(format(matrixRows(result.matrix)));
    if (result.matrix.unplaced.length > 0)
      console.log(`\nNot in the matrix (no method tag, not a student run): ${result.matrix.unplaced.join(", ")}`);
    if (result.ftp.length > 0) {
      console.log("\nTeacher agent runs, FTP off vs on\n");
      console.log(format(teacherRows(result.ftp)));
    }
  },
};
