"use client";
// Freeze a dataset from runs: pick runs, pick filters, validated in the browser with the same
// zod schema as the API and the CLI (`datasetSpec`), errors shown on their fields.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useState, type FormEvent } from "react";
import { fieldErrors, type FieldErrors } from "@/components/forms/field-errors";
import { useTRPC } from "@/components/trpc";
import { datasetSpec } from "@/server/datasets/spec";
import { initialDatasetForm, setFlag, toDatasetSpec, toggleRun, type DatasetFlag } from "./dataset-form";

const FLAGS: { flag: DatasetFlag; label: string; hint: string }[] = [
  { flag: "correctOnly", label: "Correct only", hint: "the answer was scored correct" },
  { flag: "noParseErrors", label: "No parse errors", hint: "every step parsed" },
  { flag: "finishedOnly", label: "Finished only", hint: "ended with final_answer" },
  { flag: "acceptedOnly", label: "Accepted only", hint: "an annotator accepted it" },
  { flag: "excludeRejected", label: "Exclude rejected", hint: "drop what an annotator rejected" },
];

export function NewDatasetForm() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const runs = useQuery(trpc.runs.list.queryOptions());
  const [values, setValues] = useState(initialDatasetForm);
  const [errors, setErrors] = useState<FieldErrors>({});
  const create = useMutation(
    trpc.datasets.create.mutationOptions({
      onSuccess: () => queryClient.invalidateQueries({ queryKey: trpc.datasets.list.queryKey() }),
    }),
  );

  function submit(event: FormEvent) {
    event.preventDefault();
    const parsed = datasetSpec.safeParse(toDatasetSpec(values));
    setErrors(parsed.success ? {} : fieldErrors(parsed.error));
    if (parsed.success) create.mutate(parsed.data);
  }

  const result = create.data;
  const ref = result ? `${result.dataset.name}@${result.dataset.version}` : "";
  return (
    <form className="panel form-grid" aria-label="New dataset" onSubmit={submit} noValidate>
      <label className="field">
        <span>Name</span>
        <input value={values.name} onChange={(e) => setValues({ ...values, name: e.target.value })} aria-invalid={!!errors.name} />
        {errors.name && <small className="error">{errors.name}</small>}
      </label>
      <fieldset className="field run-picker">
        <legend>Runs</legend>
        {runs.isPending && <p className="muted small">Loading runs…</p>}
        {runs.error && <p className="error small">Could not load runs: {runs.error.message}</p>}
        {runs.data?.length === 0 && <p className="muted small">No runs yet: generate one first.</p>}
        {runs.data?.map((r) => (
          <label key={r.id} className="check">
            <input
              type="checkbox"
              checked={values.runs.includes(r.name)}
              onChange={(e) => setValues(toggleRun(values, r.name, e.target.checked))}
            />
            <span>{r.name}</span>
            <span className="muted small">
              {r.mode} · {r.role} · {r.stats.trajectories} trajectories
              {r.stats.accuracy !== null && ` · ${(r.stats.accuracy * 100).toFixed(0)}% correct`}
            </span>
          </label>
        ))}
        {errors.run && <small className="error">{errors.run}</small>}
      </fieldset>
      <fieldset className="field">
        <legend>Filters</legend>
        {FLAGS.map(({ flag, label, hint }) => (
          <label key={flag} className="check" title={hint}>
            <input type="checkbox" checked={values[flag]} onChange={(e) => setValues(setFlag(values, flag, e.target.checked))} />
            <span>{label}</span>
          </label>
        ))}
        {errors.acceptedOnly && <small className="error">{errors.acceptedOnly}</small>}
        <label className="field inline">
          <span>Max tokens per model call</span>
          <input
            inputMode="numeric"
            placeholder="no limit"
            value={values.maxTokens}
            onChange={(e) => setValues({ ...values, maxTokens: e.target.value })}
            aria-invalid={!!errors.maxTokens}
          />
        </label>
        {errors.maxTokens && <small className="error">{errors.maxTokens}</small>}
      </fieldset>
      <div className="form-actions">
        <button type="submit" className="primary" disabled={create.isPending}>
          {create.isPending ? "Creating…" : "Create dataset"}
        </button>
        {create.error && <span className="error">{create.error.message}</span>}
        {result && (
          <span role="status">
            {result.created ? "Created " : "Unchanged — same content as "}
            <Link href={`/datasets/${encodeURIComponent(ref)}`}>{ref}</Link> ({result.dataset.trajectoryIds.length} trajectories)
          </span>
        )}
      </div>
    </form>
  );
}
