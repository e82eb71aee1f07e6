"use client";
// Launch a fine-tune (LoRA or full): the same fields as `npx distillery train`, validated in the
// browser with the API's own schema (`trainConfigInput`); blank fields keep the paper's defaults.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useState, type FormEvent } from "react";
import { fieldErrors, type FieldErrors } from "@/components/forms/field-errors";
import { Labelled } from "@/components/forms/Labelled";
import { useTRPC } from "@/components/trpc";
import { trainConfigInput } from "@/server/training/config";
import { BackendFields, backendErrors } from "./BackendFields";
import { initialTrainForm, lrPlaceholder, toTrainInput, type TrainFormValues } from "./train-form";

type Field = Exclude<keyof TrainFormValues, "backend" | "rayAddress" | "dataset" | "finetune" | "gradientCheckpointing">;

const LORA_FIELDS: Field[] = ["loraR", "loraAlpha", "loraDropout"];

const NUMBERS: { field: Field; label: string; placeholder?: string }[] = [
  { field: "epochs", label: "Epochs" },
  { field: "maxSteps", label: "Max steps", placeholder: "all epochs" },
  { field: "lr", label: "Learning rate" },
  { field: "loraR", label: "LoRA r" },
  { field: "loraAlpha", label: "LoRA alpha" },
  { field: "loraDropout", label: "LoRA dropout" },
  { field: "batchSize", label: "Batch size", placeholder: "trainer default" },
  { field: "gradAccum", label: "Grad accumulation", placeholder: "effective batch 8" },
  { field: "maxLength", label: "Max length", placeholder: "10240 agent / 4096 CoT" },
];

export function TrainForm({ initialDataset = "" }: { initialDataset?: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const datasets = useQuery(trpc.datasets.list.queryOptions());
  const [values, setValues] = useState<TrainFormValues>({ ...initialTrainForm, dataset: initialDataset });
  const [errors, setErrors] = useState<FieldErrors>({});
  const train = useMutation(
    trpc.training.train.mutationOptions({
      onSuccess: () => queryClient.invalidateQueries({ queryKey: trpc.jobs.list.queryKey() }),
    }),
  );
  const set = (field: keyof TrainFormValues, value: string | boolean) => setValues({ ...values, [field]: value });

  function submit(event: FormEvent) {
    event.preventDefault();
    const input = toTrainInput(values);
    const parsed = trainConfigInput.safeParse(input);
    const found = { ...(parsed.success ? {} : fieldErrors(parsed.error)), ...backendErrors(input) };
    setErrors(found);
    if (parsed.success && Object.keys(found).length === 0) train.mutate(input);
  }

  const textInput = (field: Field, placeholder?: string) => (
    <input value={values[field]} placeholder={placeholder} onChange={(e) => set(field, e.target.value)} aria-invalid={!!errors[field]} />
  );
  return (
    <form className="panel form-grid" aria-label="Train a student" onSubmit={submit} noValidate>
      <div className="form-row">
        <Labelled label="Dataset" error={errors.dataset}>
          <select value={values.dataset} onChange={(e) => set("dataset", e.target.value)} aria-invalid={!!errors.dataset}>
            <option value="">— pick a dataset —</option>
            {datasets.data?.map((d) => {
              const ref = `${d.name}@${d.version}`;
              return (
                <option key={d.id} value={ref}>
                  {ref} ({d.size} {d.kind} trajectories)
                </option>
              );
            })}
          </select>
        </Labelled>
        <Labelled label="Base model" error={errors.base}>
          {textInput("base")}
        </Labelled>
        <Labelled label="Student name" error={errors.name}>
          {textInput("name", `<dataset>-<base>-${values.finetune}`)}
        </Labelled>
        <Labelled label="Fine-tuning" error={errors.finetune}>
          <select value={values.finetune} onChange={(e) => set("finetune", e.target.value)}>
            <option value="lora">LoRA, all linear layers (the paper's)</option>
            <option value="full">Full: every weight (small models)</option>
          </select>
        </Labelled>
      </div>
      <div className="form-row">
        <BackendFields value={values} errors={errors} onChange={(change) => setValues({ ...values, ...change })} />
        <label>
          <input type="checkbox" checked={values.gradientCheckpointing} onChange={(e) => set("gradientCheckpointing", e.target.checked)} />{" "}
          Gradient checkpointing (less memory for long samples; off trains faster when the samples fit)
        </label>
      </div>
      <div className="form-row numbers">
        {NUMBERS.filter(({ field }) => values.finetune === "lora" || !LORA_FIELDS.includes(field)).map(({ field, label, placeholder }) => (
          <Labelled key={field} label={label} error={errors[field]}>
            {textInput(field, field === "lr" ? lrPlaceholder(values.finetune) : placeholder)}
          </Labelled>
        ))}
      </div>
      <div className="form-actions">
        <button type="submit" className="primary" disabled={train.isPending}>
          {train.isPending ? "Queueing…" : "Train"}
        </button>
        {train.error && <span className="error">{train.error.message}</span>}
        {train.data && (
          <span role="status">
            Queued <Link href={`/jobs/${train.data.jobId}`}>job #{train.data.jobId}</Link> → student {train.data.model}
          </span>
        )}
      </div>
    </form>
  );
}
