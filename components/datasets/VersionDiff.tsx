"use client";
// The dataset page's "Compare with version…": this version diffed against another one of the same
// dataset, older → newer, with the reason each trajectory came or went. The other version lives in
// the URL (?diff=NAME@V), so a comparison is a link to share.
import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { usePathname, useRouter } from "next/navigation";
import { QueryFallback } from "@/components/QueryFallback";
import { useTRPC } from "@/components/trpc";
import type { DiffEntry } from "@/server/datasets/diff";
import { diffNotes, diffSummary, REASON_LABELS } from "@/server/datasets/diff-format";

export function VersionDiff({ name, version, compareWith }: { name: string; version: number; compareWith: string | null }) {
  const trpc = useTRPC();
  const router = useRouter();
  const pathname = usePathname();
  const list = useQuery(trpc.datasets.list.queryOptions());
  const others = (list.data ?? []).filter((d) => d.name === name && d.version !== version).sort((x, y) => y.version - x.version);
  const setCompare = (ref: string) => router.replace(ref ? `${pathname}?diff=${encodeURIComponent(ref)}` : pathname, { scroll: false });
  if (list.isSuccess && others.length === 0 && !compareWith) return null;
  return (
    <>
      <h2 className="section-gap">Changes between versions</h2>
      <div className="toolbar">
        <label>
          Compare with version…
          <select value={compareWith ?? ""} onChange={(e) => setCompare(e.target.value)} aria-label="Compare with version">
            <option value="">—</option>
            {compareWith && !others.some((d) => `${d.name}@${d.version}` === compareWith) && (
              <option value={compareWith}>{compareWith}</option>
            )}
            {others.map((d) => (
              <option key={d.id} value={`${d.name}@${d.version}`}>
                {d.name}@{d.version} ({d.size} trajectories)
              </option>
            ))}
          </select>
        </label>
      </div>
      {compareWith && <DiffView refs={orderRefs(name, version, compareWith)} />}
    </>
  );
}

/** Older → newer: the other version first unless it is a later version of this dataset. */
function orderRefs(name: string, version: number, other: string): { a: string; b: string } {
  const self = `${name}@${version}`;
  const match = /^(.+)@(\d+)$/.exec(other);
  const laterOfThis = match !== null && match[1] === name && Number(match[2]) > version;
  return laterOfThis ? { a: self, b: other } : { a: other, b: self };
}

function DiffView({ refs }: { refs: { a: string; b: string } }) {
  const trpc = useTRPC();
  const diff = useQuery(trpc.datasets.diff.queryOptions(refs));
  if (!diff.isSuccess) return <QueryFallback query={diff} noun="the comparison" />;
  const d = diff.data;
  return (
    <>
      <p>{diffSummary(d)}</p>
      {diffNotes(d).map((note) => (
        <p key={note} className="small muted">
          {note}
        </p>
      ))}
      <EntryTable title="Added" entries={d.added} />
      <EntryTable title="Removed" entries={d.removed} />
    </>
  );
}

function EntryTable({ title, entries }: { title: string; entries: DiffEntry[] }) {
  if (entries.length === 0) return null;
  return (
    <>
      <h3>
        {title} ({entries.length})
      </h3>
      <table className="data" aria-label={`${title} trajectories`}>
        <thead>
          <tr>
            <th>Trajectory</th>
            <th>Run</th>
            <th>Question</th>
            <th>Reason</th>
            <th>Detail</th>
          </tr>
        </thead>
        <tbody>
          {entries.map((e) => (
            <tr key={e.trajectoryId}>
              <td>
                {e.reason === "trajectory_deleted" || e.run === null ? (
                  `#${e.trajectoryId}`
                ) : (
                  <Link href={`/trajectories/${e.trajectoryId}`}>#{e.trajectoryId}</Link>
                )}
              </td>
              <td>{e.run ?? "–"}</td>
              <td className="small">{e.question ?? "–"}</td>
              <td>
                <span className={`chip reason-${e.reason}`}>{REASON_LABELS[e.reason]}</span>
              </td>
              <td className="small">{e.detail}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}
