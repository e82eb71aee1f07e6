import { describe, expect, it } from "vitest";
import { fieldErrors, optionalNumber } from "@/components/forms/field-errors";
import { datasetSpec } from "@/server/datasets/spec";
import { filterSummary, initialDatasetForm, setFlag, toDatasetSpec, toggleRun } from "./dataset-form";

describe("the New dataset form", () => {
  it("maps onto the dataset spec the server and CLI use", () => {
    const values = toggleRun({ ...initialDatasetForm, name: " teacher-v1 ", maxTokens: "4096" }, "run-a", true);
    expect(datasetSpec.parse(toDatasetSpec(values))).toEqual({
      name: "teacher-v1",
      run: ["run-a"],
      correctOnly: true,
      noParseErrors: true,
      finishedOnly: true,
      acceptedOnly: false,
      excludeRejected: false,
      maxTokens: 4096,
    });
  });
  it("shows each schema error on its field", () => {
    const parsed = datasetSpec.safeParse(toDatasetSpec({ ...initialDatasetForm, name: "bad name!", maxTokens: "-3" }));
    expect(parsed.success).toBe(false);
    const errors = fieldErrors(parsed.error!);
    expect(Object.keys(errors).sort()).toEqual(["maxTokens", "name", "run"]);
    expect(errors.run).toBe("at least one --run");
  });
  it("keeps accepted-only and exclude-rejected mutually exclusive", () => {
    let values = setFlag(initialDatasetForm, "acceptedOnly", true);
    values = setFlag(values, "excludeRejected", true);
    expect([values.acceptedOnly, values.excludeRejected]).toEqual([false, true]);
    values = setFlag(values, "acceptedOnly", true);
    expect([values.acceptedOnly, values.excludeRejected]).toEqual([true, false]);
  });
  it("toggles runs without duplicates", () => {
    let values = toggleRun(initialDatasetForm, "a", true);
    values = toggleRun(values, "a", true);
    values = toggleRun(values, "b", true);
    expect(values.runs).toEqual(["a", "b"]);
    expect(toggleRun(values, "a", false).runs).toEqual(["b"]);
  });
  it("summarises a stored filter", () => {
    expect(filterSummary({ run: ["r1"], correctOnly: true, excludeRejected: true, maxTokens: 100 })).toBe(
      "r1 · correct · rejected excluded · ≤ 100 tokens",
    );
    expect(filterSummary({ run: ["a", "b"], acceptedOnly: true })).toBe("2 runs · accepted only");
  });
  it("reads blank number inputs as absent and junk as NaN", () => {
    expect(optionalNumber("  ")).toBeUndefined();
    expect(optionalNumber("12")).toBe(12);
    expect(optionalNumber("x")).toBeNaN();
  });
});
