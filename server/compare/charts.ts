// The compare page's chart data, derived from the selected runs. Pure functions: each returns
// the rows its chart draws and its "Export CSV" writes, so what is seen is what is exported.
import { servedLabel } from "@/server/models/served";
import { METHODS, type MethodId } from "./methods";
import type { CompareRun } from "./runs";
import { meanOfProportionsInterval, wilsonInterval } from "./wilson";

const rate = (count: number, n: number) => (n > 0 ? count / n : null);

export type AccuracyRow = {
  run: string;
  benchmark: string;
  n: number;
  correct: number;
  accuracy: number | null;
  ciLow: number | null;
  ciHigh: number | null;
  /** What served the run's trajectories ("vllm · cpu · bfloat16 (100)"), empty when not recorded. */
  served: string;
};

/** Chart 1: accuracy per benchmark, one bar per run. */
export function accuracyByBenchmark(runs: CompareRun[]): AccuracyRow[] {
  return runs.map((r) => ({
    run: r.name,
    benchmark: r.benchmark,
    n: r.stats.trajectories,
    correct: r.stats.correct,
    accuracy: r.stats.accuracy,
    ciLow: r.accuracyInterval?.low ?? null,
    ciHigh: r.accuracyInterval?.high ?? null,
    served: servedLabel(r.stats.served),
  }));
}

export type MatrixCell = {
  n: number;
  correct: number;
  accuracy: number | null;
  ciLow: number | null;
  ciHigh: number | null;
  runs: string[];
};
export type MatrixRow = {
  method: MethodId;
  label: string;
  /** The student model the row is about (a trained student's base): the paper's table has one block of rows per student size. */
  student: string;
  cells: Record<string, MatrixCell>;
  /** Unweighted mean over the benchmarks this row covers (the paper's "Avg."). */
  average: MatrixCell & { covered: number };
};
/** `students`: one block of rows each, in the order the runs came; more than one means the student is a column of its own. */
export type MethodMatrix = { benchmarks: string[]; students: string[]; rows: MatrixRow[]; unplaced: string[] };

/**
 * Chart 2: the paper's matrix, one block of method rows per student model (a 135M and a 0.5B
 * student are never pooled). Several runs of one method on one benchmark for one student are pooled.
 */
export function methodMatrix(runs: CompareRun[]): MethodMatrix {
  const placed = runs.filter((r) => r.method !== null);
  const benchmarks = [...new Set(placed.map((r) => r.benchmark))].sort();
  const students = [...new Set(placed.map((r) => r.studentBase))];
  const rows: MatrixRow[] = [];
  for (const student of students)
    for (const m of METHODS) {
      const mine = placed.filter((r) => r.method === m.id && r.studentBase === student);
      if (!m.paper && mine.length === 0) continue;
      rows.push({ method: m.id, label: m.label, student, ...matrixCells(mine, benchmarks) });
    }
  return { benchmarks, students, rows, unplaced: runs.filter((r) => r.method === null).map((r) => r.name) };
}

function matrixCells(mine: CompareRun[], benchmarks: string[]): Pick<MatrixRow, "cells" | "average"> {
  const cells: Record<string, MatrixCell> = {};
  for (const b of benchmarks) {
    const here = mine.filter((r) => r.benchmark === b);
    const n = here.reduce((a, r) => a + r.stats.trajectories, 0);
    const correct = here.reduce((a, r) => a + r.stats.correct, 0);
    const ci = wilsonInterval(correct, n);
    cells[b] = {
      n,
      correct,
      accuracy: rate(correct, n),
      ciLow: ci?.low ?? null,
      ciHigh: ci?.high ?? null,
      runs: here.map((r) => r.name),
    };
  }
  const filled = Object.values(cells).filter((c) => c.n > 0);
  const avgCi = meanOfProportionsInterval(filled);
  return {
    cells,
    average: {
      n: filled.reduce((a, c) => a + c.n, 0),
      correct: filled.reduce((a, c) => a + c.correct, 0),
      accuracy: filled.length > 0 ? filled.reduce((a, c) => a + c.correct / c.n, 0) / filled.length : null,
      ciLow: avgCi?.low ?? null,
      ciHigh: avgCi?.high ?? null,
      runs: mine.map((r) => r.name),
      covered: filled.length,
    },
  };
}

export type FtpRow = {
  run: string;
  benchmark: string;
  model: string;
  ftp: boolean;
  n: number;
  correct: number;
  accuracy: number | null;
  ciLow: number | null;
  ciHigh: number | null;
  retrievalPerQuestion: number | null;
};

/** Chart 3: teacher agent runs with FTP on and off, side by side per benchmark. */
export function teacherFtp(runs: CompareRun[]): FtpRow[] {
  return runs
    .filter((r) => r.role === "teacher" && r.mode === "agent")
    .map((r) => ({
      run: r.name,
      benchmark: r.benchmark,
      model: r.model,
      ftp: r.ftp,
      n: r.stats.trajectories,
      correct: r.stats.correct,
      accuracy: r.stats.accuracy,
      ciLow: r.accuracyInterval?.low ?? null,
      ciHigh: r.accuracyInterval?.high ?? null,
      retrievalPerQuestion: rate(r.stats.retrievalCalls, r.stats.trajectories),
    }))
    .sort((a, b) => a.benchmark.localeCompare(b.benchmark) || Number(a.ftp) - Number(b.ftp) || a.run.localeCompare(b.run));
}

export type SagRow = {
  run: string;
  benchmark: string;
  sag: number;
  n: number;
  accuracy: number | null;
  parseErrorRate: number | null;
  execErrorRate: number | null;
  voteAgreement: number | null;
};

/** Chart 4: agent runs with SAG on (sag > 1) and off. Vote agreement exists for SAG runs only. */
export function sagComparison(runs: CompareRun[]): SagRow[] {
  return runs
    .filter((r) => r.mode === "agent")
    .map((r) => ({
      run: r.name,
      benchmark: r.benchmark,
      sag: r.sag,
      n: r.stats.trajectories,
      accuracy: r.stats.accuracy,
      parseErrorRate: rate(r.stats.parseErrors, r.stats.trajectories),
      execErrorRate: rate(r.stats.execErrors, r.stats.trajectories),
      voteAgreement: r.sag > 1 ? r.stats.voteAgreement : null,
    }))
    .sort((a, b) => a.benchmark.localeCompare(b.benchmark) || a.sag - b.sag || a.run.localeCompare(b.run));
}

export type TokensRow = {
  run: string;
  benchmark: string;
  n: number;
  tokensInPerQuestion: number | null;
  tokensOutPerQuestion: number | null;
};

/** Chart 5: prompt and completion tokens per trajectory (one per question unless sampled more). */
export function tokensPerQuestion(runs: CompareRun[]): TokensRow[] {
  return runs.map((r) => ({
    run: r.name,
    benchmark: r.benchmark,
    n: r.stats.trajectories,
    tokensInPerQuestion: rate(r.stats.tokensIn, r.stats.trajectories),
    tokensOutPerQuestion: rate(r.stats.tokensOut, r.stats.trajectories),
  }));
}

export type LossSeries = { jobId: number; label: string; runs: string[]; points: { step: number; loss: number }[] };
export type LossRow = { job: number; label: string; step: number; loss: number };

/** Chart 6's CSV: one row per (train job, step). */
export function lossRows(series: LossSeries[]): LossRow[] {
  return series.flatMap((s) => s.points.map((p) => ({ job: s.jobId, label: s.label, step: p.step, loss: p.loss })));
}
