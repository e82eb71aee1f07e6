// The endpoint rule, credential stripping and redaction as pure functions, with a real endpoints
// file on disk and explicit environments (no process-wide state).
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { redact, summariseRemoteError } from "./redact";
import { checkEndpointChoice, loadEndpoints, resolveEndpoint, retrieverTarget } from "./registry";
import { hasUrlCredentials, withoutUrlCredentials } from "./url";

const env = (vars: Record<string, string>) => vars as unknown as NodeJS.ProcessEnv;

function endpointsFile(content: unknown): string {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "endpoints-")), "endpoints.json");
  fs.writeFileSync(file, JSON.stringify(content));
  return file;
}

describe("URL credentials", () => {
  it("strips userinfo and secret query parameters, and keeps everything else", () => {
    expect(withoutUrlCredentials("http://bob:hunter2@10.0.0.5:8000/v1")).toBe("http://10.0.0.5:8000/v1");
    expect(withoutUrlCredentials("https://api.example.com/v1?api_key=sk-abc&x=1")).toBe("https://api.example.com/v1?x=1");
    expect(withoutUrlCredentials("https://h/v1?token=t&access_token=u")).toBe("https://h/v1");
    expect(withoutUrlCredentials("http://127.0.0.1:8000/v1")).toBe("http://127.0.0.1:8000/v1");
    expect(withoutUrlCredentials("http://127.0.0.1:8000")).toBe("http://127.0.0.1:8000");
    expect(withoutUrlCredentials("embedded")).toBe("embedded");
    expect(hasUrlCredentials("http://u:p@h/v1")).toBe(true);
    expect(hasUrlCredentials("http://h/v1?page=2")).toBe(false);
  });
});

describe("redact", () => {
  it("removes known secret values and anything shaped like a credential", () => {
    const vars = env({ DISTILLERY_API_KEY: "key-0123456789", VLLM_TOKEN: "tok-abcdef", PATH: "/usr/bin" });
    const text =
      "POST http://bob:hunter2@h/v1?api_key=zzz9&x=1 failed: Authorization: Bearer key-0123456789; " +
      "got tok-abcdef back; sk-ABCDEFGHIJKLMNOP leaked; /usr/bin stays";
    const out = redact(text, vars);
    for (const secret of ["hunter2", "zzz9", "key-0123456789", "tok-abcdef", "sk-ABCDEFGHIJKLMNOP"]) expect(out).not.toContain(secret);
    expect(out).toContain("x=1");
    expect(out).toContain("/usr/bin stays");
  });

  it("summarises a remote error to one short line", () => {
    const summary = summariseRemoteError(`line one\n${"x".repeat(5000)}`);
    expect(summary.length).toBeLessThanOrEqual(200);
    expect(summary).not.toContain("\n");
  });
});

describe("the endpoint registry", () => {
  const file = endpointsFile({
    "vllm-a100": { url: "http://10.0.0.5:8000/v1", kind: "model", apiKeyEnv: "VLLM_KEY" },
    wiki: { url: "http://10.0.0.6:8001", kind: "retriever" },
    cluster: { url: "http://10.0.0.7:8265", kind: "ray" },
  });
  const single = env({ DISTILLERY_ENDPOINTS_FILE: file, VLLM_KEY: "vk-123456", DISTILLERY_API_KEY: "dk-123456" });
  const team = env({ ...single, DISTILLERY_AUTH_SECRET: "s".repeat(32) } as Record<string, string>);

  it("chooses configured endpoints by name and resolves their key from the environment", () => {
    expect([...loadEndpoints(single).keys()]).toEqual(["vllm-a100", "wiki", "cluster"]);
    expect(resolveEndpoint("vllm-a100", "model", single)).toEqual({ url: "http://10.0.0.5:8000/v1", apiKey: "vk-123456" });
    expect(resolveEndpoint("http://u:p@h:1/v1", "model", single)).toEqual({ url: "http://h:1/v1", apiKey: "dk-123456" });
    expect(retrieverTarget("wiki", single)).toEqual({ spec: "http://10.0.0.6:8001", apiKey: undefined });
    expect(retrieverTarget("bm25", single)).toEqual({ spec: "bm25" });
  });

  it("refuses a URL a caller invents in team mode, naming the field and the choices", () => {
    expect(() => checkEndpointChoice("http://evil.example/v1", "model", "modelUrl", team)).toThrow(
      /^modelUrl: in team mode an endpoint is chosen by name \(embedded, vllm-a100\); URLs are not accepted$/,
    );
    expect(() => checkEndpointChoice("http://10.0.0.6:8001", "retriever", "retriever", team)).toThrow(/^retriever: in team mode/);
    expect(() => checkEndpointChoice("http://x:8265", "ray", "rayAddress", team)).toThrow(/^rayAddress: in team mode/);
    for (const [value, kind] of [
      ["vllm-a100", "model"],
      ["embedded", "model"],
      ["wiki", "retriever"],
      ["bm25", "retriever"],
      ["cluster", "ray"],
    ] as const) {
      expect(() => checkEndpointChoice(value, kind, "f", team)).not.toThrow();
    }
  });

  it("lets the single-user owner pass a URL, and refuses unknown or wrong-kind names in both modes", () => {
    expect(() => checkEndpointChoice("http://127.0.0.1:8000/v1", "model", "modelUrl", single)).not.toThrow();
    expect(() => checkEndpointChoice("nope", "model", "modelUrl", single)).toThrow(/^modelUrl: no model endpoint named "nope"/);
    expect(() => checkEndpointChoice("wiki", "model", "modelUrl", team)).toThrow(/is a retriever endpoint, not a model one/);
  });

  it("refuses a named key that is not set, and credentials inside the file", () => {
    const missing = env({ DISTILLERY_ENDPOINTS_FILE: file });
    expect(() => resolveEndpoint("vllm-a100", "model", missing)).toThrow(/VLLM_KEY .* is not set/);
    const bad = env({ DISTILLERY_ENDPOINTS_FILE: endpointsFile({ m: { url: "http://u:p@h/v1", kind: "model" } }) });
    expect(() => loadEndpoints(bad)).toThrow(/m\.url: no credentials in the URL/);
  });
});
