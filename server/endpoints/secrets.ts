// API keys come from the environment only: DISTILLERY_API_KEY for remote OpenAI-compatible model
// endpoints, or the variable a configured endpoint names (apiKeyEnv). They are sent as
// `Authorization: Bearer` and never written to a run, a job or a log (see redact.ts).
import type { EndpointKind } from "./registry";

export const DEFAULT_API_KEY_ENV = "DISTILLERY_API_KEY";

export function apiKeyFromEnv(apiKeyEnv: string | undefined, kind: EndpointKind, env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (apiKeyEnv) {
    // A named key that is missing is a configuration error, not a reason to call without one.
    if (!env[apiKeyEnv]) throw new Error(`the environment variable ${apiKeyEnv} (the endpoint's apiKeyEnv) is not set`);
    return env[apiKeyEnv];
  }
  // The default key is for model endpoints: retrievers and Ray are named with their own variable.
  return kind === "model" ? env[DEFAULT_API_KEY_ENV] || undefined : undefined;
}
