"use client";
// The first example's tokens under a base model's tokenizer and chat template, as the trainer's
// mask sees them: trainable tokens highlighted, masked ones dimmed.
import { useQuery } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { useTRPC } from "@/components/trpc";

export function TokenPreview({ datasetRef }: { datasetRef: string }) {
  const trpc = useTRPC();
  const [draft, setDraft] = useState("student");
  const [base, setBase] = useState("student");
  const preview = useQuery({ ...trpc.datasetPreview.tokens.queryOptions({ ref: datasetRef, base }), staleTime: Infinity, retry: false });

  function apply(event: FormEvent) {
    event.preventDefault();
    if (draft.trim()) setBase(draft.trim());
  }

  const data = preview.data;
  return (
    <section aria-label="Token preview" className="token-preview-section">
      <form className="toolbar" onSubmit={apply}>
        <label>
          Tokenizer of
          <input className="text-input" value={draft} onChange={(e) => setDraft(e.target.value)} aria-label="Tokenizer model" />
        </label>
        <button type="submit" className="secondary">
          Show
        </button>
        <span className="muted small">student, teacher, a registry id or a model directory</span>
      </form>
      {preview.isPending && <p className="muted">Tokenising under {base}&apos;s chat template…</p>}
      {preview.error && <p className="error">Could not tokenise: {preview.error.message}</p>}
      {data && (
        <>
          <div className="token-legend">
            <span>
              <span className="tok-train">trainable</span> learned (assistant turns)
            </span>
            <span>
              <span className="tok-masked">masked</span> context only (system, task, observations, template)
            </span>
            <strong aria-label="Trainable fraction">
              {data.trainable} of {data.total} tokens trainable ({(data.trainable_fraction * 100).toFixed(1)}%)
            </strong>
            <span className="muted small">
              {data.model} · {data.recordId ?? "example 1"}
            </span>
          </div>
          {data.mask_error && <p className="error">The trainer would reject this mask: {data.mask_error}</p>}
          <pre className="token-view" aria-label="Tokens">
            {data.tokens.map(([text, trainable], i) => (
              <span key={i} className={trainable ? "tok-train" : "tok-masked"}>
                {text}
              </span>
            ))}
          </pre>
          {data.shown < data.total && (
            <p className="muted small">
              Showing the first {data.shown} of {data.total} tokens.
            </p>
          )}
        </>
      )}
    </section>
  );
}
