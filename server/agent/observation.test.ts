import { describe, expect, it } from "vitest";
import { executionObservation, truncate } from "./observation";

describe("executionObservation", () => {
  it("shows printed output, or says how to get some", () => {
    expect(executionObservation({ ok: true, stdout: "42\n", value_repr: null })).toBe("Observation:\n42");
    expect(executionObservation({ ok: true, stdout: "", value_repr: null })).toBe("Observation:\n(no output: print what you need to see)");
    expect(executionObservation({ ok: true, stdout: "", value_repr: "7" })).toBe("Observation:\n(no output; the last expression was 7)");
    expect(executionObservation({ ok: true, stdout: "", value_repr: null, assigned: "total = 145537182" })).toBe(
      "Observation:\n(no output; the last line set total = 145537182. Print what you need to see.)",
    );
  });

  it("records the final answer instead of asking for prints after final_answer", () => {
    expect(executionObservation({ ok: true, stdout: "", value_repr: null, final_answer: 21 })).toBe("Observation:\nFinal answer: 21");
    expect(executionObservation({ ok: true, stdout: "checked\n", value_repr: null, final_answer: "Roanne" })).toBe(
      "Observation:\nchecked\nFinal answer: Roanne",
    );
  });

  it("puts the error after any output and asks for a fix", () => {
    const text = executionObservation({
      ok: false,
      stdout: "partial\n",
      value_repr: null,
      error: { type: "ZeroDivisionError", message: "division by zero", traceback: "" },
    });
    expect(text).toBe(
      "Observation:\npartial\nError: ZeroDivisionError: division by zero\nFix the code and try again; do not repeat the same mistake.",
    );
  });

  it("truncates long output in the middle, saying how much was cut", () => {
    const text = truncate("a".repeat(50) + "b".repeat(50), 20);
    expect(text).toMatch(/^a{14}\n… \[80 characters cut\] …\nb{6}$/);
  });
});
