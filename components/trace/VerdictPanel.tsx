"use client";
// Accept / Reject with a reason and an optional note, as the current annotator, keyboard first:
// a accepts, r opens the reasons, 1–9 reject with that reason at once, u undoes one's own newest
// verdict here (the review queue walks its own undo back across items instead). Used on the
// trajectory page and in the review queues; `history` shows the trajectory's audited verdict
// changes (a blind queue hides them until one's own verdict is in).
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { AnnotatorName } from "@/components/AnnotatorName";
import { useTRPC } from "@/components/trpc";
import { REASON_LABELS, REJECT_REASONS, type RejectReason } from "@/server/annotations/reasons";
import { useShortcuts } from "./useShortcuts";

export type VerdictSaved = { trajectoryId: number; verdict: "accept" | "reject" };

/** Refetch whatever shows verdicts (lists, a trajectory, its history, the review queues) after a change. */
export function useVerdictsChanged() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  return async () => {
    await Promise.all(
      [trpc.trajectories, trpc.annotations, trpc.review].map((r) => queryClient.invalidateQueries({ queryKey: r.pathKey() })),
    );
  };
}

export function useSaveVerdict(onSaved?: (saved: VerdictSaved) => void) {
  const trpc = useTRPC();
  const changed = useVerdictsChanged();
  return useMutation(
    trpc.annotations.add.mutationOptions({
      onSuccess: async (row) => {
        await changed();
        onSaved?.({ trajectoryId: row.trajectoryId, verdict: row.verdict });
      },
    }),
  );
}

const ACTION_LABELS = { add: "verdict", undo: "undone", final: "final ruling", bulk: "bulk verdict", bulk_undo: "bulk undone" } as const;

export function VerdictHistory({ trajectoryId }: { trajectoryId: number }) {
  const trpc = useTRPC();
  const audit = useQuery(trpc.annotations.audit.queryOptions({ trajectoryId }));
  const events = audit.data ?? [];
  return (
    <details className="verdict-history">
      <summary>Verdict history ({events.length})</summary>
      {events.length === 0 ? (
        <p className="muted">No verdict yet.</p>
      ) : (
        <ol aria-label="Verdict history">
          {events.map((e) => (
            <li key={e.id}>
              <time dateTime={new Date(e.createdAt).toISOString()}>{new Date(e.createdAt).toLocaleString()}</time> <b>{e.userName}</b>{" "}
              {ACTION_LABELS[e.action]} <span className={`badge ${e.verdict}`}>{e.verdict}</span>
              {e.reason ? ` (${REASON_LABELS[e.reason as RejectReason] ?? e.reason})` : ""} · {e.before ?? "none"} → {e.after ?? "none"}
            </li>
          ))}
        </ol>
      )}
    </details>
  );
}

export function VerdictPanel({
  trajectoryId,
  rejecting,
  setRejecting,
  onSaved,
  undoKey = true,
  history = true,
}: {
  trajectoryId: number;
  rejecting: boolean;
  setRejecting: (open: boolean) => void;
  onSaved?: (saved: VerdictSaved) => void;
  /** Bind u to undoing one's own newest verdict on this trajectory. */
  undoKey?: boolean;
  history?: boolean;
}) {
  const trpc = useTRPC();
  const changed = useVerdictsChanged();
  const [reason, setReason] = useState<RejectReason | null>(null);
  const [note, setNote] = useState("");
  const save = useSaveVerdict((saved) => {
    setRejecting(false);
    setNote("");
    onSaved?.(saved);
  });
  const undo = useMutation(trpc.annotations.undo.mutationOptions({ onSuccess: changed }));
  const reject = (r: RejectReason) => save.mutate({ trajectoryId, verdict: "reject", reason: r, note: note || undefined });
  const keys: Record<string, () => void> = {
    a: () => save.mutate({ trajectoryId, verdict: "accept" }),
    r: () => setRejecting(!rejecting),
    Escape: () => setRejecting(false),
  };
  if (rejecting) REJECT_REASONS.forEach((r, i) => (keys[String(i + 1)] = () => reject(r)));
  if (undoKey) keys.u = () => undo.mutate({ trajectoryId });
  useShortcuts(keys, !save.isPending && !undo.isPending);

  return (
    <div className="verdict-panel">
      <div className="verdict-buttons">
        <button
          type="button"
          className="accept"
          disabled={save.isPending}
          onClick={() => save.mutate({ trajectoryId, verdict: "accept" })}
          aria-keyshortcuts="a"
        >
          Accept <kbd>a</kbd>
        </button>
        <button
          type="button"
          className="reject"
          disabled={save.isPending}
          onClick={() => setRejecting(!rejecting)}
          aria-keyshortcuts="r"
          aria-expanded={rejecting}
        >
          Reject <kbd>r</kbd>
        </button>
        {undoKey && (
          <button type="button" disabled={undo.isPending} onClick={() => undo.mutate({ trajectoryId })} aria-keyshortcuts="u">
            Undo mine <kbd>u</kbd>
          </button>
        )}
        <AnnotatorName />
      </div>
      {rejecting && (
        <form
          className="reject-form"
          aria-label="Reject trajectory"
          onSubmit={(e) => {
            e.preventDefault();
            if (reason) reject(reason);
          }}
        >
          <fieldset>
            <legend>Reason (1–{REJECT_REASONS.length} rejects at once)</legend>
            {REJECT_REASONS.map((r, i) => (
              <label key={r}>
                <input type="radio" name="reason" value={r} checked={reason === r} onChange={() => setReason(r)} />
                <kbd>{i + 1}</kbd> {REASON_LABELS[r]}
              </label>
            ))}
          </fieldset>
          <label className="note">
            Note (optional)
            <textarea value={note} onChange={(e) => setNote(e.target.value)} rows={2} />
          </label>
          <button type="submit" className="reject" disabled={!reason || save.isPending}>
            Save rejection
          </button>
          <button type="button" onClick={() => setRejecting(false)}>
            Cancel <kbd>Esc</kbd>
          </button>
        </form>
      )}
      {undo.data && !undo.data.removed && <p className="muted">You have no verdict here to undo.</p>}
      {(save.error ?? undo.error) && <p className="error">{(save.error ?? undo.error)!.message}</p>}
      {history && <VerdictHistory trajectoryId={trajectoryId} />}
    </div>
  );
}
