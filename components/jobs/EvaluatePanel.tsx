"use client";
// Evaluate a trained student on a test benchmark, with SAG on or off, through the embedded model
// server (base + the student's adapter) or a vLLM URL serving it.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useState, type FormEvent } from "react";
import { fieldErrors, optionalNumber } from "@/components/forms/field-errors";
import { useTRPC } from "@/components/trpc";
import { evaluateInput } from "@/server/training/config";

export function EvaluatePanel({ model }: { model: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const benchmarks = useQuery(trpc.benchmarks.list.queryOptions());
  const tests = benchmarks.data?.filter((b) => b.split === "test") ?? [];
  const [benchmark, setBenchmark] = useState("");
  const [limit, setLimit] = useState("50");
  const [sagOn, setSagOn] = useState(true);
  const [sagN, setSagN] = useState("8");
  const [modelUrl, setModelUrl] = useState("embedded");
  const [problem, setProblem] = useState<string | null>(null);
  const evaluate = useMutation(
    trpc.training.evaluate.mutationOptions({
      onSuccess: () => queryClient.invalidateQueries({ queryKey: trpc.jobs.list.queryKey() }),
    }),
  );

  function submit(event: FormEvent) {
    event.preventDefault();
    const input = {
      model,
      benchmark: benchmark || tests[0]?.name || "",
      split: "test" as const,
      limit: optionalNumber(limit),
      sag: sagOn ? optionalNumber(sagN) : 1,
      modelUrl: modelUrl.trim() || "embedded",
    };
    const parsed = evaluateInput.safeParse(input);
    const errors = parsed.success ? {} : fieldErrors(parsed.error);
    const first = Object.entries(errors)[0];
    setProblem(first ? `${first[0]}: ${first[1]}` : null);
    if (parsed.success) evaluate.mutate(input);
  }

  return (
    <form className="panel form-grid" aria-label="Evaluate" onSubmit={submit} noValidate>
      <div className="form-row">
        <label className="field">
          <span>Benchmark (test split)</span>
          <select value={benchmark || tests[0]?.name || ""} onChange={(e) => setBenchmark(e.target.value)}>
            {tests.map((b) => (
              <option key={b.id} value={b.name}>
                {b.name} ({b.questionCount} questions)
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          <span>Limit</span>
          <input value={limit} onChange={(e) => setLimit(e.target.value)} placeholder="all questions" />
        </label>
        <label className="field">
          <span>SAG</span>
          <span className="check">
            <input type="checkbox" checked={sagOn} onChange={(e) => setSagOn(e.target.checked)} aria-label="SAG on" />
            <input value={sagN} onChange={(e) => setSagN(e.target.value)} disabled={!sagOn} aria-label="SAG candidates N" size={3} />
            <span className="muted small">candidates per step</span>
          </span>
        </label>
        <label className="field wide">
          <span>Model URL</span>
          <input
            value={modelUrl}
            onChange={(e) => setModelUrl(e.target.value)}
            placeholder="embedded, an endpoint name, or http://host:8000/v1"
          />
        </label>
      </div>
      <div className="form-actions">
        <button type="submit" className="primary" disabled={evaluate.isPending}>
          {evaluate.isPending ? "Queueing…" : `Evaluate ${model}`}
        </button>
        {problem && <span className="error">{problem}</span>}
        {evaluate.error && <span className="error">{evaluate.error.message}</span>}
        {evaluate.data && (
          <span role="status">
            Run <Link href={`/runs/${encodeURIComponent(evaluate.data.run)}`}>{evaluate.data.run}</Link> queued as{" "}
            <Link href={`/jobs/${evaluate.data.jobId}`}>job #{evaluate.data.jobId}</Link>
          </span>
        )}
      </div>
    </form>
  );
}
