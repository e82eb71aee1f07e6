// The local backend: the entrypoint runs as a child process of this server or CLI, started by
// the worker seam in its own process group, so stopping a job (or this process exiting) takes
// every process it started with it; the seam's lifeline covers this process being killed. Its
// output lines are kept in memory (capped) and delivered to followers as they come.
import { randomUUID } from "node:crypto";
import { stat } from "node:fs/promises";
import { lastLines, LineSplitter } from "@/server/worker/lines";
import { startProcess, type WorkerProcess } from "@/server/worker/process";
import { isTerminal, JobBackendError, type FollowOptions, type JobBackend, type JobHandle, type JobSpec, type JobState } from "./types";

/** Keep at most this much output per job; the oldest lines go first. */
const MAX_LOG_CHARS = 4_000_000;
/** A job whose leader has exited gets this long to close its output pipes before they are cut. */
const CLOSE_GRACE_MS = 2_000;

type LocalJob = {
  process: WorkerProcess;
  lines: string[];
  chars: number;
  listeners: Set<(line: string) => void>;
  state: JobState;
  stopRequested: boolean;
  done: Promise<JobState>;
};

export type LocalBackendOptions = {
  /** Between SIGTERM and SIGKILL when stopping a job. */
  stopGraceMs?: number;
};

export class LocalBackend implements JobBackend {
  readonly kind = "local" as const;
  private readonly jobs = new Map<string, LocalJob>();
  private readonly stopGraceMs: number;

  constructor(options: LocalBackendOptions = {}) {
    this.stopGraceMs = options.stopGraceMs ?? 10_000;
  }

  async submit(spec: JobSpec): Promise<JobHandle> {
    const [program, ...args] = spec.entrypoint;
    if (!program) throw new JobBackendError("the job's entrypoint is empty");
    if (
      spec.cwd &&
      !(await stat(spec.cwd).then(
        (s) => s.isDirectory(),
        () => false,
      ))
    ) {
      throw new JobBackendError(`the job's working directory ${spec.cwd} does not exist`);
    }
    // The lifeline: stdin is a pipe whose write end only this process holds, so it closes when
    // this process dies, even by SIGKILL, when no exit hook runs; the worker's programs watch it
    // (worker/distillery_worker/lifeline.py) since the seam sets DISTILLERY_LIFELINE=stdin.
    const job = startProcess({
      command: program,
      args,
      cwd: spec.cwd,
      env: { PYTHONUNBUFFERED: "1", ...spec.env },
      ownGroup: true, // so stop() reaches its children too
    });
    await job.started().catch((err: NodeJS.ErrnoException) => {
      throw new JobBackendError(`cannot start ${program}: ${err.code ?? err.message}`);
    });
    const id = `${spec.name ?? "job"}-${randomUUID().slice(0, 8)}`;
    this.jobs.set(id, this.track(job));
    return { backend: "local", id };
  }

  async status(handle: JobHandle): Promise<JobState> {
    return { ...this.job(handle).state };
  }

  async logs(handle: JobHandle): Promise<string> {
    const job = this.job(handle);
    return job.lines.map((line) => `${line}\n`).join("");
  }

  async follow(handle: JobHandle, onLine: (line: string) => void, options: FollowOptions = {}): Promise<JobState> {
    const job = this.job(handle);
    job.lines.forEach((line) => onLine(line));
    if (isTerminal(job.state.status)) return { ...job.state };
    let listener = onLine;
    // A throwing callback ends this follow with its error instead of crashing the output pipe.
    const interrupted = new Promise<JobState>((resolve, reject) => {
      listener = (line) => {
        try {
          onLine(line);
        } catch (err) {
          job.listeners.delete(listener);
          reject(err);
        }
      };
      const onAbort = () => resolve({ ...job.state });
      if (options.signal?.aborted) onAbort();
      options.signal?.addEventListener("abort", onAbort, { once: true });
    });
    job.listeners.add(listener);
    try {
      return await Promise.race([job.done, interrupted]);
    } finally {
      job.listeners.delete(listener);
    }
  }

  async stop(handle: JobHandle): Promise<JobState> {
    const job = this.job(handle);
    if (isTerminal(job.state.status)) return { ...job.state };
    job.stopRequested = true;
    job.process.kill("SIGTERM");
    const escalate = setTimeout(() => job.process.kill("SIGKILL"), this.stopGraceMs);
    try {
      return await job.done;
    } finally {
      clearTimeout(escalate);
    }
  }

  /** Stop every job this backend started that is still running (shutdown, tests). */
  async stopAll(): Promise<void> {
    await Promise.all([...this.jobs.keys()].map((id) => this.stop({ backend: "local", id })));
  }

  private job(handle: JobHandle): LocalJob {
    const job = handle.backend === "local" ? this.jobs.get(handle.id) : undefined;
    if (!job) throw new JobBackendError(`no local job ${handle.id} here (the process that started it is gone)`);
    return job;
  }

  /** Wire a started child's output and exit into a job record. */
  private track(started: WorkerProcess): LocalJob {
    const child = started.child;
    const job: LocalJob = {
      process: started,
      lines: [],
      chars: 0,
      listeners: new Set(),
      state: { status: "running" },
      stopRequested: false,
      done: Promise.resolve({ status: "running" }),
    };
    const deliver = (line: string) => {
      job.lines.push(line);
      job.chars += line.length + 1;
      while (job.chars > MAX_LOG_CHARS && job.lines.length > 1) job.chars -= job.lines.shift()!.length + 1;
      job.listeners.forEach((listener) => listener(line));
    };
    // stdout and stderr are merged line by line, as Ray does in its job log.
    const streams = [child.stdout, child.stderr].map((stream) => {
      const splitter = new LineSplitter(deliver);
      stream.setEncoding("utf8");
      stream.on("data", (chunk: string) => splitter.push(chunk));
      return new Promise<void>((resolve) => stream.once("close", () => (splitter.end(), resolve())));
    });
    const exited = new Promise<[number | null, NodeJS.Signals | null]>((resolve) =>
      child.once("exit", (code, signal) => resolve([code, signal])),
    );
    job.done = exited.then(async ([code, signal]) => {
      // The leader is gone; nothing else in its group may outlive it.
      started.kill("SIGKILL");
      child.stdin.destroy();
      const closed = Promise.all(streams);
      const cut = setTimeout(() => [child.stdout, child.stderr].forEach((s) => s.destroy()), CLOSE_GRACE_MS);
      await closed;
      clearTimeout(cut);
      job.state = endState(job, code, signal);
      return { ...job.state };
    });
    return job;
  }
}

function endState(job: LocalJob, code: number | null, signal: NodeJS.Signals | null): JobState {
  if (job.stopRequested) return { status: "stopped", message: "Job was stopped on request.", exitCode: null };
  if (code === 0) return { status: "succeeded", exitCode: 0 };
  const how = code === null ? `was killed by ${signal}` : `failed with exit code ${code}`;
  const tail = lastLines(job.lines.join("\n"), 20);
  return {
    status: "failed",
    message: `Job entrypoint ${how}${tail ? `, last lines:\n${tail}` : "."}`,
    exitCode: code,
  };
}
