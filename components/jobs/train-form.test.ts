import { describe, expect, it } from "vitest";
import { fieldErrors } from "@/components/forms/field-errors";
import { resolveTrainConfig, trainConfigInput, trainerFlags } from "@/server/training/config";
import { backendErrors } from "./BackendFields";
import { initialTrainForm, lrPlaceholder, toTrainInput } from "./train-form";

const validate = (values: typeof initialTrainForm) => {
  const input = toTrainInput(values);
  const parsed = trainConfigInput.safeParse(input);
  return { ...(parsed.success ? {} : fieldErrors(parsed.error)), ...backendErrors(input) };
};

describe("the Train a student form", () => {
  it("defaults to the paper's settings and leaves blank fields to the schema", () => {
    const parsed = trainConfigInput.parse(toTrainInput({ ...initialTrainForm, dataset: "ds" }));
    expect(parsed).toMatchObject({
      dataset: "ds",
      base: "student",
      backend: "local",
      epochs: 2,
      finetune: "lora",
      loraR: 64,
      loraAlpha: 128,
      loraDropout: 0.05,
    });
    expect(parsed.maxSteps).toBeUndefined();
    expect(parsed.name).toBeUndefined();
    expect(parsed.lr).toBeUndefined(); // the trainer's default for the chosen fine-tuning
    expect(lrPlaceholder("lora")).toMatch(/^2e-4/);
    expect(lrPlaceholder("full")).toMatch(/^2e-5/);
  });
  it("sends no LoRA settings with a full fine-tune, and the name says which", () => {
    const input = toTrainInput({ ...initialTrainForm, dataset: "ds", finetune: "full", loraR: "8" });
    expect(input).toMatchObject({ finetune: "full" });
    expect(input).not.toHaveProperty("loraR");
    expect(resolveTrainConfig(input).name).toBe("ds-student-full");
    expect(trainerFlags(resolveTrainConfig(input), 2048)).toEqual(expect.arrayContaining(["--finetune", "full"]));
  });
  it("reports each bad field by name", () => {
    const errors = validate({ ...initialTrainForm, dataset: "", maxSteps: "1.5", loraR: "abc", loraDropout: "2" });
    expect(Object.keys(errors).sort()).toEqual(["dataset", "loraDropout", "loraR", "maxSteps"]);
  });
  it("needs a Ray address with the ray backend, and ignores it with local", () => {
    expect(validate({ ...initialTrainForm, dataset: "ds", backend: "ray" })).toHaveProperty("rayAddress");
    expect(validate({ ...initialTrainForm, dataset: "ds", backend: "ray", rayAddress: "not a url" })).toHaveProperty("rayAddress");
    expect(validate({ ...initialTrainForm, dataset: "ds", backend: "ray", rayAddress: "http://127.0.0.1:8265" })).toEqual({});
    expect(toTrainInput({ ...initialTrainForm, dataset: "ds", rayAddress: "http://x" }).rayAddress).toBeUndefined();
  });
});
