"use client";
// A run's trajectories: summary, filters and a keyset-paged table, all state in the URL
// (?outcome=…&after=ID), every row a link that carries the filter to the trajectory page.
import { UnsafeSandboxWarning } from "@/components/trace/UnsafeSandboxWarning";
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { usePathname, useRouter } from "next/navigation";
import { filterToParams, type TrajectoryFilter } from "@/server/trajectories/filter-schema";
import { FilterBar } from "./FilterBar";
import { RunFailures } from "./RunFailures";
import { TrajectoryTable } from "./TrajectoryTable";
import { useTRPC } from "./trpc";
import { servedLabel } from "@/server/models/served";

export function RunTrajectories({
  filter,
  cursor,
}: {
  filter: TrajectoryFilter & { run: string };
  cursor: { after?: number; before?: number };
}) {
  const trpc = useTRPC();
  const router = useRouter();
  const pathname = usePathname();
  const run = useQuery(trpc.runs.get.queryOptions({ name: filter.run }));
  const list = useQuery({ ...trpc.trajectories.list.queryOptions({ filter, cursor }), placeholderData: keepPreviousData });
  const total = useQuery({ ...trpc.trajectories.count.queryOptions({ filter }), placeholderData: keepPreviousData });
  const ftp = useQuery(trpc.trajectories.ftpChanges.queryOptions({ run: filter.run }));

  const go = (next: TrajectoryFilter, page: { after?: number; before?: number } = {}) => {
    const params = filterToParams({ ...next, run: undefined });
    if (page.after) params.set("after", String(page.after));
    if (page.before) params.set("before", String(page.before));
    router.replace(params.size ? `${pathname}?${params}` : pathname);
  };
  const carried = filterToParams(filter).toString();

  if (run.error) return <p className="error">{run.error.message}</p>;
  const r = run.data;
  return (
    <>
      <h1>{filter.run}</h1>
      <UnsafeSandboxWarning unsafe={run.data?.unsafeSandbox ?? null} />
      {r && (
        <p className="subtitle">
          {r.model} · {r.mode} · {r.benchmark ?? "?"} ({r.split ?? "?"}) · {r.ftp ? "FTP" : "no FTP"} ·{" "}
          {r.sag > 1 ? `SAG ×${r.sag}` : "no SAG"} · {r.status} · {r.stats.trajectories} trajectories · accuracy{" "}
          {r.stats.accuracy === null ? "—" : `${(r.stats.accuracy * 100).toFixed(1)}%`}
          {r.stats.served.length > 0 && <> · served on {servedLabel(r.stats.served)}</>}
        </p>
      )}
      <div className="toolbar">
        <Link href={`/annotate?${carried}`}>Review these in the annotation queue →</Link>
        {ftp.data?.partner && (
          <Link href={`/runs/${encodeURIComponent(filter.run)}/ftp`}>
            FTP changed {ftp.data.rows.length} of {ftp.data.paired} outcomes (vs {ftp.data.partner}) →
          </Link>
        )}
      </div>
      <RunFailures run={filter.run} />
      <FilterBar filter={filter} onChange={(next) => go({ ...next, run: filter.run })} />
      <p className="muted" aria-live="polite">
        {total.data === undefined ? "Counting…" : `${total.data} trajectories match`}
      </p>
      {list.error && <p className="error">{list.error.message}</p>}
      <TrajectoryTable rows={list.data?.rows ?? []} linkQuery={carried} />
      <div className="pager">
        <button type="button" disabled={!list.data?.hasPrev} onClick={() => go(filter, { before: list.data!.rows[0]!.id })}>
          ← Previous
        </button>
        <button type="button" disabled={!list.data?.hasNext} onClick={() => go(filter, { after: list.data!.rows.at(-1)!.id })}>
          Next →
        </button>
      </div>
    </>
  );
}
