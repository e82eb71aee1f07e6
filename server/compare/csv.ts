// CSV for the compare page's "Export CSV" (RFC 4180: comma separator, CRLF line ends, fields
// quoted when they hold a comma, quote or line break). Pure, so server and browser share it.
export type CsvValue = string | number | boolean | null | undefined;
export type CsvColumn<T> = { header: string; value: (row: T) => CsvValue };

export function csvField(value: CsvValue): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "number") {
    if (!Number.isFinite(value)) return "";
    // Round away float noise (0.30000000000000004) without losing real precision.
    return String(Number(value.toPrecision(12)));
  }
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function toCsv<T>(rows: readonly T[], columns: readonly CsvColumn<T>[]): string {
  const lines = [columns.map((c) => csvField(c.header)).join(",")];
  for (const row of rows) lines.push(columns.map((c) => csvField(c.value(row))).join(","));
  return lines.join("\r\n") + "\r\n";
}

/** Columns for plain records: one per key, in the order given. */
export function recordColumns<T extends Record<string, CsvValue>>(keys: readonly (keyof T & string)[]): CsvColumn<T>[] {
  return keys.map((key) => ({ header: key, value: (row: T) => row[key] }));
}
