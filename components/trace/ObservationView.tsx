"use client";
// An observation or error, collapsed to its first lines when long: the server sends a preview,
// "Show all" fetches the rest. Error kinds get their own colour and label.
import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { useTRPC } from "@/components/trpc";
import type { StepDetail } from "@/server/trajectories/detail";
import { ERROR_LABELS, formatBytes } from "./format";

/** Characters shown before "Show all" (the server sends a bit more as the preview). */
const COLLAPSED_CHARS = 1_500; // below the server preview (detail.ts PREVIEW_CHARS)

export function ObservationView({ step, expandAll }: { step: StepDetail; expandAll: boolean }) {
  const trpc = useTRPC();
  const [expanded, setExpanded] = useState(expandAll);
  const truncatedOnServer = (step.observation?.length ?? 0) < step.observationBytes || (step.errorText?.length ?? 0) < step.errorTextBytes;
  const full = useQuery({ ...trpc.trajectories.stepText.queryOptions({ stepId: step.id }), enabled: expanded && truncatedOnServer });
  const observation = (expanded && full.data?.observation) || step.observation || "";
  const errorText = (expanded && full.data?.errorText) || step.errorText || "";

  const cut = (text: string) => (expanded || text.length <= COLLAPSED_CHARS ? text : text.slice(0, COLLAPSED_CHARS));
  const longest = Math.max(step.observationBytes, step.errorTextBytes);
  const collapsible = longest > COLLAPSED_CHARS;
  return (
    <>
      {step.errorKind && (
        <div className={`outcome error-${step.errorKind}`} data-error-kind={step.errorKind}>
          <div className="outcome-label">{ERROR_LABELS[step.errorKind]}</div>
          <pre className="outcome-text">{cut(errorText) || "(no error text)"}</pre>
        </div>
      )}
      {(observation || !step.errorKind) && (
        <div className="outcome observation">
          <div className="outcome-label">Observation</div>
          <pre className="outcome-text">{cut(observation) || "(no output)"}</pre>
        </div>
      )}
      {collapsible && (
        <button type="button" className="link-button" onClick={() => setExpanded((v) => !v)}>
          {expanded ? (full.isFetching ? "Loading…" : "Collapse") : `Show all (${formatBytes(longest)})`}
        </button>
      )}
    </>
  );
}
