// Output helpers shared by commands: aligned tables for people, JSON for machines, and a
// progress bar that draws only on a TTY.
export function table(rows: Record<string, unknown>[], columns?: string[]): string {
  if (rows.length === 0) return "(none)";
  const cols = columns ?? Object.keys(rows[0]!);
  const cells = rows.map((r) => cols.map((c) => formatCell(r[c])));
  const widths = cols.map((c, i) => Math.max(c.length, ...cells.map((row) => row[i]!.length)));
  const line = (values: string[]) =>
    values.map((v, i) => (isNumeric(v) ? v.padStart(widths[i]!) : v.padEnd(widths[i]!))).join("  ").trimEnd();
  return [line(cols), line(widths.map((w) => "-".repeat(w))), ...cells.map(line)].join("\n");
}

function formatCell(value: unknown): string {
  if (value === null || value === undefined) return "–";
  if (typeof value === "number") return Number.isInteger(value) ? String(value) : value.toFixed(3);
  return String(value);
}

function isNumeric(text: string): boolean {
  return /^-?[\d.]+%?$/.test(text);
}

export function printJson(value: unknown): void {
  console.log(JSON.stringify(value, null, 2));
}

export type Progress = { tick: (done: number, label?: string) => void; finish: () => void };

/** A one-line progress bar on stderr when it is a TTY; silent otherwise. */
export function progressBar(total: number, title: string): Progress {
  const tty = process.stderr.isTTY === true;
  const started = Date.now();
  const draw = (done: number, label = "") => {
    if (!tty) return;
    const width = 30;
    const frac = total > 0 ? Math.min(1, done / total) : 0;
    const bar = "█".repeat(Math.round(frac * width)).padEnd(width, "░");
    const secs = ((Date.now() - started) / 1000).toFixed(0);
    process.stderr.write(`\r${title} ${bar} ${done}/${total} ${secs}s ${label}`.slice(0, process.stderr.columns ?? 120));
  };
  return {
    tick: draw,
    finish: () => {
      if (tty) process.stderr.write("\n");
    },
  };
}
