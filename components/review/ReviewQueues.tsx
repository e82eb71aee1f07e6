"use client";
// Review queues: every queue with its progress (items complete, verdicts per annotator), and the
// form a researcher makes one with — a filter of trajectories, how many annotators each item
// needs, blind or not, and who may take items.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { FilterBar } from "@/components/FilterBar";
import { useTRPC } from "@/components/trpc";
import type { TrajectoryFilter } from "@/server/trajectories/filter-schema";

function NewQueueForm() {
  const trpc = useTRPC();
  const router = useRouter();
  const queryClient = useQueryClient();
  const [name, setName] = useState("");
  const [filter, setFilter] = useState<TrajectoryFilter>({});
  const [perItem, setPerItem] = useState(2);
  const [blind, setBlind] = useState<boolean | null>(null);
  const [allowed, setAllowed] = useState("");
  const count = useQuery(trpc.trajectories.count.queryOptions({ filter }));
  const create = useMutation(
    trpc.review.create.mutationOptions({
      onSuccess: async (queue) => {
        await queryClient.invalidateQueries({ queryKey: trpc.review.pathKey() });
        router.push(`/review/${queue.id}`);
      },
    }),
  );
  const isBlind = blind ?? perItem > 1;
  return (
    <details className="card new-queue">
      <summary>New review queue…</summary>
      <FilterBar filter={filter} onChange={setFilter} showRun />
      <form
        aria-label="New review queue"
        onSubmit={(e) => {
          e.preventDefault();
          const names = allowed
            .split(/[\s,]+/)
            .map((s) => s.trim())
            .filter(Boolean);
          create.mutate({ name, filter, annotatorsPerItem: perItem, blind: isBlind, allowed: names.length ? names : undefined });
        }}
      >
        <label>
          Name <input value={name} onChange={(e) => setName(e.target.value)} required maxLength={80} />
        </label>
        <label>
          Annotators per item <input type="number" min={1} max={5} value={perItem} onChange={(e) => setPerItem(Number(e.target.value))} />
        </label>
        <label>
          <input type="checkbox" checked={isBlind} onChange={(e) => setBlind(e.target.checked)} /> Blind (others&apos; verdicts hidden until
          one&apos;s own)
        </label>
        <label>
          Who may take items (user names; empty: any annotator){" "}
          <input value={allowed} onChange={(e) => setAllowed(e.target.value)} placeholder="ann, bob" />
        </label>
        <button type="submit" disabled={!name.trim() || !count.data || create.isPending}>
          Create with {count.data ?? "…"} trajectories
        </button>
      </form>
      {create.error && <p className="error">{create.error.message}</p>}
    </details>
  );
}

export function ReviewQueues() {
  const trpc = useTRPC();
  const queues = useQuery(trpc.review.list.queryOptions());
  return (
    <>
      <h1>Review queues</h1>
      <NewQueueForm />
      {queues.error && <p className="error">{queues.error.message}</p>}
      {queues.data?.length === 0 && <p className="muted">No queue yet.</p>}
      {(queues.data?.length ?? 0) > 0 && (
        <table aria-label="Review queues">
          <thead>
            <tr>
              <th>Queue</th>
              <th>Per item</th>
              <th>Blind</th>
              <th>Complete</th>
              <th>Verdicts per annotator</th>
              <th>Created by</th>
            </tr>
          </thead>
          <tbody>
            {queues.data!.map((q) => (
              <tr key={q.id}>
                <td>
                  <Link href={`/review/${q.id}`}>{q.name}</Link>
                </td>
                <td>{q.annotatorsPerItem}</td>
                <td>{q.blind ? "yes" : "no"}</td>
                <td>
                  {q.progress.complete} / {q.progress.items}
                </td>
                <td>{q.progress.byAnnotator.map((a) => `${a.userName} ${a.done}`).join(", ") || "—"}</td>
                <td>{q.createdBy}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}
