// The Train a student form's state and its mapping onto `trainConfigInput`
// (server/training/config.ts). Blank optional fields stay absent so the schema's defaults
// (the paper's) apply.
import { optionalNumber } from "@/components/forms/field-errors";
import type { TrainConfigInput } from "@/server/training/config";

export type TrainFormValues = {
  dataset: string;
  base: string;
  name: string;
  backend: "local" | "ray";
  rayAddress: string;
  epochs: string;
  maxSteps: string;
  lr: string;
  loraR: string;
  loraAlpha: string;
  loraDropout: string;
  batchSize: string;
  gradAccum: string;
  maxLength: string;
};

export const initialTrainForm: TrainFormValues = {
  dataset: "",
  base: "student",
  name: "",
  backend: "local",
  rayAddress: "",
  epochs: "2",
  maxSteps: "",
  lr: "2e-4",
  loraR: "64",
  loraAlpha: "128",
  loraDropout: "0.05",
  batchSize: "",
  gradAccum: "",
  maxLength: "",
};

const text = (value: string) => (value.trim() === "" ? undefined : value.trim());

export function toTrainInput(values: TrainFormValues): TrainConfigInput {
  return {
    dataset: values.dataset,
    base: text(values.base),
    name: text(values.name),
    backend: values.backend,
    rayAddress: values.backend === "ray" ? text(values.rayAddress) : undefined,
    epochs: optionalNumber(values.epochs),
    maxSteps: optionalNumber(values.maxSteps),
    lr: optionalNumber(values.lr),
    loraR: optionalNumber(values.loraR),
    loraAlpha: optionalNumber(values.loraAlpha),
    loraDropout: optionalNumber(values.loraDropout),
    batchSize: optionalNumber(values.batchSize),
    gradAccum: optionalNumber(values.gradAccum),
    maxLength: optionalNumber(values.maxLength),
  };
}

/** Checks the schema cannot express on its own (it is refined in resolveTrainConfig on the server). */
export function crossFieldErrors(input: TrainConfigInput): Partial<Record<keyof TrainFormValues, string>> {
  return input.backend === "ray" && !input.rayAddress ? { rayAddress: "is required with backend ray" } : {};
}
