// Picks the backend a job runs on. The local backend is one per process: its handles name child
// processes of this process, so a local job can only be followed or stopped from here.
import { resolveEndpoint } from "@/server/endpoints/registry";
import { LocalBackend } from "./local";
import { RayBackend, type RayBackendOptions } from "./ray";
import type { JobBackend } from "./types";

export type BackendConfig = { backend: "local" } | ({ backend: "ray" } & RayBackendOptions);

let local: LocalBackend | undefined;

export function localBackend(): LocalBackend {
  local ??= new LocalBackend();
  return local;
}

export function jobBackend(config: BackendConfig): JobBackend {
  return config.backend === "local" ? localBackend() : new RayBackend(config);
}

/** The backend a job config selects (jobs/backends/choice.ts), its Ray endpoint resolved from endpoints.json when named. */
export function backendFor(config: { backend: "local" | "ray"; rayAddress?: string }): BackendConfig {
  return config.backend === "ray" ? { backend: "ray", address: resolveEndpoint(config.rayAddress!, "ray").url } : { backend: "local" };
}

export { LocalBackend } from "./local";
export { RayBackend } from "./ray";
export { RayHttpError, RayUnreachableError, type RayRuntimeEnv } from "./ray-api";
export * from "./types";
