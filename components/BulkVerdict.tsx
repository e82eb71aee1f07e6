"use client";
// A bulk verdict on the filtered set (researchers): preview how many trajectories it touches,
// give a verdict, a reason for rejections and a note for the whole batch, confirm; the recent
// batches list below can undo one as a whole. Each batch is one audited action.
import { useMutation, useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { REASON_LABELS, REJECT_REASONS, type RejectReason } from "@/server/annotations/reasons";
import type { TrajectoryFilter } from "@/server/trajectories/filter-schema";
import { useVerdictsChanged } from "./trace/VerdictPanel";
import { useTRPC } from "./trpc";

export function BulkVerdict({ filter }: { filter: TrajectoryFilter }) {
  const trpc = useTRPC();
  const [open, setOpen] = useState(false);
  const [verdict, setVerdict] = useState<"accept" | "reject">("reject");
  const [reason, setReason] = useState<RejectReason>("wrong_answer");
  const [note, setNote] = useState("");
  const preview = useQuery({ ...trpc.annotations.bulkPreview.queryOptions({ filter }), enabled: open });
  const batches = useQuery({ ...trpc.annotations.batches.queryOptions(), enabled: open });
  const refresh = useVerdictsChanged();
  const bulk = useMutation(trpc.annotations.bulk.mutationOptions({ onSuccess: refresh }));
  const undo = useMutation(trpc.annotations.undoBulk.mutationOptions({ onSuccess: refresh }));
  const count = preview.data?.count;
  const error = bulk.error ?? undo.error ?? preview.error;
  return (
    <details className="bulk-verdict" open={open} onToggle={(e) => setOpen(e.currentTarget.open)}>
      <summary>Bulk verdict on this filter…</summary>
      <form
        aria-label="Bulk verdict"
        onSubmit={(e) => {
          e.preventDefault();
          bulk.mutate({ filter, verdict, reason: verdict === "reject" ? reason : undefined, note });
        }}
      >
        <label>
          Verdict{" "}
          <select value={verdict} onChange={(e) => setVerdict(e.target.value as "accept" | "reject")}>
            <option value="accept">Accept</option>
            <option value="reject">Reject</option>
          </select>
        </label>
        {verdict === "reject" && (
          <label>
            Reason{" "}
            <select value={reason} onChange={(e) => setReason(e.target.value as RejectReason)}>
              {REJECT_REASONS.map((r) => (
                <option key={r} value={r}>
                  {REASON_LABELS[r]}
                </option>
              ))}
            </select>
          </label>
        )}
        <label>
          Note for the batch <input value={note} onChange={(e) => setNote(e.target.value)} required maxLength={4000} />
        </label>
        <button type="submit" disabled={!count || !note.trim() || bulk.isPending}>
          {count === undefined ? "Counting…" : `${verdict === "accept" ? "Accept" : "Reject"} all ${count}`}
        </button>
      </form>
      {bulk.data && (
        <p role="status">
          Batch {bulk.data.id}: {bulk.data.verdict === "accept" ? "accepted" : "rejected"} {bulk.data.count} trajectories.
        </p>
      )}
      {error && <p className="error">{error.message}</p>}
      {(batches.data?.length ?? 0) > 0 && (
        <table className="batches" aria-label="Recent bulk verdicts">
          <thead>
            <tr>
              <th>Batch</th>
              <th>By</th>
              <th>Verdict</th>
              <th>Trajectories</th>
              <th>Note</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {batches.data!.map((b) => (
              <tr key={b.id}>
                <td>{b.id}</td>
                <td>{b.userName}</td>
                <td>
                  {b.verdict}
                  {b.reason ? ` (${REASON_LABELS[b.reason]})` : ""}
                </td>
                <td>{b.count}</td>
                <td>{b.note}</td>
                <td>
                  {b.undoneAt ? (
                    <span className="muted">undone by {b.undoneBy}</span>
                  ) : (
                    <button type="button" disabled={undo.isPending} onClick={() => undo.mutate({ batchId: b.id })}>
                      Undo batch {b.id}
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </details>
  );
}
