// Math answers are graded by the Python side (math-verify/sympy) in ONE long-lived process,
// `python -m distillery_worker.grade`, fed JSON lines: requests are pipelined, replies come back
// in order. Python's own timeouts cannot stop everything (a huge integer power runs in C), so
// this side also keeps a hard deadline on the request being graded: past it, the process is
// killed, that answer is recorded as timed out, and the requests behind it go to a fresh one.
import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import path from "node:path";
import readline from "node:readline";
import { workerPython } from "@/server/python";

export type MathGrade = {
  correct: boolean;
  /** numeric | string | math_verify | none | killed */
  method: string;
  /** The answer texts that were compared (after \boxed{} extraction). */
  prediction: string;
  gold: string;
  timedOut: boolean;
  error: string | null;
};

export type MathGraderOptions = {
  /** Python's own per-answer budget (math-verify's alarms); default 5 s. */
  timeoutS?: number;
  /** Extra time before this side kills the process; default 5 s (plus start-up for the first). */
  graceMs?: number;
  /** Allowance for the process to start before its first answer; default 30 s. */
  startupMs?: number;
  python?: string;
  cwd?: string;
};

type Pending = {
  id: number;
  line: string;
  resolve: (grade: MathGrade) => void;
  reject: (err: Error) => void;
  timeoutS: number;
};

const STARTUP_MS = 30_000;
const MAX_FAILED_STARTS = 3;

export class MathGrader {
  private child: ChildProcessWithoutNullStreams | null = null;
  private queue: Pending[] = [];
  private nextId = 1;
  private timer: NodeJS.Timeout | null = null;
  private answeredSinceStart = 0;
  private failedStarts = 0;
  private stderrTail = "";
  private closed = false;
  /** How many grader processes this instance has started (1 unless one was killed). */
  starts = 0;

  constructor(private readonly options: MathGraderOptions = {}) {}

  /** Grade one answer. Never rejects for a wrong or unparsable answer — only when the grader
   *  itself cannot run (no Python environment), with a message saying how to fix it. */
  grade(prediction: string | number | null, gold: string | number, opts: { timeoutS?: number } = {}): Promise<MathGrade> {
    if (this.closed) return Promise.reject(new Error("math grader is closed"));
    const timeoutS = opts.timeoutS ?? this.options.timeoutS ?? 5;
    const id = this.nextId++;
    const line = JSON.stringify({ id, prediction: prediction === null ? "" : String(prediction), gold: String(gold), timeout_s: timeoutS });
    return new Promise<MathGrade>((resolve, reject) => {
      this.queue.push({ id, line, resolve, reject, timeoutS });
      const child = this.ensureChild();
      child.stdin.write(line + "\n");
      if (!this.timer) this.armHeadTimer(); // the head's deadline is not pushed back by new requests
    });
  }

  /** Stop the process (pending requests are rejected). */
  async close(): Promise<void> {
    this.closed = true;
    this.failAll(new Error("math grader closed"));
    const child = this.child;
    this.child = null;
    if (child && child.exitCode === null) {
      const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
      child.stdin.end();
      const killer = setTimeout(() => child.kill("SIGKILL"), 2000);
      await exited;
      clearTimeout(killer);
    }
  }

  private ensureChild(): ChildProcessWithoutNullStreams {
    if (this.child) return this.child;
    const cwd = this.options.cwd ?? process.cwd();
    const python = this.options.python ?? workerPython();
    // The checkout's worker package first, whatever the venv's editable install points at.
    const pythonPath = [path.join(cwd, "worker"), process.env.PYTHONPATH].filter(Boolean).join(path.delimiter);
    const child = spawn(python, ["-m", "distillery_worker.grade"], { cwd, env: { ...process.env, PYTHONPATH: pythonPath } });
    this.child = child;
    this.starts++;
    this.answeredSinceStart = 0;
    this.stderrTail = "";
    child.stderr.on("data", (chunk: Buffer) => (this.stderrTail = (this.stderrTail + chunk.toString()).slice(-2000)));
    readline.createInterface({ input: child.stdout }).on("line", (line) => this.onLine(child, line));
    child.on("error", (err) => this.onExit(child, `cannot start ${python}: ${err.message}`));
    child.on("exit", (code, signal) => this.onExit(child, `exited with ${signal ?? `code ${code}`}`));
    child.stdin.on("error", () => undefined); // a dead child's EPIPE is handled by onExit
    this.setRef(true);
    return child;
  }

  private onLine(child: ChildProcessWithoutNullStreams, line: string): void {
    if (child !== this.child) return;
    let reply: Record<string, unknown>;
    try {
      reply = JSON.parse(line) as Record<string, unknown>;
    } catch {
      return; // not ours (a stray print); replies are always JSON
    }
    const head = this.queue[0];
    if (!head || reply.id !== head.id) return;
    this.queue.shift();
    this.answeredSinceStart++;
    this.failedStarts = 0;
    head.resolve({
      correct: reply.correct === true,
      method: String(reply.method ?? "none"),
      prediction: String(reply.prediction ?? ""),
      gold: String(reply.gold ?? ""),
      timedOut: reply.timed_out === true,
      error: typeof reply.error === "string" ? reply.error : null,
    });
    this.armHeadTimer();
  }

  private armHeadTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const head = this.queue[0];
    if (!head) {
      this.setRef(false);
      return;
    }
    this.setRef(true);
    const startup = this.answeredSinceStart === 0 ? (this.options.startupMs ?? STARTUP_MS) : 0;
    const limitMs = head.timeoutS * 1000 + (this.options.graceMs ?? 5000) + startup;
    this.timer = setTimeout(() => this.killHead(head, limitMs), limitMs);
  }

  private killHead(head: Pending, limitMs: number): void {
    if (this.queue[0] !== head) return;
    this.queue.shift();
    head.resolve({
      correct: false,
      method: "killed",
      prediction: "",
      gold: "",
      timedOut: true,
      error: `grading took longer than ${Math.round(limitMs / 1000)} s; the grader was restarted`,
    });
    this.restart();
  }

  private onExit(child: ChildProcessWithoutNullStreams, why: string): void {
    if (child !== this.child || this.closed) return;
    if (this.answeredSinceStart === 0) this.failedStarts++;
    if (this.failedStarts >= MAX_FAILED_STARTS || why.startsWith("cannot start")) {
      const tail = this.stderrTail.trim().split("\n").slice(-3).join(" | ");
      this.child = null;
      this.failAll(
        new Error(`math grader ${why}${tail ? `: ${tail}` : ""} — is the Python environment set up? (npm run setup)`),
      );
      this.failedStarts = 0;
      return;
    }
    this.restart();
  }

  /** Replace the process and resend every request still waiting, in order. */
  private restart(): void {
    const old = this.child;
    this.child = null;
    if (old && old.exitCode === null) old.kill("SIGKILL");
    if (this.queue.length === 0) {
      this.armHeadTimer();
      return;
    }
    const child = this.ensureChild();
    for (const pending of this.queue) child.stdin.write(pending.line + "\n");
    this.armHeadTimer();
  }

  private failAll(err: Error): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    for (const pending of this.queue.splice(0)) pending.reject(err);
    this.setRef(false);
  }

  /** Keep Node alive only while answers are pending; an idle grader never blocks exit. */
  private setRef(on: boolean): void {
    const child = this.child;
    if (!child) return;
    const streams = [child.stdin, child.stdout, child.stderr] as unknown as { ref?: () => void; unref?: () => void }[];
    if (on) {
      child.ref();
      for (const s of streams) s.ref?.();
    } else {
      child.unref();
      for (const s of streams) s.unref?.();
    }
  }
}

let shared: MathGrader | null = null;

/** The process-wide grader (one Python process for all math scoring). */
export function mathGrader(): MathGrader {
  shared ??= new MathGrader();
  return shared;
}

/** Grade a math answer with the shared grader. */
export function gradeMath(prediction: string | number | null, gold: string | number, opts: { timeoutS?: number } = {}) {
  return mathGrader().grade(prediction, gold, opts);
}
