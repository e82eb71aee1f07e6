// The Train a student form's state and its mapping onto `trainConfigInput`
// (server/training/config.ts). It starts from the schema's defaults (the paper's); blank optional
// fields stay absent so those defaults apply.
import { optionalNumber } from "@/components/forms/field-errors";
import { displayNumber } from "@/server/contracts/train-config";
import { trainConfigInput, type TrainConfigInput } from "@/server/training/config";

const defaults = trainConfigInput.parse({ dataset: "-" }); // any dataset: only the defaults are read

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
  base: defaults.base,
  name: "",
  backend: defaults.backend,
  rayAddress: "",
  epochs: displayNumber(defaults.epochs),
  maxSteps: "",
  lr: displayNumber(defaults.lr),
  loraR: displayNumber(defaults.loraR),
  loraAlpha: displayNumber(defaults.loraAlpha),
  loraDropout: displayNumber(defaults.loraDropout),
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
