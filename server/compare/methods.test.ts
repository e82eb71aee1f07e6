import { describe, expect, it } from "vitest";
import { methodOfRun, type MethodSource } from "./methods";

const student = (over: Partial<MethodSource> = {}): MethodSource => ({
  role: "student",
  mode: "agent",
  ftp: false,
  sag: 1,
  tags: [],
  trained: true,
  ...over,
});

describe("methodOfRun", () => {
  it("takes the method tag first, for any role", () => {
    expect(methodOfRun(student({ role: "teacher", tags: ["eval", "method:agent-ftp"] }))).toEqual({ method: "agent-ftp", from: "tag" });
    expect(methodOfRun(student({ mode: "cot", tags: ["method:agent-ftp-sag"] }))).toEqual({ method: "agent-ftp-sag", from: "tag" });
  });

  it("ignores unknown method tags", () => {
    expect(methodOfRun(student({ tags: ["method:magic"] }))).toEqual({ method: "agent", from: "config" });
  });

  it("derives a student's method from its config", () => {
    expect(methodOfRun(student({ mode: "cot" }))?.method).toBe("cot");
    expect(methodOfRun(student({ mode: "cot-rag" }))?.method).toBe("cot-rag");
    expect(methodOfRun(student())?.method).toBe("agent");
    expect(methodOfRun(student({ ftp: true }))?.method).toBe("agent-ftp");
    expect(methodOfRun(student({ ftp: true, sag: 8 }))?.method).toBe("agent-ftp-sag");
    expect(methodOfRun(student({ sag: 8 }))?.method).toBe("agent-sag");
  });

  it("gives an untrained student rows of its own, never a distillation row", () => {
    expect(methodOfRun(student({ trained: false }))?.method).toBe("base-agent");
    expect(methodOfRun(student({ trained: false, sag: 4 }))?.method).toBe("base-agent-sag");
    expect(methodOfRun(student({ trained: false, ftp: true, sag: 4 }))?.method).toBe("base-agent-sag");
    expect(methodOfRun(student({ trained: false, mode: "cot" }))?.method).toBe("base-cot");
    expect(methodOfRun(student({ trained: false, mode: "cot-rag" }))?.method).toBe("base-cot");
    expect(methodOfRun(student({ trained: false, tags: ["method:base-agent-sag"] }))).toEqual({ method: "base-agent-sag", from: "tag" });
  });

  it("leaves untagged teacher runs out of the matrix", () => {
    expect(methodOfRun(student({ role: "teacher" }))).toBeNull();
  });

  it("leaves validation runs out of the matrix, whatever else they are tagged", () => {
    expect(methodOfRun(student({ tags: ["validation"] }))).toBeNull();
    expect(methodOfRun(student({ tags: ["validation", "method:agent"] }))).toBeNull();
  });
});
