// Unit tests of the math pre-pass: which dollars and backslash delimiters are math, and the
// source remark-math gets.
import { describe, expect, it } from "vitest";
import { splitMath, toRemarkMath } from "./math-delimiters";

const maths = (source: string) => splitMath(source).flatMap((s) => (s.kind === "math" ? [[s.tex, s.display]] : []));

describe("splitMath", () => {
  it("finds $…$, $$…$$, \\(…\\) and \\[…\\]", () => {
    expect(maths("a $x^2$ b $$y$$ c \\(z\\) d \\[w\\]")).toEqual([
      ["x^2", false],
      ["y", true],
      ["z", false],
      ["w", true],
    ]);
  });

  it("leaves dollar amounts as text", () => {
    expect(maths("It costs $5 and $10.")).toEqual([]);
    expect(maths("between $5-$10, or $ 3 $ apples, or $20")).toEqual([]);
    expect(splitMath("costs $5 and $10")).toEqual([{ kind: "text", text: "costs $5 and $10" }]);
  });

  it("skips code spans, fenced code and escaped dollars", () => {
    const source = "`$x$` and \\$5\n```py\nprint('$y$', r'\\(z\\)')\n```\n~~~\n$w$\n~~~\nend $v$";
    expect(maths(source)).toEqual([["v", false]]);
    expect(splitMath("```py\n$x$")).toEqual([{ kind: "code", text: "```py\n$x$" }]);
  });

  it("does not let inline math or a code span cross a blank line", () => {
    expect(maths("$a\n\nb$")).toEqual([]);
    expect(splitMath("`a\n\nb` $c$").map((s) => s.kind)).toEqual(["text", "math"]);
  });

  it("keeps text and code as written", () => {
    const source = "a `b` \\$ $$ c ```d``` \\(";
    expect(
      splitMath(source)
        .map((s) => (s.kind === "math" ? "" : s.text))
        .join(""),
    ).toBe(source);
  });
});

describe("toRemarkMath", () => {
  it("re-delimits math with dollars and escapes the other dollars", () => {
    expect(toRemarkMath("costs $5 and $10, so \\(x\\) and $y$")).toBe("costs \\$5 and \\$10, so $x$ and $y$");
    expect(toRemarkMath("already \\$5")).toBe("already \\$5");
  });

  it("makes display math on its own line a $$ block, with the line's indent", () => {
    expect(toRemarkMath("So:\n\\[ x = 1 \\]\nthus")).toBe("So:\n$$\nx = 1\n$$\nthus");
    expect(toRemarkMath("1. a\n   \\[\n   x\n   \\]")).toBe("1. a\n   $$\n   x\n   $$");
    expect(toRemarkMath("inline \\[x\\] here")).toBe("inline $$x$$ here");
  });

  it("keeps inline math on one line and spells a dollar inside it \\char36", () => {
    expect(toRemarkMath("see \\(a +\n- b\\) now")).toBe("see $a + - b$ now");
    expect(toRemarkMath("\\(\\$5\\)")).toBe("${\\char36}5$");
    expect(toRemarkMath("\\(a\\)\\(b\\)")).toBe("$a$ $b$");
  });

  it("leaves code untouched", () => {
    const source = "```\n\\(x\\) $5\n```\n`\\[y\\]`";
    expect(toRemarkMath(source)).toBe(source);
  });
});
