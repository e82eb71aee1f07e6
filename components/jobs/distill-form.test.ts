import { describe, expect, it } from "vitest";
import { fieldErrors } from "@/components/forms/field-errors";
import { distillConfigInput, resolveDistillConfig } from "@/server/distill/config";
import { initialDistillForm, toDistillInput } from "./distill-form";

describe("the Distil a student form", () => {
  it("starts from the job's defaults and leaves blank fields to the schema", () => {
    const parsed = distillConfigInput.parse(toDistillInput({ ...initialDistillForm, student: "sft-0.5b", benchmark: "arith_large" }));
    expect(parsed).toMatchObject({
      student: "sft-0.5b",
      teacher: "teacher",
      benchmark: "arith_large",
      split: "train",
      rounds: 3,
      episodesPerRound: 32,
      temperature: 1,
    });
    expect(parsed.evalLimit).toBeUndefined();
    expect(parsed.lr).toBeUndefined();
    expect(parsed).toMatchObject({ replayTeacherPrefix: false, backend: "local", teacherPrompt: "teacher" });
    expect(parsed.rayAddress).toBeUndefined();
  });
  it("sends replay and a Ray backend with its address, and needs the address", () => {
    const values = { ...initialDistillForm, student: "s", benchmark: "b", replayTeacherPrefix: true, backend: "ray" as const };
    expect(() => resolveDistillConfig(toDistillInput(values))).toThrow(/is required with backend ray/);
    const input = toDistillInput({ ...values, rayAddress: " http://127.0.0.1:8265 " });
    expect(resolveDistillConfig(input)).toMatchObject({ replayTeacherPrefix: true, backend: "ray", rayAddress: "http://127.0.0.1:8265" });
    expect(toDistillInput({ ...values, backend: "local", rayAddress: "http://x:1" }).rayAddress).toBeUndefined();
  });
  it("reports each bad field by name", () => {
    const parsed = distillConfigInput.safeParse(toDistillInput({ ...initialDistillForm, rounds: "0", evalLimit: "1.5", lr: "-1" }));
    expect(parsed.success).toBe(false);
    expect(Object.keys(fieldErrors(parsed.error!)).sort()).toEqual(["benchmark", "evalLimit", "lr", "rounds", "student"]);
  });
});
