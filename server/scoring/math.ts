// Math answers are graded by the Python side (math-verify/sympy) in ONE long-lived process,
// `python -m distillery_worker.grade`, fed JSON lines: requests are pipelined, replies come back
// in order. Python's own timeouts cannot stop everything (a huge integer power runs in C), so
// this side also keeps a hard deadline on the request being graded: past it, the process is
// killed, that answer is recorded as timed out, and the requests behind it go to a fresh one.
import { JsonLines, type Message } from "@/server/worker/json-lines";
import { startWorker, type WorkerProcess } from "@/server/worker/process";

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
  /** The interpreter (default the project venv's). */
  python?: string;
};

type Pending = {
  id: number;
  request: Message;
  resolve: (grade: MathGrade) => void;
  reject: (err: Error) => void;
  timeoutS: number;
};

type Grader = { process: WorkerProcess; channel: JsonLines };

const STARTUP_MS = 30_000;
const MAX_FAILED_STARTS = 3;

export class MathGrader {
  private grader: Grader | null = null;
  private queue: Pending[] = [];
  private nextId = 1;
  private timer: NodeJS.Timeout | null = null;
  private answeredSinceStart = 0;
  private failedStarts = 0;
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
    const request = { prediction: prediction === null ? "" : String(prediction), gold: String(gold), timeout_s: timeoutS };
    return new Promise<MathGrade>((resolve, reject) => {
      const pending = { id, request, resolve, reject, timeoutS };
      this.queue.push(pending);
      this.send(this.ensureGrader(), pending);
      if (!this.timer) this.armHeadTimer(); // the head's deadline is not pushed back by new requests
    });
  }

  /** Stop the process (pending requests are rejected). */
  async close(): Promise<void> {
    this.closed = true;
    this.failAll(new Error("math grader closed"));
    const grader = this.grader;
    this.grader = null;
    if (grader?.process.alive) await grader.process.stop(2000);
  }

  private ensureGrader(): Grader {
    if (this.grader) return this.grader;
    const worker = startWorker({ module: "distillery_worker.grade", python: this.options.python, tailChars: 2000 });
    const grader: Grader = { process: worker, channel: new JsonLines(worker.child.stdout, worker.child.stdin) };
    this.grader = grader;
    this.starts++;
    this.answeredSinceStart = 0;
    const python = worker.child.spawnfile;
    worker.child.on("error", (err) => this.onExit(grader, `cannot start ${python}: ${err.message}`));
    worker.child.on("exit", (code, signal) => this.onExit(grader, `exited with ${signal ?? `code ${code}`}`));
    worker.setRef(true);
    return grader;
  }

  private send(grader: Grader, pending: Pending): void {
    grader.channel.request(pending.request, pending.id).then(
      (reply) => this.onReply(grader, pending, reply),
      () => undefined, // this process is gone; the request was resent to the next one or failed
    );
  }

  private onReply(grader: Grader, pending: Pending, reply: Message): void {
    // The grader answers in order; a reply that overtakes the head is not trusted (it is asked
    // again of the next process if the head is killed).
    if (grader !== this.grader || this.queue[0] !== pending) return;
    this.queue.shift();
    this.answeredSinceStart++;
    this.failedStarts = 0;
    pending.resolve({
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
    // Keep Node alive only while answers are pending; an idle grader never blocks exit.
    if (!head) {
      this.grader?.process.setRef(false);
      return;
    }
    this.grader?.process.setRef(true);
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

  private onExit(grader: Grader, why: string): void {
    grader.channel.fail(new Error(why));
    if (grader !== this.grader || this.closed) return;
    if (this.answeredSinceStart === 0) this.failedStarts++;
    if (this.failedStarts >= MAX_FAILED_STARTS || why.startsWith("cannot start")) {
      const tail = grader.process.stderr.lastLines(3, " | ");
      this.grader = null;
      this.failAll(new Error(`math grader ${why}${tail ? `: ${tail}` : ""} — is the Python environment set up? (npm run setup)`));
      this.failedStarts = 0;
      return;
    }
    this.restart();
  }

  /** Replace the process and resend every request still waiting, in order. */
  private restart(): void {
    const old = this.grader;
    this.grader = null;
    if (old) {
      old.channel.fail(new Error("the grader was replaced"));
      old.process.kill("SIGKILL");
    }
    if (this.queue.length === 0) {
      this.armHeadTimer();
      return;
    }
    const grader = this.ensureGrader();
    for (const pending of this.queue) this.send(grader, pending);
    this.armHeadTimer();
  }

  private failAll(err: Error): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    for (const pending of this.queue.splice(0)) pending.reject(err);
    this.grader?.process.setRef(false);
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
