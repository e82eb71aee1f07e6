import { describe, expect, it } from "vitest";
import type { Env } from "@/server/runtime/mode";
import { hostPolicy, isAllowedHost, parseHost } from "./host";

const allowed = (host: string, env: Env = {}) => {
  const parsed = parseHost(host);
  return parsed !== null && isAllowedHost(parsed, hostPolicy(env));
};

describe("Host allowlist", () => {
  it("parses host[:port], IPv6 in brackets, and refuses anything else", () => {
    expect(parseHost("LocalHost:3000")).toEqual({ hostname: "localhost", port: 3000 });
    expect(parseHost("[::1]:8080")).toEqual({ hostname: "[::1]", port: 8080 });
    expect(parseHost("localhost.")).toEqual({ hostname: "localhost", port: null });
    for (const bad of ["", "evil.com/x", "a b", "user@localhost", "localhost:99999", "localhost:0", "::1", "localhost:3000:1"]) {
      expect(parseHost(bad), bad).toBeNull();
    }
  });

  it("answers loopback names on any port by default, and nothing else", () => {
    for (const host of ["localhost", "localhost:3000", "127.0.0.1:3210", "[::1]:3000"]) expect(allowed(host), host).toBe(true);
    for (const host of [
      "evil.example:3000",
      "127.0.0.1.nip.io:3000",
      "localhost.evil.example",
      "0.0.0.0:3000",
      "127.0.0.2:3000",
      "[::2]:3000",
    ]) {
      expect(allowed(host), host).toBe(false);
    }
  });

  it("adds configured public names (any port, or only the one given) and a specific bind address", () => {
    const env = { DISTILLERY_ALLOWED_HOSTS: " distillery.lab.example , gpu-box:8443", HOST: "10.0.0.5" };
    expect(allowed("distillery.lab.example", env)).toBe(true);
    expect(allowed("distillery.lab.example:3000", env)).toBe(true);
    expect(allowed("gpu-box:8443", env)).toBe(true);
    expect(allowed("gpu-box:3000", env)).toBe(false);
    expect(allowed("10.0.0.5:3000", env)).toBe(true);
    expect(allowed("0.0.0.0:3000", { HOST: "0.0.0.0" })).toBe(false);
    expect(allowed("[fe80::1]:3000", { HOST: "fe80::1" })).toBe(true);
  });

  it("fails fast on a malformed configured name, naming the variable", () => {
    expect(() => hostPolicy({ DISTILLERY_ALLOWED_HOSTS: "https://x.example" })).toThrow(/DISTILLERY_ALLOWED_HOSTS: "https:\/\/x.example"/);
  });
});
