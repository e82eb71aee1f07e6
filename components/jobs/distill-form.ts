// The Distil a student form's state and its mapping onto `distillConfigInput`
// (server/distill/config.ts). It starts from the schema's defaults; blank optional fields stay
// absent so the job's (and the worker's) defaults apply.
import { optionalNumber } from "@/components/forms/field-errors";
import { distillConfigInput, type DistillConfigInput } from "@/server/distill/config";

const defaults = distillConfigInput.parse({ student: "-", benchmark: "-" }); // only the defaults are read

export type DistillFormValues = {
  student: string;
  teacher: string;
  benchmark: string;
  name: string;
  rounds: string;
  episodesPerRound: string;
  evalBenchmark: string;
  evalLimit: string;
  temperature: string;
  lr: string;
  epochs: string;
  loraR: string;
  replayTeacherPrefix: boolean;
  backend: "local" | "ray";
  rayAddress: string;
};

export const initialDistillForm: DistillFormValues = {
  student: "",
  teacher: defaults.teacher,
  benchmark: "",
  name: "",
  rounds: String(defaults.rounds),
  episodesPerRound: String(defaults.episodesPerRound),
  evalBenchmark: "",
  evalLimit: "",
  temperature: String(defaults.temperature),
  lr: "",
  epochs: "",
  loraR: "",
  replayTeacherPrefix: defaults.replayTeacherPrefix,
  backend: defaults.backend,
  rayAddress: "",
};

const text = (value: string) => (value.trim() === "" ? undefined : value.trim());

export function toDistillInput(values: DistillFormValues): DistillConfigInput {
  return {
    student: values.student.trim(),
    teacher: text(values.teacher),
    benchmark: values.benchmark,
    split: "train",
    name: text(values.name),
    rounds: optionalNumber(values.rounds),
    episodesPerRound: optionalNumber(values.episodesPerRound),
    evalBenchmark: text(values.evalBenchmark),
    evalLimit: optionalNumber(values.evalLimit),
    temperature: optionalNumber(values.temperature),
    lr: optionalNumber(values.lr),
    epochs: optionalNumber(values.epochs),
    loraR: optionalNumber(values.loraR),
    replayTeacherPrefix: values.replayTeacherPrefix,
    backend: values.backend,
    rayAddress: values.backend === "ray" ? text(values.rayAddress) : undefined,
  };
}
