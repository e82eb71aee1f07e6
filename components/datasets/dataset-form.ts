// The New dataset form's state and its mapping onto `datasetSpec` (server/datasets/spec.ts).
import { optionalNumber } from "@/components/forms/field-errors";
import type { DatasetSpec } from "@/server/datasets/spec";

export type DatasetFormValues = {
  name: string;
  runs: string[];
  correctOnly: boolean;
  noParseErrors: boolean;
  finishedOnly: boolean;
  acceptedOnly: boolean;
  excludeRejected: boolean;
  maxTokens: string;
};

export type DatasetFlag = "correctOnly" | "noParseErrors" | "finishedOnly" | "acceptedOnly" | "excludeRejected";

/** The paper's filter (docs/ARCHITECTURE.md §2) is the default: correct, parsed, finished. */
export const initialDatasetForm: DatasetFormValues = {
  name: "",
  runs: [],
  correctOnly: true,
  noParseErrors: true,
  finishedOnly: true,
  acceptedOnly: false,
  excludeRejected: false,
  maxTokens: "",
};

export function toDatasetSpec(values: DatasetFormValues): DatasetSpec {
  return {
    name: values.name.trim(),
    run: values.runs,
    correctOnly: values.correctOnly,
    noParseErrors: values.noParseErrors,
    finishedOnly: values.finishedOnly,
    acceptedOnly: values.acceptedOnly,
    excludeRejected: values.excludeRejected,
    maxTokens: optionalNumber(values.maxTokens),
  };
}

/** Accepted-only and exclude-rejected are alternatives: turning one on turns the other off. */
export function setFlag(values: DatasetFormValues, flag: DatasetFlag, on: boolean): DatasetFormValues {
  const next = { ...values, [flag]: on };
  if (on && flag === "acceptedOnly") next.excludeRejected = false;
  if (on && flag === "excludeRejected") next.acceptedOnly = false;
  return next;
}

export function toggleRun(values: DatasetFormValues, run: string, on: boolean): DatasetFormValues {
  const runs = values.runs.filter((r) => r !== run);
  return { ...values, runs: on ? [...runs, run] : runs };
}

/** A stored filter spec in a few words, e.g. "2 runs · correct · no parse errors · ≤ 4096 tokens". */
export function filterSummary(filter: Record<string, unknown>): string {
  const runs = Array.isArray(filter.run) ? filter.run : [];
  const parts = [runs.length === 1 ? String(runs[0]) : `${runs.length} runs`];
  if (filter.correctOnly) parts.push("correct");
  if (filter.noParseErrors) parts.push("no parse errors");
  if (filter.finishedOnly) parts.push("finished");
  if (filter.acceptedOnly) parts.push("accepted only");
  if (filter.excludeRejected) parts.push("rejected excluded");
  if (typeof filter.maxTokens === "number") parts.push(`≤ ${filter.maxTokens} tokens`);
  return parts.join(" · ");
}
