"use client";
// The annotate page: one trajectory at a time under a filter (kept in the URL with the current
// id), Accept (a) / Reject (r, 1–9 for the reason), next/previous (n/p), undo (u, walking back
// this session's verdicts), a progress counter, and a bulk verdict on the whole filtered set. A
// verdict moves on to the next trajectory. Shortcuts pause while typing or loading.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { usePathname, useRouter } from "next/navigation";
import { useEffect, useState } from "react";
import { filterToParams, type TrajectoryFilter } from "@/server/trajectories/filter-schema";
import { BulkVerdict } from "./BulkVerdict";
import { FilterBar } from "./FilterBar";
import { TraceViewer } from "./trace/TraceViewer";
import { useShortcuts } from "./trace/useShortcuts";
import { VerdictPanel } from "./trace/VerdictPanel";
import { useTRPC } from "./trpc";

export function AnnotationQueue({ filter, id }: { filter: TrajectoryFilter; id?: number }) {
  const trpc = useTRPC();
  const router = useRouter();
  const pathname = usePathname();
  const queryClient = useQueryClient();
  const [rejecting, setRejecting] = useState(false);
  // Trajectories this session gave a verdict to, newest last: what "undo" walks back through.
  const [done, setDone] = useState<number[]>([]);

  const first = useQuery({ ...trpc.trajectories.first.queryOptions({ filter }), enabled: id === undefined });
  const current = id ?? first.data ?? undefined;
  const around = useQuery({ ...trpc.trajectories.neighbours.queryOptions({ id: current ?? 0, filter }), enabled: current !== undefined });
  const progress = useQuery(trpc.trajectories.queueProgress.queryOptions({ filter, id: current }));
  const trajectory = useQuery({ ...trpc.trajectories.get.queryOptions({ id: current ?? 0 }), enabled: current !== undefined });

  const urlFor = (nextFilter: TrajectoryFilter, nextId?: number) => {
    const params = filterToParams(nextFilter);
    if (nextId) params.set("id", String(nextId));
    return `${pathname}${params.size ? `?${params}` : ""}`;
  };
  const go = (nextFilter: TrajectoryFilter, nextId?: number) => {
    setRejecting(false);
    router.replace(urlFor(nextFilter, nextId), { scroll: false });
  };
  // Pin the first trajectory in the URL so a reload stays on it.
  useEffect(() => {
    if (id === undefined && first.data) router.replace(urlFor(filter, first.data), { scroll: false });
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [id, first.data]);

  const advance = async (from: number) => {
    // Ask afresh: the verdict may have moved `from` out of the filter (e.g. "not reviewed").
    const next = await queryClient.fetchQuery(trpc.trajectories.neighbours.queryOptions({ id: from, filter }));
    go(filter, next.next ?? from);
  };
  const onSaved = ({ trajectoryId }: { trajectoryId: number }) => {
    setDone((d) => [...d, trajectoryId]);
    void advance(trajectoryId);
  };
  const undo = useMutation(
    trpc.annotations.undo.mutationOptions({
      onSuccess: async (_res, vars) => {
        setDone((d) => d.slice(0, -1));
        await queryClient.invalidateQueries({ queryKey: trpc.trajectories.pathKey() });
        go(filter, vars.trajectoryId);
      },
    }),
  );
  const lastDone = done.at(-1);
  const busy = current === undefined || !trajectory.isSuccess || undo.isPending;

  useShortcuts(
    {
      n: () => around.data?.next && go(filter, around.data.next),
      p: () => around.data?.prev && go(filter, around.data.prev),
      u: () => lastDone !== undefined && undo.mutate({ trajectoryId: lastDone }),
    },
    !busy,
  );

  const p = progress.data;
  return (
    <>
      <h1>Review queue</h1>
      <FilterBar filter={filter} onChange={(next) => go(next)} showRun />
      <BulkVerdict filter={filter} />
      <div className="toolbar queue-bar">
        <span aria-label="Progress" className="progress-counter">
          {p ? `${p.position ?? 0} of ${p.total} · ${p.annotated} reviewed` : "…"}
        </span>
        <button type="button" disabled={!around.data?.prev} onClick={() => go(filter, around.data!.prev!)} aria-keyshortcuts="p">
          ← Previous <kbd>p</kbd>
        </button>
        <button type="button" disabled={!around.data?.next} onClick={() => go(filter, around.data!.next!)} aria-keyshortcuts="n">
          Next <kbd>n</kbd> →
        </button>
        <button
          type="button"
          disabled={lastDone === undefined || undo.isPending}
          onClick={() => undo.mutate({ trajectoryId: lastDone! })}
          aria-keyshortcuts="u"
        >
          Undo <kbd>u</kbd>
        </button>
        {undo.data && !undo.data.removed && <span className="muted">nothing to undo</span>}
      </div>
      {current === undefined ? (
        <p className="muted">
          {first.isPending && id === undefined ? "Finding the first trajectory…" : "No trajectories match this filter."}
        </p>
      ) : (
        <TraceViewer key={current} id={current} filter={filter} showNav={false}>
          <VerdictPanel trajectoryId={current} rejecting={rejecting} setRejecting={setRejecting} onSaved={onSaved} undoKey={false} />
        </TraceViewer>
      )}
    </>
  );
}
