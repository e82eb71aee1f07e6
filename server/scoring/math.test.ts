// The math grader client: the real Python grader (one long-lived process, pipelined requests),
// plus a scripted stand-in process for the kill-and-restart path, which real answers cannot
// trigger on demand.
import { chmodSync, mkdtempSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { MathGrader } from "./math";

const real = new MathGrader();
afterAll(() => real.close());

describe("MathGrader with the real Python grader", () => {
  it("grades many answers through one process", async () => {
    const pairs: [string | number, string, boolean][] = [
      [13138980, "13138980.0", true],
      ["The answer is \\boxed{\\frac{1}{2}}", "0.5", true],
      ["[2, \\infty)", "[2,\\infty)", true],
      ["\\sqrt{2}/2", "\\frac{\\sqrt{2}}{2}", true],
      ["\\frac{1}{3}", "\\frac{1}{2}", false],
      ["13138981", "13138980.0", false],
    ];
    const grades = await Promise.all(pairs.map(([p, g]) => real.grade(p, g)));
    expect(grades.map((g) => g.correct)).toEqual(pairs.map(([, , ok]) => ok));
    expect(grades[1]).toMatchObject({ method: "numeric", prediction: "\\frac{1}{2}", timedOut: false, error: null });
    expect(grades[3]).toMatchObject({ method: "math_verify", correct: true });
    expect(real.starts).toBe(1);
    const again = await real.grade("x=5", "5");
    expect(again.correct).toBe(true);
    expect(real.starts).toBe(1);
  });

  it("reports an empty answer as wrong, not as a failure", async () => {
    expect(await real.grade(null, "3")).toMatchObject({ correct: false, error: "empty answer" });
  });
});

function fakePython(script: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), "fake-grader-"));
  const file = path.join(dir, "python");
  writeFileSync(file, `#!${process.execPath}\n${script}`);
  chmodSync(file, 0o755);
  return file;
}

describe("MathGrader failure handling", () => {
  it("kills a grader stuck on one answer, records it as timed out, and finishes the rest", async () => {
    // Answers at once, except it never returns from a prediction of "hang".
    const python = fakePython(`
      const rl = require("node:readline").createInterface({ input: process.stdin });
      rl.on("line", (line) => {
        const r = JSON.parse(line);
        if (r.prediction === "hang") { rl.pause(); return; }
        console.log(JSON.stringify({ id: r.id, correct: r.prediction === r.gold, method: "string", prediction: r.prediction, gold: r.gold, timed_out: false, error: null }));
      });`);
    const grader = new MathGrader({ python, timeoutS: 0.2, graceMs: 100, startupMs: 2000 });
    try {
      const first = await grader.grade("1", "1");
      const [stuck, after] = await Promise.all([grader.grade("hang", "1"), grader.grade("2", "2")]);
      expect(first.correct).toBe(true);
      expect(stuck).toMatchObject({ correct: false, timedOut: true, method: "killed" });
      expect(after).toMatchObject({ correct: true, method: "string" });
      expect(grader.starts).toBe(2);
    } finally {
      await grader.close();
    }
  });

  it("says how to fix a missing Python environment", async () => {
    const grader = new MathGrader({ python: "/nonexistent/.venv/bin/python" });
    await expect(grader.grade("1", "1")).rejects.toThrow(/cannot start .*npm run setup/);
    await grader.close();
  });
});
