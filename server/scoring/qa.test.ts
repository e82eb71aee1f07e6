import { describe, expect, it } from "vitest";
import { normalizeAnswer, scoreQa } from "./qa";

describe("normalizeAnswer", () => {
  it("lower-cases, drops punctuation and articles, collapses spaces", () => {
    expect(normalizeAnswer("The  Eiffel Tower!")).toBe("eiffel tower");
    expect(normalizeAnswer("  A U.S. president, an actor ")).toBe("us president actor");
    expect(normalizeAnswer("Theatre")).toBe("theatre"); // "the" only as a word
  });
});

describe("scoreQa", () => {
  it("gives EM and F1 of 1 for answers equal after normalisation", () => {
    expect(scoreQa("the Beatles.", "Beatles")).toMatchObject({ em: 1, f1: 1 });
  });

  it("gives partial token F1", () => {
    const score = scoreQa("President Barack Obama", "Barack Obama");
    expect(score.em).toBe(0);
    expect(score.precision).toBeCloseTo(2 / 3);
    expect(score.recall).toBe(1);
    expect(score.f1).toBeCloseTo(0.8);
  });

  it("counts repeated tokens once each", () => {
    expect(scoreQa("new new york", "new york").precision).toBeCloseTo(2 / 3);
  });

  it("takes the best alias", () => {
    const score = scoreQa("NYC", ["New York City", "NYC"]);
    expect(score).toMatchObject({ em: 1, f1: 1, gold: "NYC" });
  });

  it("scores yes/no only on an exact match (HotpotQA rule)", () => {
    expect(scoreQa("no", "yes").f1).toBe(0);
    expect(scoreQa("yes it is", "yes").f1).toBe(0);
    expect(scoreQa("Yes", "yes").em).toBe(1);
  });

  it("scores a missing prediction as 0 and refuses a missing gold", () => {
    expect(scoreQa(null, "Paris")).toMatchObject({ em: 0, f1: 0 });
    expect(() => scoreQa("x", [])).toThrow(/no gold/);
  });
});
