import { describe, expect, it } from "vitest";
import { meanOfProportionsInterval, wilsonInterval } from "./wilson";

describe("wilsonInterval", () => {
  it("matches published values", () => {
    // Reference values: Newcombe (1998), Table I / any Wilson score calculator.
    const eight = wilsonInterval(8, 10)!;
    expect(eight.low).toBeCloseTo(0.4902, 4);
    expect(eight.high).toBeCloseTo(0.9433, 4);
    const half = wilsonInterval(5, 10)!;
    expect(half.low).toBeCloseTo(0.2366, 4);
    expect(half.high).toBeCloseTo(0.7634, 4);
  });

  it("stays inside [0, 1] and is not a point at 0% or 100%", () => {
    const none = wilsonInterval(0, 10)!;
    expect(none.low).toBe(0);
    expect(none.high).toBeCloseTo(0.2775, 4);
    const all = wilsonInterval(3, 3)!;
    expect(all.high).toBe(1);
    expect(all.low).toBeCloseTo(0.4385, 4);
    // At n = 100 the subtraction alone leaves 3.5e-18 (it reached the CSVs); the bound is exactly 0.
    expect(wilsonInterval(0, 100)!.low).toBe(0);
    expect(wilsonInterval(100, 100)!.high).toBe(1);
  });

  it("narrows as n grows and is null without data", () => {
    const small = wilsonInterval(5, 10)!;
    const large = wilsonInterval(500, 1000)!;
    expect(large.high - large.low).toBeLessThan(small.high - small.low);
    expect(wilsonInterval(0, 0)).toBeNull();
    expect(() => wilsonInterval(4, 3)).toThrow(/must lie in/);
  });
});

describe("meanOfProportionsInterval", () => {
  it("brackets the unweighted mean and ignores empty cells", () => {
    const ci = meanOfProportionsInterval([
      { correct: 8, n: 10 },
      { correct: 2, n: 10 },
      { correct: 0, n: 0 },
    ])!;
    expect(ci.low).toBeLessThan(0.5);
    expect(ci.high).toBeGreaterThan(0.5);
    // Averaging two cells is tighter than either cell alone.
    const one = wilsonInterval(8, 10)!;
    expect(ci.high - ci.low).toBeLessThan(one.high - one.low);
    expect(meanOfProportionsInterval([{ correct: 0, n: 0 }])).toBeNull();
    expect(meanOfProportionsInterval([{ correct: 1, n: 3 }])).toEqual(wilsonInterval(1, 3));
  });
});
