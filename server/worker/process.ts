// Starting a child process for the worker, the one way every site does it: stdin is always a pipe
// only this process holds (the lifeline: it closes when this process dies, SIGKILL included, and
// the worker's programs exit on that end-of-file), stderr's end is kept for failure messages,
// deadlines kill the child with everything it forked, and an exit hook covers a normal exit.
import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { workerPython, workerPythonPath } from "./interpreter";
import { LineSplitter } from "./lines";
import { killProcessTree } from "./process-tree";
import { OutputTail } from "./tail";

export type ProcessSpec = {
  command: string;
  args?: string[];
  cwd?: string;
  /** Added to the inherited environment, or the whole environment when `cleanEnv`. */
  env?: Record<string, string | undefined>;
  /** Pass nothing of this process's environment on (the sandbox). */
  cleanEnv?: boolean;
  /** Tell the child (DISTILLERY_LIFELINE=stdin) that it may watch its stdin; default true. */
  lifeline?: boolean;
  /** "tail": kept for messages (default); "inherit": straight to this process's stderr. */
  stderr?: "tail" | "inherit";
  /** How much of stderr's end to keep; default 4000 characters. */
  tailChars?: number;
  /** Its own process group (and session), so a stop reaches every process in it. */
  ownGroup?: boolean;
  /** The signal its tree gets if this process exits normally first; default SIGKILL. */
  exitSignal?: NodeJS.Signals;
};

export type WorkerSpec = Omit<ProcessSpec, "command"> & {
  /** The Python module run with `-m`, e.g. "distillery_worker.grade". */
  module: string;
  /** The interpreter; default the project venv's. */
  python?: string;
};

export type Exit = { code: number | null; signal: NodeJS.Signals | null };

/** A Deadline that has not expired yet can be cancelled or moved. */
export type Deadline = { cancel(): void };

const running = new Set<WorkerProcess>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once("exit", () => running.forEach((p) => p.kill(p.exitSignal)));
}

export class WorkerProcess {
  readonly child: ChildProcessWithoutNullStreams;
  /** The end of its stderr (empty with stderr: "inherit"). */
  readonly stderr: OutputTail;
  /** Resolves once it has exited (or could not start). */
  readonly exited: Promise<Exit>;
  readonly exitSignal: NodeJS.Signals;
  private readonly ownGroup: boolean;

  constructor(spec: ProcessSpec) {
    const lifeline = spec.lifeline ?? true;
    const base = spec.cleanEnv ? {} : process.env;
    const env = { ...base, ...(lifeline ? { DISTILLERY_LIFELINE: "stdin" } : {}), ...spec.env };
    this.ownGroup = spec.ownGroup ?? false;
    this.exitSignal = spec.exitSignal ?? "SIGKILL";
    this.stderr = new OutputTail(spec.tailChars ?? 4000);
    this.child = spawn(spec.command, spec.args ?? [], {
      cwd: spec.cwd,
      env: env as NodeJS.ProcessEnv,
      stdio: ["pipe", "pipe", spec.stderr === "inherit" ? "inherit" : "pipe"],
      detached: this.ownGroup,
    }) as ChildProcessWithoutNullStreams;
    this.child.stderr?.on("data", (chunk: Buffer | string) => this.stderr.push(chunk));
    this.child.stdin.on("error", () => undefined); // EPIPE after it died: reported by "exit"
    this.exited = new Promise<Exit>((resolve) => {
      this.child.once("exit", (code, signal) => resolve({ code, signal }));
      this.child.once("error", () => this.child.pid === undefined && resolve({ code: null, signal: null }));
    });
    running.add(this);
    installExitHook();
    void this.exited.then(() => running.delete(this));
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /** Still running (not exited, and started). */
  get alive(): boolean {
    return this.child.pid !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Resolves once it has started; rejects with the spawn error (e.g. ENOENT) if it cannot. */
  started(): Promise<void> {
    if (this.child.pid !== undefined) return Promise.resolve();
    return new Promise((resolve, reject) => {
      this.child.once("spawn", resolve);
      this.child.once("error", reject);
    });
  }

  /** Call `onLine` with each line of its stdout as it arrives (the last one even without a newline). */
  onStdoutLine(onLine: (line: string) => void): void {
    const splitter = new LineSplitter(onLine);
    this.child.stdout.setEncoding("utf8");
    this.child.stdout.on("data", (chunk: string) => splitter.push(chunk));
    this.child.stdout.once("end", () => splitter.end());
  }

  /** Write one line to its stdin (dropped once it has exited). */
  writeLine(line: string): void {
    if (this.alive) this.child.stdin.write(line + "\n");
  }

  /**
   * Signal it: SIGKILL takes it and every process it started (its group when it has one, else its
   * descendants); other signals go to its group, or to it alone, for it to pass on as it sees fit.
   */
  kill(signal: NodeJS.Signals = "SIGKILL"): void {
    const pid = this.child.pid;
    if (!pid) return;
    // A group outlives its leader, and its id is not reused while any member lives; a lone pid,
    // once reaped, may belong to someone else.
    if (!this.ownGroup && !this.alive) return;
    try {
      if (this.ownGroup) process.kill(-pid, signal);
      else if (signal === "SIGKILL") killProcessTree(pid);
      else process.kill(pid, signal);
    } catch {
      // ESRCH: already gone
    }
  }

  /** After `ms`, call `onExpire` (if given) and SIGKILL its tree, noting `why` in the stderr tail. */
  deadline(ms: number, why: string, onExpire?: () => void): Deadline {
    const timer = setTimeout(() => {
      this.stderr.note(why);
      onExpire?.();
      this.kill("SIGKILL");
    }, ms);
    return { cancel: () => clearTimeout(timer) };
  }

  /** Close its stdin (its lifeline: a worker program exits), then SIGKILL it after `graceMs`. */
  async stop(graceMs: number): Promise<Exit> {
    this.child.stdin.end();
    const killer = setTimeout(() => this.kill("SIGKILL"), graceMs);
    try {
      return await this.exited;
    } finally {
      clearTimeout(killer);
    }
  }

  /** Signal it (e.g. SIGTERM), then SIGKILL its tree after `graceMs`. */
  async terminate(signal: NodeJS.Signals, graceMs: number): Promise<Exit> {
    this.kill(signal);
    const killer = setTimeout(() => this.kill("SIGKILL"), graceMs);
    try {
      return await this.exited;
    } finally {
      clearTimeout(killer);
    }
  }

  /** Let this process exit while it runs (an idle long-lived worker), or hold it open again. */
  setRef(on: boolean): void {
    const streams = [this.child.stdin, this.child.stdout, this.child.stderr] as unknown as {
      ref?: () => void;
      unref?: () => void;
    }[];
    if (on) this.child.ref();
    else this.child.unref();
    for (const s of streams) (on ? s?.ref : s?.unref)?.call(s);
  }
}

/** Start any program the way the worker's are started (the job runner's entrypoints). */
export function startProcess(spec: ProcessSpec): WorkerProcess {
  return new WorkerProcess(spec);
}

/** Start `python -m <module> [args]` with the worker's interpreter and PYTHONPATH. */
export function startWorker(spec: WorkerSpec): WorkerProcess {
  const { module, python, args = [], ...rest } = spec;
  const inherited = spec.cleanEnv ? undefined : process.env.PYTHONPATH;
  return new WorkerProcess({
    ...rest,
    command: python ?? workerPython(),
    args: ["-m", module, ...args],
    env: { PYTHONPATH: workerPythonPath(inherited), ...spec.env },
  });
}
