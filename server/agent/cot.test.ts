import { describe, expect, it } from "vitest";
import { extractCotAnswer, firstThought } from "./cot";

// A CoT as Qwen2.5-1.5B-Instruct writes it for arith_large: one line per step, no blank line,
// the answer boxed at the end (taken from the cpu-distill teacher's FTP run).
const oneLinePerStep = [
  "To calculate -5350 + -34048, we need to add these two negative numbers together. Let's break it down step by step:",
  "1. First, let's add the absolute values of the numbers:",
  "   -5350 + 34048 = 28708",
  "2. Since both numbers are negative, the result will also be negative.",
  "The final answer is \\boxed{-28708}.",
].join("\n");

describe("firstThought (the first-thought prefix)", () => {
  it("keeps the first paragraph of a CoT written in paragraphs", () => {
    const cot = "We need the area of the circle first.\nIts radius is half the diameter.\n\nArea = pi * 9 = 28.27\n\n\\boxed{28.27}";
    expect(firstThought(cot)).toBe("We need the area of the circle first.\nIts radius is half the diameter.");
  });

  it("keeps only the first line of a CoT without blank lines, never its answer", () => {
    const thought = firstThought(oneLinePerStep);
    expect(thought).toBe(
      "To calculate -5350 + -34048, we need to add these two negative numbers together. Let's break it down step by step:",
    );
    expect(thought).not.toContain("boxed");
  });

  it("cuts a first paragraph before the line that states the answer", () => {
    const cot = "Half of 10 is 5.\nSo the final answer is 5.\n\nDone.";
    expect(firstThought(cot)).toBe("Half of 10 is 5.");
    expect(firstThought("The answer is \\boxed{5}.\n\nBecause 10 / 2 = 5.")).toBe("");
  });

  it("drops a leading Thought: label and CRLF line ends", () => {
    expect(firstThought("Thought: Add them.\r\n\r\nThen box it.")).toBe("Add them.");
    expect(firstThought("  \n")).toBe("");
  });
});

describe("extractCotAnswer", () => {
  it("reads the last boxed answer, nested braces included", () => {
    expect(extractCotAnswer(oneLinePerStep)).toBe("-28708");
    expect(extractCotAnswer("so \\boxed{\\frac{1}{2}} and not \\boxed{3}")).toBe("3");
    expect(extractCotAnswer("x = \\boxed{\\frac{1}{2}}")).toBe("\\frac{1}{2}");
  });
});
