import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { loadRecipe } from "./recipe";

describe("shipped experiment recipes", () => {
  const files = fs.readdirSync("experiments").filter((f) => f.endsWith(".yaml"));
  it("ships the demo, the CPU reproduction and the paper's recipe", () => {
    expect(files).toEqual(expect.arrayContaining(["demo.yaml", "cpu-repro.yaml", "paper.yaml"]));
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
});
