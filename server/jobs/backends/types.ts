// The seam between a job handler and where its process runs. A handler submits a spec, follows
// the process's output lines (the trainer's JSON-lines progress, docs/ARCHITECTURE.md §6.4) until it ends,
// and can stop it. `local` runs a child process here; `ray` runs it on an existing Ray cluster.

export type BackendKind = "local" | "ray";

/** What to run. The same spec runs on either backend. */
export type JobSpec = {
  /** argv: the program and its arguments, never a shell string (backends quote as needed). */
  entrypoint: string[];
  /** Working directory. For Ray it is a path on the cluster's node (a shared filesystem). */
  cwd?: string;
  /** Added to the inherited environment (local) or the Ray runtime env's `env_vars`. */
  env?: Record<string, string>;
  /** Reserved for the entrypoint process (Ray: entrypoint_num_cpus/gpus; local: not enforced). */
  resources?: { cpus?: number; gpus?: number };
  /** Short label for humans: part of the Ray submission id and its metadata. */
  name?: string;
};

/** A submitted job; plain data, so it can be stored with the job row and used again later. */
export type JobHandle = { backend: BackendKind; id: string };

export type JobStatus = "pending" | "running" | "succeeded" | "failed" | "stopped";

export type JobState = {
  status: JobStatus;
  /** Why it ended, for failed and stopped jobs; for failed ones it ends with the log tail. */
  message?: string;
  /** The entrypoint's exit code once it exited on its own (null when killed or unknown). */
  exitCode?: number | null;
};

export type FollowOptions = {
  /** Stop following (not the job) when aborted; `follow` then resolves with the current state. */
  signal?: AbortSignal;
};

export interface JobBackend {
  readonly kind: BackendKind;
  /** Start the job. Fails fast, with one clear message, if the backend cannot take it. */
  submit(spec: JobSpec): Promise<JobHandle>;
  status(handle: JobHandle): Promise<JobState>;
  /** The output so far (stdout and stderr together), as text. */
  logs(handle: JobHandle): Promise<string>;
  /**
   * Call `onLine` with each output line (without its newline), in order and exactly once, as
   * they come; resolve with the final state once the job has ended and every line was delivered.
   */
  follow(handle: JobHandle, onLine: (line: string) => void, options?: FollowOptions): Promise<JobState>;
  /** Ask the job to stop (SIGTERM, then SIGKILL after a grace period); resolve with its final state. */
  stop(handle: JobHandle): Promise<JobState>;
}

export const TERMINAL: ReadonlySet<JobStatus> = new Set(["succeeded", "failed", "stopped"]);

export const isTerminal = (status: JobStatus): boolean => TERMINAL.has(status);

/** A backend could not do what was asked (unreachable cluster, unknown job, bad spec). */
export class JobBackendError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}
