import { describe, expect, it } from "vitest";
import { parseAction } from "./parse";

const ok = (raw: string) => {
  const parsed = parseAction(raw);
  if (!parsed.ok) throw new Error(`expected a parse, got: ${parsed.error}`);
  return parsed;
};

describe("parseAction", () => {
  it("reads the canonical Thought + ```py block + <end_code>", () => {
    const p = ok("Thought: I will compute it.\nCode:\n```py\nx = 2 + 2\nprint(x)\n```<end_code>");
    expect(p.thought).toBe("I will compute it.");
    expect(p.code).toBe("x = 2 + 2\nprint(x)");
    expect(p.callsFinalAnswer).toBe(false);
  });

  it("accepts python-tagged and untagged fences and detects final_answer", () => {
    expect(ok("Thought: a\n```python\nfinal_answer(4)\n```").callsFinalAnswer).toBe(true);
    expect(ok("Thought: a\n```\nprint(1)\n```").code).toBe("print(1)");
  });

  it("joins several blocks in order and skips non-Python fences", () => {
    const p = ok("Thought: two steps\n```py\na = 1\n```\nthen\n```text\nnot code\n```\n```py\nprint(a)\n```");
    expect(p.code).toBe("a = 1\n\nprint(a)");
  });

  it("accepts <code> tags", () => {
    expect(ok("Thought: t\n<code>\nprint('hi')\n</code>").code).toBe("print('hi')");
  });

  it("accepts bare code after a Code: label and bare trailing code lines", () => {
    expect(ok("Thought: search first\nCode:\nr = web_search('Paris')\nprint(r)").code).toBe("r = web_search('Paris')\nprint(r)");
    const trailing = ok("I know the answer now.\nfinal_answer('Paris')");
    expect(trailing.thought).toBe("I know the answer now.");
    expect(trailing.code).toBe("final_answer('Paris')");
  });

  it("dedents indented blocks", () => {
    expect(ok("```py\n    x = 1\n    print(x)\n```").code).toBe("x = 1\nprint(x)");
  });

  it("explains an unclosed fence", () => {
    const p = parseAction("Thought: t\n```py\nprint(1)\n");
    expect(p.ok).toBe(false);
    if (!p.ok) expect(p.error).toMatch(/never closed/);
  });

  it("explains a reply without code, keeping its thought", () => {
    const p = parseAction("Thought: The answer is 42 because of reasons.");
    expect(p.ok).toBe(false);
    if (!p.ok) {
      expect(p.error).toMatch(/No Python code/);
      expect(p.thought).toBe("The answer is 42 because of reasons.");
    }
  });

  it("explains an empty block", () => {
    const p = parseAction("Thought: t\n```py\n\n```");
    expect(p.ok).toBe(false);
    if (!p.ok) expect(p.error).toMatch(/empty/);
  });

  it("treats a block of comments only (the hint's placeholder, copied) as no action", () => {
    for (const raw of ["```py\n# code\n```<end_code>", "Thought: t\n```python\n# step 1\n\n  # step 2\n```"]) {
      const p = parseAction(raw);
      expect(p.ok).toBe(false);
      if (!p.ok) expect(p.error).toMatch(/only comments/);
    }
    const commented = parseAction("```py\n# add them\nx = 1 + 2  # three\nprint(x)\n```");
    expect(commented.ok && commented.code).toBe("# add them\nx = 1 + 2  # three\nprint(x)");
  });

  it("does not mistake prose for code", () => {
    expect(parseAction("The capital is Paris. It is in France.").ok).toBe(false);
  });
});
