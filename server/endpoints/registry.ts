// The endpoints the workbench may call: model servers, retrievers and Ray clusters, configured by
// the admin in a JSON file (DISTILLERY_ENDPOINTS_FILE, else <dataDir>/endpoints.json if present):
//   { "vllm-a100": { "url": "http://10.0.0.5:8000/v1", "kind": "model", "apiKeyEnv": "VLLM_KEY" } }
// Callers choose one by name. In team mode that is the only way: the API fetches no URL a caller
// invents. In single-user mode the owner may still pass a URL. Keys live in the environment
// (apiKeyEnv names the variable), never in the file, a run or a job.
import fs from "node:fs";
import path from "node:path";
import { z } from "zod";
import { dataDir } from "@/db/client";
import { InputError } from "@/server/errors";
import { NAME_PATTERN } from "@/server/names";
import { serverMode } from "@/server/runtime/mode";
import { apiKeyFromEnv } from "./secrets";
import { hasUrlCredentials, isHttpUrl, withoutUrlCredentials } from "./url";

export type EndpointKind = "model" | "retriever" | "ray";

const endpointSchema = z.object({
  url: z
    .url({ protocol: /^https?$/ })
    .refine((url) => !hasUrlCredentials(url), "no credentials in the URL: name an environment variable in apiKeyEnv"),
  kind: z.enum(["model", "retriever", "ray"]),
  apiKeyEnv: z
    .string()
    .regex(/^[A-Z_][A-Z0-9_]*$/, "an environment variable name")
    .optional(),
});
const endpointsFileSchema = z.record(z.string().regex(NAME_PATTERN, "endpoint names follow the name rule"), endpointSchema);

export type Endpoint = z.infer<typeof endpointSchema> & { name: string };

/** Built in, no URL: the embedded model server and the local BM25 corpus. */
const BUILT_IN: Record<EndpointKind, string | null> = { model: "embedded", retriever: "bm25", ray: null };

export function endpointsFile(env: NodeJS.ProcessEnv = process.env): string | null {
  if (env.DISTILLERY_ENDPOINTS_FILE) return path.resolve(env.DISTILLERY_ENDPOINTS_FILE);
  const inDataDir = path.join(dataDir(), "endpoints.json");
  return fs.existsSync(inDataDir) ? inDataDir : null;
}

/** The configured endpoints (read on each call: the file is small and an admin may edit it). */
export function loadEndpoints(env: NodeJS.ProcessEnv = process.env): Map<string, Endpoint> {
  const file = endpointsFile(env);
  if (!file) return new Map();
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(file, "utf8"));
  } catch (err) {
    throw new Error(`endpoints file ${file}: ${(err as Error).message.split("\n")[0]}`);
  }
  const parsed = endpointsFileSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new Error(`endpoints file ${file}: ${issue.path.join(".")}: ${issue.message}`);
  }
  return new Map(Object.entries(parsed.data).map(([name, e]) => [name, { ...e, name }]));
}

function namesOf(kind: EndpointKind, env: NodeJS.ProcessEnv): string[] {
  const names = [...loadEndpoints(env).values()].filter((e) => e.kind === kind).map((e) => e.name);
  const builtIn = BUILT_IN[kind];
  return builtIn ? [builtIn, ...names] : names;
}

/**
 * The API's rule for an endpoint field (modelUrl, retriever, rayAddress): a built-in or a
 * configured name of the right kind; a URL only in single-user mode. Throws an InputError naming
 * the field, which the API answers with a 400.
 */
export function checkEndpointChoice(value: string, kind: EndpointKind, field: string, env: NodeJS.ProcessEnv = process.env): void {
  if (value === BUILT_IN[kind]) return;
  const configured = loadEndpoints(env).get(value);
  if (configured) {
    if (configured.kind !== kind) throw new InputError(`${field}: endpoint "${value}" is a ${configured.kind} endpoint, not a ${kind} one`);
    return;
  }
  const choices = namesOf(kind, env).join(", ") || "none configured";
  if (isHttpUrl(value)) {
    if (serverMode(env) === "team") {
      throw new InputError(`${field}: in team mode an endpoint is chosen by name (${choices}); URLs are not accepted`);
    }
    return;
  }
  throw new InputError(`${field}: ${unknownEndpoint(value, kind, env)}`);
}

export type ResolvedEndpoint = { url: string; apiKey?: string };

/** Where a stored endpoint field points, and the key to send there (from the environment). */
export function resolveEndpoint(value: string, kind: EndpointKind, env: NodeJS.ProcessEnv = process.env): ResolvedEndpoint {
  const configured = loadEndpoints(env).get(value);
  if (configured) return { url: configured.url, apiKey: apiKeyFromEnv(configured.apiKeyEnv, kind, env) };
  if (isHttpUrl(value)) return { url: withoutUrlCredentials(value), apiKey: apiKeyFromEnv(undefined, kind, env) };
  throw new InputError(unknownEndpoint(value, kind, env));
}

function unknownEndpoint(value: string, kind: EndpointKind, env: NodeJS.ProcessEnv): string {
  const known = namesOf(kind, env).join(", ") || "none configured";
  const url = serverMode(env) === "team" ? "" : ", or an http(s) URL";
  return `no ${kind} endpoint named "${value.slice(0, 100)}" (known: ${known}${url})`;
}

/** A retriever field as openRetriever takes it: "bm25", or the resolved URL and its key. */
export function retrieverTarget(value: string, env: NodeJS.ProcessEnv = process.env): { spec: string; apiKey?: string } {
  if (value === BUILT_IN.retriever) return { spec: value };
  const { url, apiKey } = resolveEndpoint(value, "retriever", env);
  return { spec: url, apiKey };
}
