"use client";
// Launch an on-policy distillation: the same fields as `npx distillery distill`, validated in the
// browser with the API's own schema (`distillConfigInput`). The rounds draw questions from a
// benchmark's train split; held-out evaluation uses a test split.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useState, type FormEvent } from "react";
import { fieldErrors, type FieldErrors } from "@/components/forms/field-errors";
import { Labelled } from "@/components/forms/Labelled";
import { useTRPC } from "@/components/trpc";
import { distillConfigInput } from "@/server/distill/config";
import { BackendFields, backendErrors } from "./BackendFields";
import { initialDistillForm, toDistillInput, type DistillFormValues } from "./distill-form";

type TextField = Exclude<keyof DistillFormValues, "benchmark" | "evalBenchmark" | "replayTeacherPrefix" | "backend" | "rayAddress">;

const NUMBERS: { field: TextField; label: string; placeholder?: string }[] = [
  { field: "rounds", label: "Rounds" },
  { field: "episodesPerRound", label: "Episodes per round" },
  { field: "evalLimit", label: "Held-out questions", placeholder: "no evaluation" },
  { field: "temperature", label: "Student temperature" },
  { field: "lr", label: "Learning rate", placeholder: "1e-4" },
  { field: "epochs", label: "Epochs per round", placeholder: "1" },
  { field: "loraR", label: "LoRA r (new adapter)", placeholder: "64" },
];

export function DistillForm() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const benchmarks = useQuery(trpc.benchmarks.list.queryOptions());
  const students = useQuery(trpc.training.students.queryOptions());
  const [values, setValues] = useState<DistillFormValues>(initialDistillForm);
  const [errors, setErrors] = useState<FieldErrors>({});
  const distill = useMutation(
    trpc.training.distill.mutationOptions({
      onSuccess: () => queryClient.invalidateQueries({ queryKey: trpc.jobs.list.queryKey() }),
    }),
  );
  const set = <K extends keyof DistillFormValues>(field: K, value: DistillFormValues[K]) => setValues({ ...values, [field]: value });

  function submit(event: FormEvent) {
    event.preventDefault();
    const input = toDistillInput(values);
    const parsed = distillConfigInput.safeParse(input);
    const found = { ...(parsed.success ? {} : fieldErrors(parsed.error)), ...backendErrors(input) };
    setErrors(found);
    if (parsed.success && Object.keys(found).length === 0) distill.mutate(input);
  }

  const textInput = (field: TextField, placeholder?: string, list?: string) => (
    <input
      value={values[field]}
      placeholder={placeholder}
      list={list}
      onChange={(e) => set(field, e.target.value)}
      aria-invalid={!!errors[field]}
    />
  );
  const split = (s: "train" | "test") => (benchmarks.data ?? []).filter((b) => b.split === s);
  return (
    <form className="panel form-grid" aria-label="Distil a student on-policy" onSubmit={submit} noValidate>
      <div className="form-row">
        <Labelled label="Student" error={errors.student}>
          {textInput("student", "student, a model id or a trained student", "distill-students")}
          <datalist id="distill-students">
            <option value="student" />
            {students.data?.map((s) => (
              <option key={s.id} value={s.name} />
            ))}
          </datalist>
        </Labelled>
        <Labelled label="Teacher" error={errors.teacher}>
          {textInput("teacher")}
        </Labelled>
        <Labelled label="Name" error={errors.name}>
          {textInput("name", "distill-<student>-<benchmark>")}
        </Labelled>
      </div>
      <div className="form-row">
        <Labelled label="Benchmark (train split)" error={errors.benchmark}>
          <select value={values.benchmark} onChange={(e) => set("benchmark", e.target.value)} aria-invalid={!!errors.benchmark}>
            <option value="">— pick a benchmark —</option>
            {split("train").map((b) => (
              <option key={b.id} value={b.name}>
                {b.name} ({b.questionCount} questions)
              </option>
            ))}
          </select>
        </Labelled>
        <Labelled label="Held-out benchmark (test split)" error={errors.evalBenchmark}>
          <select value={values.evalBenchmark} onChange={(e) => set("evalBenchmark", e.target.value)}>
            <option value="">the same benchmark</option>
            {split("test").map((b) => (
              <option key={b.id} value={b.name}>
                {b.name} ({b.questionCount} questions)
              </option>
            ))}
          </select>
        </Labelled>
      </div>
      <div className="form-row">
        <label>
          <input type="checkbox" checked={values.replayTeacherPrefix} onChange={(e) => set("replayTeacherPrefix", e.target.checked)} />{" "}
          Start episodes from a prefix of an accepted teacher trajectory (shorter each round)
        </label>
        <BackendFields value={values} errors={errors} onChange={(change) => setValues({ ...values, ...change })} />
      </div>
      <div className="form-row numbers">
        {NUMBERS.map(({ field, label, placeholder }) => (
          <Labelled key={field} label={label} error={errors[field]}>
            {textInput(field, placeholder)}
          </Labelled>
        ))}
      </div>
      <div className="form-actions">
        <button type="submit" className="primary" disabled={distill.isPending}>
          {distill.isPending ? "Queueing…" : "Distil"}
        </button>
        {distill.error && <span className="error">{distill.error.message}</span>}
        {distill.data && (
          <span role="status">
            Queued <Link href={`/jobs/${distill.data.jobId}`}>job #{distill.data.jobId}</Link> → students {distill.data.name}-r1, -r2, …
          </span>
        )}
      </div>
    </form>
  );
}
