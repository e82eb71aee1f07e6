// Output helpers shared by commands: aligned tables for people, JSON for machines.
export function table(rows: Record<string, unknown>[], columns?: string[]): string {
  if (rows.length === 0) return "(none)";
  const { cols, cells } = grid(rows, columns);
  const widths = cols.map((c, i) => Math.max(c.length, ...cells.map((row) => row[i]!.length)));
  const line = (values: string[]) =>
    values
      .map((v, i) => (isNumeric(v) ? v.padStart(widths[i]!) : v.padEnd(widths[i]!)))
      .join("  ")
      .trimEnd();
  return [line(cols), line(widths.map((w) => "-".repeat(w))), ...cells.map(line)].join("\n");
}

/** The same rows as a GitHub-flavoured Markdown table (numbers right-aligned, `|` escaped). */
export function markdownTable(rows: Record<string, unknown>[], columns?: string[]): string {
  if (rows.length === 0) return "(none)";
  const { cols, cells } = grid(rows, columns);
  const line = (values: string[]) => `| ${values.map((v) => v.replaceAll("|", "\\|")).join(" | ")} |`;
  const align = cols.map((_, i) => (cells.every((row) => isNumeric(row[i]!) || row[i] === "–") ? "---:" : "---"));
  return [line(cols), line(align), ...cells.map(line)].join("\n");
}

function grid(rows: Record<string, unknown>[], columns?: string[]) {
  const cols = columns ?? Object.keys(rows[0]!);
  return { cols, cells: rows.map((r) => cols.map((c) => formatCell(r[c]))) };
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
