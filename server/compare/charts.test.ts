import { describe, expect, it } from "vitest";
import type { RunStats } from "@/server/runs/stats";
import { accuracyByBenchmark, lossRows, methodMatrix, sagComparison, teacherFtp, tokensPerQuestion } from "./charts";
import type { MethodId } from "./methods";
import type { CompareRun } from "./runs";
import { wilsonInterval } from "./wilson";

function run(name: string, over: Partial<CompareRun> & { n: number; correct: number; extra?: Partial<RunStats> }): CompareRun {
  const { n, correct, extra, ...rest } = over;
  return {
    id: 1,
    name,
    role: "student",
    mode: "agent",
    model: "m",
    studentId: null,
    studentBase: "m",
    benchmark: "gsm_hard",
    ftp: false,
    sag: 1,
    tags: [],
    status: "succeeded",
    method: "agent" as MethodId,
    methodFrom: "tag",
    accuracyInterval: wilsonInterval(correct, n),
    stats: {
      trajectories: n,
      correct,
      accuracy: n ? correct / n : null,
      parseErrors: 0,
      execErrors: 0,
      maxStepsHits: 0,
      errors: 0,
      meanSteps: null,
      tokensIn: 0,
      tokensOut: 0,
      retrievalCalls: 0,
      meanCandidatesPerStep: null,
      voteAgreement: null,
      served: [],
      ...extra,
    },
    ...rest,
  };
}

describe("methodMatrix", () => {
  const runs = [
    run("cot-gsm", { method: "cot", mode: "cot", n: 10, correct: 2 }),
    run("cot-hotpot", { method: "cot", mode: "cot", benchmark: "hotpotqa", n: 10, correct: 4 }),
    run("agent-gsm-a", { n: 10, correct: 6 }),
    run("agent-gsm-b", { n: 10, correct: 8 }),
    run("teacher", { role: "teacher", method: null, methodFrom: null, n: 5, correct: 5 }),
  ];
  const matrix = methodMatrix(runs);

  it("has the paper's five rows, the benchmarks present as columns, and names unplaced runs", () => {
    expect(matrix.rows.map((r) => r.label)).toEqual([
      "CoT distill",
      "CoT distill + RAG",
      "Agent distill",
      "Agent distill + FTP",
      "Agent distill + FTP + SAG",
    ]);
    expect(matrix.benchmarks).toEqual(["gsm_hard", "hotpotqa"]);
    expect(matrix.unplaced).toEqual(["teacher"]);
  });

  it("pools runs of one method on one benchmark, with n and a Wilson interval", () => {
    const agent = matrix.rows.find((r) => r.method === "agent")!;
    expect(agent.cells.gsm_hard).toMatchObject({ n: 20, correct: 14, accuracy: 0.7, runs: ["agent-gsm-a", "agent-gsm-b"] });
    const ci = wilsonInterval(14, 20)!;
    expect(agent.cells.gsm_hard!.ciLow).toBeCloseTo(ci.low, 10);
    expect(agent.cells.hotpotqa).toMatchObject({ n: 0, accuracy: null });
    expect(agent.average).toMatchObject({ covered: 1, accuracy: 0.7, n: 20 });
  });

  it("averages benchmarks unweighted, as the paper does", () => {
    const cot = matrix.rows.find((r) => r.method === "cot")!;
    expect(cot.average.accuracy).toBeCloseTo(0.3, 10);
    expect(cot.average).toMatchObject({ covered: 2, n: 20 });
    expect(cot.average.ciLow!).toBeLessThan(0.3);
    expect(cot.average.ciHigh!).toBeGreaterThan(0.3);
    expect(matrix.rows.find((r) => r.method === "cot-rag")!.average.accuracy).toBeNull();
  });

  it("gives each student model a block of rows of its own: two sizes are never pooled", () => {
    const sized = methodMatrix([
      run("small-agent", { studentBase: "smollm2-135m", n: 10, correct: 9 }),
      run("big-agent", { studentBase: "qwen-0.5b", n: 10, correct: 3 }),
      run("small-base", { studentBase: "smollm2-135m", method: "base-agent", n: 10, correct: 0 }),
    ]);
    expect(sized.students).toEqual(["smollm2-135m", "qwen-0.5b"]);
    const agentRows = sized.rows.filter((r) => r.method === "agent");
    expect(agentRows.map((r) => [r.student, r.cells.gsm_hard!.n, r.cells.gsm_hard!.correct])).toEqual([
      ["smollm2-135m", 10, 9],
      ["qwen-0.5b", 10, 3],
    ]);
    // The untrained baseline row shows only where that student has one.
    expect(sized.rows.filter((r) => r.method === "base-agent").map((r) => r.student)).toEqual(["smollm2-135m"]);
    expect(matrix.students).toEqual(["m"]);
  });

  it("adds the non-paper SAG-without-FTP row only when it has runs", () => {
    expect(matrix.rows.some((r) => r.method === "agent-sag")).toBe(false);
    const withSag = methodMatrix([run("s", { method: "agent-sag", sag: 8, n: 4, correct: 1 })]);
    expect(withSag.rows.at(-1)).toMatchObject({ method: "agent-sag", label: "Agent distill + SAG" });
  });
});

describe("per-run charts", () => {
  it("accuracy rows carry n and the interval", () => {
    expect(accuracyByBenchmark([run("a", { n: 10, correct: 5 })])[0]).toMatchObject({ run: "a", n: 10, correct: 5, accuracy: 0.5 });
  });

  it("accuracy rows say what served each run, when it was recorded", () => {
    const served = [
      { engine: "vllm", device: "cpu", dtype: "float32", trajectories: 6 },
      { engine: "vllm", device: "cpu", dtype: "bfloat16", trajectories: 4 },
    ];
    const [mixed, unknown] = accuracyByBenchmark([run("a", { n: 10, correct: 5, extra: { served } }), run("b", { n: 1, correct: 1 })]);
    expect(mixed!.served).toBe("vllm · cpu · float32 (6), vllm · cpu · bfloat16 (4)");
    expect(unknown!.served).toBe("");
  });

  it("FTP compares teacher agent runs only, off before on, with retrieval calls per question", () => {
    const rows = teacherFtp([
      run("t-ftp", { role: "teacher", ftp: true, n: 4, correct: 3, extra: { retrievalCalls: 2 } }),
      run("t-plain", { role: "teacher", n: 4, correct: 2, extra: { retrievalCalls: 6 } }),
      run("t-cot", { role: "teacher", mode: "cot", n: 4, correct: 1 }),
      run("student", { n: 4, correct: 1 }),
    ]);
    expect(rows.map((r) => [r.run, r.ftp, r.retrievalPerQuestion])).toEqual([
      ["t-plain", false, 1.5],
      ["t-ftp", true, 0.5],
    ]);
  });

  it("SAG rows give error rates, and vote agreement for SAG runs only", () => {
    const rows = sagComparison([
      run("sag", { sag: 8, n: 4, correct: 2, extra: { parseErrors: 1, execErrors: 2, voteAgreement: 0.75 } }),
      run("plain", { n: 4, correct: 1, extra: { voteAgreement: 1 } }),
    ]);
    expect(rows).toEqual([
      { run: "plain", benchmark: "gsm_hard", sag: 1, n: 4, accuracy: 0.25, parseErrorRate: 0, execErrorRate: 0, voteAgreement: null },
      { run: "sag", benchmark: "gsm_hard", sag: 8, n: 4, accuracy: 0.5, parseErrorRate: 0.25, execErrorRate: 0.5, voteAgreement: 0.75 },
    ]);
  });

  it("tokens per question divide by the trajectories, null without any", () => {
    const [a, b] = tokensPerQuestion([
      run("a", { n: 4, correct: 0, extra: { tokensIn: 400, tokensOut: 40 } }),
      run("b", { n: 0, correct: 0 }),
    ]);
    expect(a).toMatchObject({ tokensInPerQuestion: 100, tokensOutPerQuestion: 10 });
    expect(b).toMatchObject({ tokensInPerQuestion: null, tokensOutPerQuestion: null });
  });
});

describe("lossRows", () => {
  it("flattens loss series into one CSV row per job and step", () => {
    expect(
      lossRows([
        {
          jobId: 3,
          label: "job 3 · s",
          runs: [],
          points: [
            { step: 1, loss: 2 },
            { step: 2, loss: 1 },
          ],
        },
      ]),
    ).toEqual([
      { job: 3, label: "job 3 · s", step: 1, loss: 2 },
      { job: 3, label: "job 3 · s", step: 2, loss: 1 },
    ]);
  });
});
