import { describe, expect, it } from "vitest";
import { hostPolicy, parseHost } from "./host";
import { crossOriginProblem, isMutation } from "./origin";

const policy = hostPolicy({ DISTILLERY_ALLOWED_HOSTS: "distillery.lab.example" });
const problem = (host: string, headers: Record<string, string>) => crossOriginProblem(new Headers(headers), parseHost(host)!, policy);

describe("Origin and Sec-Fetch-Site on mutations", () => {
  it("treats everything but GET and HEAD as a mutation", () => {
    expect(["GET", "head"].map(isMutation)).toEqual([false, false]);
    expect(["POST", "PUT", "PATCH", "DELETE", "OPTIONS"].map(isMutation)).toEqual([true, true, true, true, true]);
  });

  it("lets the workbench's own pages and non-browser clients through", () => {
    expect(problem("127.0.0.1:3000", { origin: "http://127.0.0.1:3000", "sec-fetch-site": "same-origin" })).toBeNull();
    expect(problem("localhost", { origin: "http://localhost:80" })).toBeNull();
    expect(problem("127.0.0.1:3000", {})).toBeNull(); // the CLI: no Origin, no Sec-Fetch-Site
    expect(problem("127.0.0.1:3000", { "sec-fetch-site": "none" })).toBeNull();
    // behind a TLS proxy that forwards to the loopback address
    expect(problem("127.0.0.1:3000", { origin: "https://distillery.lab.example" })).toBeNull();
  });

  it("refuses other origins, including other ports of the same loopback name", () => {
    expect(problem("127.0.0.1:3000", { origin: "http://evil.example" })).toMatch(/another origin/);
    expect(problem("127.0.0.1:3000", { origin: "http://127.0.0.1:8080" })).toMatch(/another origin/);
    expect(problem("127.0.0.1:3000", { origin: "http://localhost:3000" })).toMatch(/another origin/);
    expect(problem("127.0.0.1:3000", { origin: "null" })).toMatch(/opaque/);
    expect(problem("127.0.0.1:3000", { origin: "file:///home/u/x.html" })).toMatch(/opaque/);
  });

  it("refuses cross-site and same-site fetches even without an Origin", () => {
    expect(problem("127.0.0.1:3000", { "sec-fetch-site": "cross-site" })).toMatch(/Sec-Fetch-Site: cross-site/);
    expect(problem("127.0.0.1:3000", { "sec-fetch-site": "same-site", origin: "http://127.0.0.1:3000" })).toMatch(/same-site/);
  });
});
