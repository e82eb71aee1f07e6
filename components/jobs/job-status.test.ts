import { describe, expect, it } from "vitest";
import { canRetry, isActive, jobRun, jobSubject, metricSeries, percent, studentName } from "./job-status";

describe("metricSeries", () => {
  it("pivots (step, name, value) rows into one point per step, in step order", () => {
    const rows = [
      { step: 2, name: "loss", value: 1.5 },
      { step: 1, name: "loss", value: 2 },
      { step: 1, name: "lr", value: 2e-4 },
      { step: 2, name: "lr", value: 1e-4 },
      { step: 3, name: "grad_norm", value: 0.5 },
    ];
    expect(metricSeries(rows)).toEqual([
      { step: 1, loss: 2, lr: 2e-4 },
      { step: 2, loss: 1.5, lr: 1e-4 },
      { step: 3, grad_norm: 0.5 },
    ]);
  });
  it("is empty without rows", () => expect(metricSeries([])).toEqual([]));
});

describe("job facts", () => {
  it("knows which statuses are live and which can be retried", () => {
    expect(["queued", "running"].every(isActive)).toBe(true);
    expect(["succeeded", "failed", "cancelled"].some(isActive)).toBe(false);
    expect(["failed", "cancelled"].every(canRetry)).toBe(true);
    expect(canRetry("succeeded")).toBe(false);
  });
  it("names a train job's dataset and student, derived like the server does", () => {
    expect(jobSubject("train", { dataset: "ds@2", base: "student" })).toBe("ds@2 → ds-v2-student-lora");
    expect(jobSubject("train", { dataset: "ds", name: "mine" })).toBe("ds → mine");
    expect(studentName({})).toBeNull();
  });
  it("names the run of generate and eval jobs", () => {
    expect(jobSubject("eval", { run: "eval-x" })).toBe("eval-x");
    expect(jobRun("eval", { run: "eval-x" })).toBe("eval-x");
    expect(jobRun("train", { run: "nope" })).toBeNull();
  });
  it("clamps progress to 0–100 %", () => {
    expect(percent(1, 4)).toBe(25);
    expect(percent(5, 4)).toBe(100);
    expect(percent(1, 0)).toBe(0);
  });
});
