import { describe, expect, it } from "vitest";
import { isName, nameSchema, toName } from "./names";

describe("the one name rule", () => {
  it("takes ordinary names", () => {
    for (const name of ["teacher", "gsm_hard-test-agent-qwen2.5", "ds@2", "eval:student+sag4", "A".repeat(100)]) {
      expect(isName(name), name).toBe(true);
      expect(nameSchema.safeParse(name).success, name).toBe(true);
    }
  });

  it("refuses slashes, dots-only, traversal, spaces, empty and over-long names", () => {
    for (const name of ["a/b", "../etc", "..", ".", ".hidden", "a\\b", "has space", "", "A".repeat(101), "naïve", "a\nb"]) {
      expect(isName(name), JSON.stringify(name)).toBe(false);
      expect(nameSchema.safeParse(name).success, JSON.stringify(name)).toBe(false);
    }
  });

  it("answers a 5 MB name with the length, not a regex over it", () => {
    const result = nameSchema.safeParse("x".repeat(5 * 1024 * 1024));
    expect(result.success).toBe(false);
    expect(result.error!.issues[0]!.message).toBe("at most 100 characters");
  });

  it("derives a safe name from any text", () => {
    expect(toName("import-../../etc/passwd")).toBe("import-.._.._etc_passwd");
    expect(toName("../x")).toBe("x");
    expect(isName(toName("../x"))).toBe(true);
    expect(toName("///")).toBe("unnamed");
    expect(toName("y".repeat(300))).toHaveLength(100);
  });
});
