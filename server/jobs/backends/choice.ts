// Where a worker job runs, as job configs (train, distill) choose it: the `backend` and `rayAddress`
// fields and the rule that Ray needs an address. The browser's forms validate with these schemas, so
// this module stays free of server-only imports; the backend a config selects is `backendFor`
// (./index.ts).
import { z } from "zod";
import { withoutUrlCredentials } from "@/server/endpoints/url";
import { nameSchema } from "@/server/names";

export const backendFields = {
  backend: z.enum(["local", "ray"]).default("local").describe("local (child process here) | ray (an existing Ray cluster)"),
  rayAddress: z
    .union([z.url({ protocol: /^https?$/ }), nameSchema])
    .optional()
    .describe("a configured Ray endpoint's name, or the dashboard address, e.g. http://127.0.0.1:8265 (not in team mode)"),
};

type BackendChoice = { backend: "local" | "ray"; rayAddress?: string };

/** Ray needs an address (a configured endpoint or a URL); thrown as the config's own validation error. */
export function checkBackendChoice(config: BackendChoice): void {
  if (config.backend === "ray" && !config.rayAddress) {
    throw new z.ZodError([{ code: "custom", path: ["rayAddress"], message: "is required with backend ray", input: undefined }]);
  }
}

/** The choice as stored in a job's config: a Ray URL without credentials. */
export function storedBackendChoice<T extends { rayAddress?: string }>(config: T): T {
  return config.rayAddress ? { ...config, rayAddress: withoutUrlCredentials(config.rayAddress) } : config;
}
