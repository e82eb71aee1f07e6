// How a dataset diff reads, in the CLI and on the dataset page alike. No database code here (types
// only from ./diff), so the browser bundle can import it.
import type { DatasetDiff, DiffReason, DiffVersion, FilterChange } from "./diff";

export const REASON_LABELS: Record<DiffReason, string> = {
  new_run: "new run",
  new_verdict: "new verdict",
  filter_change: "filter change",
  trajectory_deleted: "trajectory deleted",
  other: "other",
};

export const versionRef = (v: Pick<DiffVersion, "name" | "version">) => `${v.name}@${v.version}`;

/** One filter value as people read it: a list as "a,b", absent as "none". */
export function formatFilterValue(value: unknown): string {
  if (value === null || value === undefined) return "none";
  if (Array.isArray(value)) return value.map(String).join(",");
  return String(value);
}

/** "acceptedOnly false→true, run a→a,b", or "same filter". */
export function filterChangeText(changes: FilterChange[]): string {
  if (changes.length === 0) return "same filter";
  return `filter changed: ${changes.map((c) => `${c.key} ${formatFilterValue(c.from)}→${formatFilterValue(c.to)}`).join(", ")}`;
}

/** "ds@1 → ds@2: +3 −1, 40 unchanged; filter changed: acceptedOnly false→true". */
export function diffSummary(diff: DatasetDiff): string {
  const counts = `+${diff.added.length} −${diff.removed.length}, ${diff.unchanged} unchanged`;
  return `${versionRef(diff.from)} → ${versionRef(diff.to)}: ${counts}; ${filterChangeText(diff.filterChanges)}`;
}

/** What the reader should know about the two refs: different datasets, or given newer-first. */
export function diffNotes(diff: DatasetDiff): string[] {
  const notes: string[] = [];
  if (!diff.sameDataset) notes.push(`two different datasets: ${diff.from.name} and ${diff.to.name}`);
  if (diff.newerFirst) {
    notes.push(`${versionRef(diff.from)} is the newer version; added and removed still read from it to ${versionRef(diff.to)}`);
  }
  return notes;
}
