import { describe, expect, it } from "vitest";
import { ZodError } from "zod";
import { evalRunConfig, resolveDistillConfig, roundQuestions, roundRunConfig, workerFlags } from "./config";

const base = { student: "student", benchmark: "arith_large" };

describe("distill config", () => {
  it("names the job from the student and benchmark, and its runs and students from the name", () => {
    const config = resolveDistillConfig({ ...base, student: "/m/Qwen2.5-Coder-0.5B" });
    expect(config.name).toBe("distill-Qwen2.5-Coder-0.5B-arith_large");
    const run = roundRunConfig(config, 2, "distill-Qwen2.5-Coder-0.5B-arith_large-r1", 1000);
    expect(run).toMatchObject({ run: `${config.name}:round-2`, split: "train", offset: 32, limit: 32, role: "student", temperature: 1 });
    expect(run.tags).toEqual(["distill", `distill:${config.name}`, "round:2"]);
    const heldout = evalRunConfig({ ...config, evalBenchmark: "gsm_hard" }, 0, "student", 100);
    expect(heldout).toMatchObject({ run: `${config.name}:eval-0`, benchmark: "gsm_hard", split: "test", limit: 100, temperature: 0 });
  });

  it("adopts an existing evaluation of the starting student as round 0's, and only round 0's", () => {
    const config = resolveDistillConfig({ ...base, evalLimit: 100, baselineRun: "sft-eval" });
    expect(evalRunConfig(config, 0, "student", 100)).toMatchObject({ run: "sft-eval", limit: 100, temperature: 0 });
    expect(evalRunConfig(config, 1, `${config.name}-r1`, 100).run).toBe(`${config.name}:eval-1`);
    expect(() => resolveDistillConfig({ ...base, baselineRun: "bad name!" })).toThrow(ZodError);
  });

  it("cycles the rounds through the question pool, never past its end", () => {
    const config = resolveDistillConfig({ ...base, offset: 10, episodesPerRound: 4 });
    expect([1, 2, 3, 4].map((round) => roundQuestions(config, round, 10))).toEqual([
      { offset: 10, limit: 4 },
      { offset: 14, limit: 4 },
      { offset: 18, limit: 2 },
      { offset: 12, limit: 4 },
    ]);
  });

  it("passes only the worker's overrides a config sets, as the worker's flags", () => {
    const config = resolveDistillConfig({ ...base, lr: 0.001, loraR: 8, maxLength: 1024 });
    expect(workerFlags(config)).toEqual(["--lr", "0.001", "--lora-r", "8", "--max-length", "1024", "--seed", "42"]);
  });

  it("refuses to evaluate on the test questions the rounds train on", () => {
    expect(() => resolveDistillConfig({ ...base, split: "test", evalLimit: 10 })).toThrow(ZodError);
    expect(() => resolveDistillConfig({ ...base, split: "test", evalLimit: 10, evalBenchmark: "gsm_hard" })).not.toThrow();
  });

  it("refuses a name too long for its students' names, and bad numbers", () => {
    expect(() => resolveDistillConfig({ ...base, name: "x".repeat(98), rounds: 10 })).toThrow(/too long/);
    expect(() => resolveDistillConfig({ ...base, rounds: 0 })).toThrow(ZodError);
    expect(() => resolveDistillConfig({ ...base, studentUrl: "file:///etc/passwd" })).toThrow(ZodError);
  });
});
