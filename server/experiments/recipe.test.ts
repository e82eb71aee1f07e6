import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { baselineRunOf, loadRecipe, productName, studentName } from "./recipe";

describe("shipped experiment recipes", () => {
  const files = fs.readdirSync("experiments").filter((f) => f.endsWith(".yaml"));
  it("ships the demo, the CPU reproduction and the paper's recipe", () => {
    expect(files).toEqual(expect.arrayContaining(["demo.yaml", "cpu-repro.yaml", "cpu-distill.yaml", "paper.yaml"]));
  });
  it.each(files)("%s loads and every reference names an earlier step", (file) => {
    const recipe = loadRecipe(path.join("experiments", file));
    expect(recipe.steps.length).toBeGreaterThan(0);
  });
  it("the paper's recipe covers 4 student sizes × 8 test sets × 5 methods", () => {
    const recipe = loadRecipe("experiments/paper.yaml");
    expect(recipe.steps.filter((s) => s.kind === "train")).toHaveLength(12);
    expect(recipe.steps.filter((s) => s.id.startsWith("eval-"))).toHaveLength(4 * 8 * 5);
  });
  it("rejects an annotate step whose runs are not earlier generate steps, naming the step", () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "distillery-recipe-")), "bad.yaml");
    fs.writeFileSync(
      file,
      [
        "name: bad",
        "steps:",
        "  - { id: teacher, kind: generate, with: { benchmark: gsm_hard, model: m } }",
        '  - { id: review, kind: annotate, with: { run: [teacher, nope], annotator: "rule:finished", accept: { finishedOnly: true } } }',
      ].join("\n"),
    );
    expect(() => loadRecipe(file)).toThrow(/step "review": run "nope" must name an earlier generate step/);
  });
  it("a generate step may name its run (adopting one made by hand); later steps resolve to that name", () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "distillery-recipe-")), "adopt.yaml");
    fs.writeFileSync(
      file,
      [
        "name: exp",
        "steps:",
        "  - { id: teacher, kind: generate, with: { benchmark: gsm_hard, model: m, run: measured-by-hand } }",
        "  - { id: other, kind: generate, with: { benchmark: gsm_hard, model: m } }",
        "  - { id: data, kind: dataset, with: { run: [teacher, other] } }",
      ].join("\n"),
    );
    const recipe = loadRecipe(file);
    expect(["teacher", "other", "data"].map((id) => productName(recipe, id))).toEqual(["measured-by-hand", "exp:other", "exp:data"]);
  });
  it("a distill step leaves its last round's student, which later steps evaluate by the step's id", () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "distillery-recipe-")), "distill.yaml");
    fs.writeFileSync(
      file,
      [
        "name: exp",
        "steps:",
        "  - { id: teacher, kind: generate, with: { benchmark: gsm_hard, model: m } }",
        "  - { id: data, kind: dataset, with: { run: [teacher] } }",
        "  - { id: sft, kind: train, with: { dataset: data } }",
        "  - { id: eval-sft, kind: generate, with: { benchmark: math_hard, model: sft, role: student } }",
        "  - { id: opd, kind: distill, with: { student: sft, benchmark: math_hard, rounds: 4, baselineRun: eval-sft } }",
        "  - { id: opd-by-hand, kind: distill, with: { student: sft, benchmark: math_hard, baselineRun: made-by-hand } }",
      ].join("\n"),
    );
    const recipe = loadRecipe(file);
    expect(recipe.steps.map((s) => studentName(recipe, s))).toEqual([null, null, "exp:sft", null, "exp:opd-r4", "exp:opd-by-hand-r3"]);
    const distills = recipe.steps.filter((s) => s.kind === "distill");
    expect(distills.map((s) => baselineRunOf(recipe, s))).toEqual(["exp:eval-sft", "made-by-hand"]);
  });
});
