"use client";
// Accept / Reject with a reason and an optional note, as the current annotator. Used on the
// trajectory page and in the review queue (which adds the a/r shortcuts and auto-advance).
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { AnnotatorName } from "@/components/AnnotatorName";
import { useTRPC } from "@/components/trpc";
import { REASON_LABELS, REJECT_REASONS, type RejectReason } from "@/server/annotations/reasons";

export type VerdictSaved = { trajectoryId: number; verdict: "accept" | "reject" };

export function useSaveVerdict(onSaved?: (saved: VerdictSaved) => void) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  return useMutation(
    trpc.annotations.add.mutationOptions({
      onSuccess: async (row) => {
        await queryClient.invalidateQueries({ queryKey: trpc.trajectories.pathKey() });
        onSaved?.({ trajectoryId: row.trajectoryId, verdict: row.verdict });
      },
    }),
  );
}

export function VerdictPanel({
  trajectoryId,
  rejecting,
  setRejecting,
  onSaved,
}: {
  trajectoryId: number;
  rejecting: boolean;
  setRejecting: (open: boolean) => void;
  onSaved?: (saved: VerdictSaved) => void;
}) {
  const [reason, setReason] = useState<RejectReason | null>(null);
  const [note, setNote] = useState("");
  const save = useSaveVerdict((saved) => {
    setRejecting(false);
    setNote("");
    onSaved?.(saved);
  });
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
        <AnnotatorName />
      </div>
      {rejecting && (
        <form
          className="reject-form"
          aria-label="Reject trajectory"
          onSubmit={(e) => {
            e.preventDefault();
            if (reason) save.mutate({ trajectoryId, verdict: "reject", reason, note: note || undefined });
          }}
        >
          <fieldset>
            <legend>Reason</legend>
            {REJECT_REASONS.map((r, i) => (
              <label key={r}>
                <input type="radio" name="reason" value={r} checked={reason === r} onChange={() => setReason(r)} autoFocus={i === 0} />
                {REASON_LABELS[r]}
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
            Cancel
          </button>
        </form>
      )}
      {save.error && <p className="error">{save.error.message}</p>}
    </div>
  );
}
