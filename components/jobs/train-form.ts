// The Train a student form's state and its mapping onto `trainConfigInput`
// (server/training/config.ts). It starts from the schema's defaults (the paper's); blank optional
// fields stay absent so those defaults apply.
import { optionalNumber } from "@/components/forms/field-errors";
import { DEFAULT_LR, displayNumber } from "@/server/contracts/train-config";
import { trainConfigInput, type TrainConfigInput } from "@/server/training/config";

const defaults = trainConfigInput.parse({ dataset: "-" }); // any dataset: only the defaults are read

export type TrainFormValues = {
  dataset: string;
  base: string;
  name: string;
  backend: "local" | "ray";
  rayAddress: string;
  finetune: "lora" | "full";
  epochs: string;
  maxSteps: string;
  lr: string;
  loraR: string;
  loraAlpha: string;
  loraDropout: string;
  batchSize: string;
  gradAccum: string;
  maxLength: string;
  gradientCheckpointing: boolean;
};

export const initialTrainForm: TrainFormValues = {
  dataset: "",
  base: defaults.base,
  name: "",
  backend: defaults.backend,
  rayAddress: "",
  finetune: defaults.finetune,
  epochs: displayNumber(defaults.epochs),
  maxSteps: "",
  lr: "", // blank: the default of the chosen fine-tuning (lrPlaceholder)
  loraR: displayNumber(defaults.loraR),
  loraAlpha: displayNumber(defaults.loraAlpha),
  loraDropout: displayNumber(defaults.loraDropout),
  batchSize: "",
  gradAccum: "",
  maxLength: "",
  gradientCheckpointing: defaults.gradientCheckpointing,
};

const text = (value: string) => (value.trim() === "" ? undefined : value.trim());

/** What a blank learning rate means for this fine-tuning. */
export const lrPlaceholder = (finetune: TrainFormValues["finetune"]) => `${displayNumber(DEFAULT_LR[finetune])} (${finetune} default)`;

export function toTrainInput(values: TrainFormValues): TrainConfigInput {
  return {
    dataset: values.dataset,
    base: text(values.base),
    name: text(values.name),
    backend: values.backend,
    rayAddress: values.backend === "ray" ? text(values.rayAddress) : undefined,
    finetune: values.finetune,
    epochs: optionalNumber(values.epochs),
    maxSteps: optionalNumber(values.maxSteps),
    lr: optionalNumber(values.lr),
    // LoRA's settings mean nothing to a full fine-tune: not sent.
    ...(values.finetune === "lora"
      ? {
          loraR: optionalNumber(values.loraR),
          loraAlpha: optionalNumber(values.loraAlpha),
          loraDropout: optionalNumber(values.loraDropout),
        }
      : {}),
    batchSize: optionalNumber(values.batchSize),
    gradAccum: optionalNumber(values.gradAccum),
    maxLength: optionalNumber(values.maxLength),
    gradientCheckpointing: values.gradientCheckpointing,
  };
}
