import { afterEach, describe, expect, it, vi } from "vitest";
import { main } from "./main";

describe("CLI entry", () => {
  afterEach(() => vi.restoreAllMocks());

  it("lists commands on --help", async () => {
    const log = vi.spyOn(console, "log").mockImplementation(() => {});
    expect(await main(["--help"])).toBe(0);
    expect(log.mock.calls.join("\n")).toContain("import-benchmarks");
  });

  it("rejects an unknown command with one line and exit code 2", async () => {
    const err = vi.spyOn(console, "error").mockImplementation(() => {});
    expect(await main(["frobnicate"])).toBe(2);
    expect(err).toHaveBeenCalledTimes(1);
    expect(String(err.mock.calls[0]![0])).toMatch(/unknown command "frobnicate"/);
  });

  it("rejects an unknown flag with one line naming it and exit code 2", async () => {
    const err = vi.spyOn(console, "error").mockImplementation(() => {});
    expect(await main(["import-benchmarks", "--bogus"])).toBe(2);
    expect(err).toHaveBeenCalledTimes(1);
    expect(String(err.mock.calls[0]![0])).toMatch(/--bogus/);
    expect(String(err.mock.calls[0]![0])).not.toContain("\n");
  });
});
