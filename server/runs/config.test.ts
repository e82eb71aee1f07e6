// The run config's own rules, before anything runs: defaults filled, impossible combinations refused.
import { describe, expect, it } from "vitest";
import { ZodError } from "zod";
import { resolveRunConfig } from "./config";

const base = { benchmark: "gsm_hard", modelUrl: "embedded", model: "student" } as const;

describe("resolveRunConfig", () => {
  it("fills the paper's sampling defaults: greedy alone, temperature 0.4 with SAG", () => {
    expect(resolveRunConfig(base)).toMatchObject({ temperature: 0, topP: 0.8, sag: 1 });
    expect(resolveRunConfig({ ...base, sag: 4 })).toMatchObject({ temperature: 0.4, topP: 0.8, sag: 4 });
  });

  it("refuses SAG at temperature 0: greedy candidates are all one (and vLLM refuses n > 1 there)", () => {
    expect(() => resolveRunConfig({ ...base, sag: 4, temperature: 0 })).toThrow(ZodError);
    expect(() => resolveRunConfig({ ...base, sag: 4, temperature: 0 })).toThrow(/needs a temperature above 0/);
    expect(resolveRunConfig({ ...base, sag: 4, temperature: 0.7 }).temperature).toBe(0.7);
  });

  it("refuses FTP and SAG outside agent mode", () => {
    expect(() => resolveRunConfig({ ...base, mode: "cot", ftp: true })).toThrow(/FTP applies to agent mode only/);
    expect(() => resolveRunConfig({ ...base, mode: "cot", sag: 2 })).toThrow(/SAG applies to agent mode only/);
  });
});
