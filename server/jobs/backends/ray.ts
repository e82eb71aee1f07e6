// The Ray backend: runs a job's entrypoint on an existing Ray cluster through its Jobs REST API
// (ray-api.ts). Output is followed by polling the job's log and delivering the lines that are new
// since the last poll (Node 20 has no WebSocket client for Ray's /logs/tail endpoint).
import { randomUUID } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import { LineSplitter } from "@/server/worker/lines";
import { packDirectory } from "./ray-package";
import {
  RayHttpError,
  RayJobsClient,
  type RayJobDetails,
  type RayJobsClientOptions,
  type RayRuntimeEnv,
  type RaySubmitRequest,
} from "./ray-api";
import {
  isTerminal,
  JobBackendError,
  type FollowOptions,
  type JobBackend,
  type JobHandle,
  type JobSpec,
  type JobState,
  type JobStatus,
} from "./types";

export type RayBackendOptions = RayJobsClientOptions & {
  /** The cluster's dashboard address, e.g. http://127.0.0.1:8265. */
  address: string;
  /**
   * Passed through as the job's runtime env (working_dir, py_modules, pip, ...). With a
   * `working_dir` the entrypoint runs in Ray's copy of it and the spec's `cwd` is not used.
   */
  runtimeEnv?: RayRuntimeEnv;
  /**
   * A local directory to ship with every job (Ray's SDK `working_dir` upload): packed, stored in
   * the cluster's GCS unless it already holds the same content, and the entrypoint runs in it.
   */
  uploadDir?: string;
  /** Names left out of `uploadDir` (default: .git, node_modules, .venv, caches). */
  uploadExcludes?: string[];
  /** Between log polls while following a job. */
  pollMs?: number;
  /** How long `stop` waits for the job to end (Ray sends SIGTERM, then SIGKILL after 3 s). */
  stopTimeoutMs?: number;
};

const STATUS: Record<RayJobDetails["status"], JobStatus> = {
  PENDING: "pending",
  RUNNING: "running",
  SUCCEEDED: "succeeded",
  FAILED: "failed",
  STOPPED: "stopped",
};

/** Consecutive failed polls (a restarting dashboard, a half-written log) tolerated while following. */
const MAX_POLL_ERRORS = 5;

/** POSIX shell quoting: Ray runs the entrypoint through `sh -c`. */
export function shellQuote(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}

/**
 * The shell command Ray runs for a spec: `cd` into its cwd, then exec the argv. Without `useCwd`
 * (Ray provides a working_dir and starts the job in it) the cwd is not used.
 */
export function rayEntrypoint(spec: JobSpec, useCwd = true): string {
  if (spec.entrypoint.length === 0) throw new JobBackendError("the job's entrypoint is empty");
  const command = `exec ${spec.entrypoint.map(shellQuote).join(" ")}`;
  return spec.cwd && useCwd ? `cd ${shellQuote(spec.cwd)} && ${command}` : command;
}

export function stateOf(details: RayJobDetails): JobState {
  const status = STATUS[details.status];
  if (!status) throw new JobBackendError(`Ray reported an unknown job status ${details.status}`);
  const state: JobState = { status, exitCode: details.driver_exit_code };
  if (details.message && (status === "failed" || status === "stopped")) state.message = details.message;
  return state;
}

export class RayBackend implements JobBackend {
  readonly kind = "ray" as const;
  readonly client: RayJobsClient;
  private readonly runtimeEnv: RayRuntimeEnv;
  private readonly pollMs: number;
  private readonly stopTimeoutMs: number;
  private readonly uploadDir?: string;
  private readonly uploadExcludes?: string[];
  private checked?: Promise<unknown>;

  constructor(options: RayBackendOptions) {
    this.client = new RayJobsClient(options.address, options);
    this.runtimeEnv = options.runtimeEnv ?? {};
    if (options.uploadDir && this.runtimeEnv.working_dir) {
      throw new JobBackendError("give the Ray backend either uploadDir or runtimeEnv.working_dir, not both");
    }
    this.uploadDir = options.uploadDir;
    this.uploadExcludes = options.uploadExcludes;
    this.pollMs = options.pollMs ?? 1_000;
    this.stopTimeoutMs = options.stopTimeoutMs ?? 30_000;
  }

  /** Check once that the address is a reachable Ray dashboard (a clear error before the first submit). */
  async check(): Promise<void> {
    this.checked ??= this.client.version().catch((err: unknown) => {
      this.checked = undefined;
      throw err;
    });
    await this.checked;
  }

  async submit(spec: JobSpec): Promise<JobHandle> {
    const runtimeEnv = { ...this.runtimeEnv };
    const entrypoint = rayEntrypoint(spec, !this.uploadDir && !runtimeEnv.working_dir);
    await this.check();
    if (this.uploadDir) runtimeEnv.working_dir = await this.upload(this.uploadDir);
    const name = (spec.name ?? "job").replace(/[^\w-]+/g, "-").slice(0, 40);
    const request: RaySubmitRequest = {
      entrypoint,
      submission_id: `distillery-${name}-${randomUUID().slice(0, 8)}`,
      runtime_env: {
        ...runtimeEnv,
        env_vars: { PYTHONUNBUFFERED: "1", ...runtimeEnv.env_vars, ...spec.env },
      },
      metadata: { source: "distillery", name },
    };
    if (spec.resources?.cpus !== undefined) request.entrypoint_num_cpus = spec.resources.cpus;
    if (spec.resources?.gpus !== undefined) request.entrypoint_num_gpus = spec.resources.gpus;
    const { submission_id } = await this.client.submit(request);
    return { backend: "ray", id: submission_id };
  }

  async status(handle: JobHandle): Promise<JobState> {
    return stateOf(await this.client.details(this.id(handle)));
  }

  async logs(handle: JobHandle): Promise<string> {
    return this.client.logs(this.id(handle));
  }

  async follow(handle: JobHandle, onLine: (line: string) => void, options: FollowOptions = {}): Promise<JobState> {
    const id = this.id(handle);
    const splitter = new LineSplitter(onLine);
    let offset = 0;
    for (let errors = 0; ;) {
      let state: JobState;
      let text: string;
      try {
        // Status before logs: once a terminal status is seen, the log fetched after it is complete.
        state = stateOf(await this.client.details(id));
        text = await this.client.logs(id);
        errors = 0;
      } catch (err) {
        // A job that does not exist will not appear later; anything else may be passing.
        const missing = err instanceof RayHttpError && err.status === 404;
        if (missing || options.signal?.aborted || ++errors >= MAX_POLL_ERRORS) throw err;
        await sleep(this.pollMs);
        continue;
      }
      const fresh = text.slice(offset);
      offset = Math.max(offset, text.length);
      splitter.push(fresh); // a throwing onLine ends the follow; no line is delivered twice
      if (isTerminal(state.status)) {
        splitter.end();
        return state;
      }
      if (options.signal?.aborted) return state;
      await sleep(this.pollMs, undefined, { signal: options.signal }).catch(() => undefined);
    }
  }

  async stop(handle: JobHandle): Promise<JobState> {
    const id = this.id(handle);
    await this.client.stop(id);
    const deadline = Date.now() + this.stopTimeoutMs;
    for (;;) {
      const state = await this.status(handle);
      if (isTerminal(state.status) || Date.now() > deadline) return state;
      await sleep(Math.min(this.pollMs, 500));
    }
  }

  /** Pack and store a directory (unless the cluster holds it already); its `gcs://` URI. */
  private async upload(dir: string): Promise<string> {
    const { name, bytes } = await packDirectory(dir, this.uploadExcludes);
    if (!(await this.client.hasPackage(name))) await this.client.uploadPackage(name, bytes);
    return `gcs://${name}`;
  }

  private id(handle: JobHandle): string {
    if (handle.backend !== "ray") throw new JobBackendError(`job ${handle.id} is not a Ray job`);
    return handle.id;
  }
}
