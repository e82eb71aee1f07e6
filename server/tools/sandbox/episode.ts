// The Python code tool, host side: one sandboxed Python process per episode (worker/
// distillery_worker/sandbox), driven over JSON lines on its stdio. Code runs with state that
// persists across the episode's actions; SAG candidates run in isolated forks and the winner's
// fork becomes the episode (never re-executed). A crashed or hostile sandbox only ends its own
// episode: every call resolves, nothing here throws on model behaviour.
import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import path from "node:path";
import { createInterface } from "node:readline";
import { workerPython } from "../../python";
import { SandboxRefused } from "./policy";

export type ActionError = { type: string; message: string; traceback: string };

/** The outcome of one action (DESIGN.md §5.1). Code failures are data, never exceptions. */
export type ActionResult = {
  ok: boolean;
  stdout: string;
  value_repr: string | null;
  /** `name = repr` of the variable a final assignment set (when the action printed nothing). */
  assigned?: string;
  final_answer?: unknown;
  error?: ActionError;
};

/** Answers a tool call made inside code, e.g. web_search("…") → ("web_search", ["…"], {}). */
export type ToolHandler = (
  name: string,
  args: unknown[],
  kwargs: Record<string, unknown>,
  candidate: number | null,
) => Promise<unknown>;

export type SandboxOptions = {
  /** Wall-clock seconds per action (default 10). */
  timeoutS?: number;
  memoryMb?: number;
  /** CPU seconds per action. */
  cpuS?: number;
  maxOutputBytes?: number;
  /** Host tools callable from code; each becomes a Python function of that name. */
  tools?: string[];
  /** Modules imported once before the worker forks (e.g. ["numpy"]), so actions start warm. */
  preload?: string[];
  onToolCall?: ToolHandler;
  /** Run even if required isolation layers are off (the user's explicit opt-out, see policy.ts). */
  allowUnsafe?: boolean;
};

export type Layers = Record<string, boolean>;

type Reply = { type: string; id?: number; result?: unknown; results?: unknown[]; error?: string };
type Pending = { resolve: (reply: Reply) => void; watchdogMs: number; timer?: NodeJS.Timeout };

/** Beyond the action timeout, how long before the host gives up on the whole sandbox. */
const HOST_GRACE_MS = 10_000;
const START_TIMEOUT_MS = 60_000;
const warned = new Set<string>();

export class SandboxError extends Error {}

export class SandboxEpisode {
  layers: Layers = {};
  notes: Record<string, string> = {};
  /** The layers without which the sandbox refuses to run code (unless opted out). */
  required: string[] = [];
  uid = -1;
  private nextId = 1;
  private pending = new Map<number, Pending>();
  private queue: Promise<unknown> = Promise.resolve();
  private handler: ToolHandler | undefined; // of the op in flight (ops are serialised)
  private stderrTail = "";
  private exited = false;

  private constructor(
    private readonly child: ChildProcessWithoutNullStreams,
    private readonly opts: SandboxOptions,
  ) {}

  /** Start a fresh episode: resolves once the sandbox reports its isolation layers. */
  static async start(opts: SandboxOptions = {}): Promise<SandboxEpisode> {
    const args = ["-m", "distillery_worker.sandbox"];
    if (opts.memoryMb) args.push("--memory-mb", String(opts.memoryMb));
    if (opts.cpuS) args.push("--cpu-s", String(opts.cpuS));
    if (opts.maxOutputBytes) args.push("--max-output", String(opts.maxOutputBytes));
    if (opts.tools?.length) args.push("--tools", opts.tools.join(","));
    if (opts.preload?.length) args.push("--preload", opts.preload.join(","));
    if (opts.allowUnsafe) args.push("--allow-unsafe");
    // Nothing of the host's environment is passed on (the launcher scrubs it again anyway),
    // except the knob with which tests simulate a kernel that refuses some layers.
    const env: Record<string, string> = { PATH: "/usr/bin:/bin", PYTHONPATH: path.join(process.cwd(), "worker") };
    const simulate = process.env.DISTILLERY_SANDBOX_SIMULATE_MISSING;
    if (simulate) env.DISTILLERY_SANDBOX_SIMULATE_MISSING = simulate;
    const child = spawn(workerPython(), args, { env: env as unknown as NodeJS.ProcessEnv });
    const episode = new SandboxEpisode(child, opts);
    await episode.attach();
    return episode;
  }

  get alive(): boolean {
    return !this.exited;
  }

  /** Layers that are off (empty when fully isolated). */
  get layersOff(): string[] {
    return Object.entries(this.layers)
      .filter(([, on]) => !on)
      .map(([name]) => name);
  }

  private attach(): Promise<void> {
    return new Promise((resolve, reject) => {
      const startTimer = setTimeout(() => {
        this.child.kill("SIGKILL");
        reject(new SandboxError(`sandbox did not start within ${START_TIMEOUT_MS / 1000} s`));
      }, START_TIMEOUT_MS);
      this.child.stderr.on("data", (chunk: Buffer) => {
        this.stderrTail = (this.stderrTail + chunk.toString()).slice(-4000);
      });
      this.child.stdin.on("error", () => undefined); // EPIPE after a crash: reported via "exit"
      this.child.on("error", (err) => {
        clearTimeout(startTimer);
        reject(new SandboxError(`cannot start the Python sandbox (${workerPython()}): ${err.message}`));
      });
      this.child.on("exit", (code, signal) => {
        clearTimeout(startTimer);
        this.exited = true;
        const why = `sandbox exited (${signal ?? `code ${code}`})${this.stderrTail ? `: ${this.stderrTail.trim().slice(-500)}` : ""}`;
        reject(new SandboxError(why));
        for (const [id, p] of this.pending) {
          clearTimeout(p.timer);
          p.resolve({ type: "result", id, error: why });
        }
        this.pending.clear();
      });
      const lines = createInterface({ input: this.child.stdout, crlfDelay: Infinity });
      lines.on("line", (line) => {
        let msg: Reply & Record<string, unknown>;
        try {
          msg = JSON.parse(line);
        } catch {
          return; // the supervisor only writes JSON; anything else is ignored
        }
        if (msg.type === "refused") {
          clearTimeout(startTimer);
          const missing = Array.isArray(msg.missing) ? msg.missing.map(String) : [];
          reject(new SandboxRefused(missing, (msg.notes as Record<string, string>) ?? {}));
          this.child.kill("SIGKILL");
        } else if (msg.type === "ready") {
          clearTimeout(startTimer);
          this.layers = (msg.layers as Layers) ?? {};
          this.notes = (msg.notes as Record<string, string>) ?? {};
          this.required = Array.isArray(msg.required) ? msg.required.map(String) : [];
          this.uid = Number(msg.uid);
          this.warnIfWeak();
          resolve();
        } else if (msg.type === "tool_call") {
          void this.answerToolCall(msg);
        } else if (msg.type === "result" && typeof msg.id === "number") {
          const p = this.pending.get(msg.id);
          if (!p) return;
          clearTimeout(p.timer);
          this.pending.delete(msg.id);
          p.resolve(msg);
        }
      });
    });
  }

  private warnIfWeak(): void {
    const off = this.layersOff;
    const key = off.join(",");
    if (off.length && !warned.has(key)) {
      warned.add(key);
      console.warn(`distillery sandbox: WARNING isolation layers OFF: ${off.map((n) => `${n} (${this.notes[n] ?? "unavailable"})`).join(", ")}`);
    }
  }

  private armWatchdog(id: number): void {
    const p = this.pending.get(id);
    if (!p) return;
    clearTimeout(p.timer);
    p.timer = setTimeout(() => {
      // The supervisor enforces timeouts itself; reaching this means it stopped answering.
      this.stderrTail += "\nhost watchdog: the sandbox stopped answering and was killed";
      this.child.kill("SIGKILL");
    }, p.watchdogMs);
  }

  private async answerToolCall(msg: Record<string, unknown>): Promise<void> {
    const id = Number(msg.id);
    const p = this.pending.get(id);
    if (p) clearTimeout(p.timer); // host time spent on tools doesn't count against the action
    const candidate = typeof msg.candidate === "number" ? msg.candidate : null;
    const reply: Record<string, unknown> = { op: "tool_result", id, candidate, call: msg.call };
    try {
      if (!this.handler) throw new Error(`no handler for tool ${String(msg.name)}`);
      const args = Array.isArray(msg.args) ? msg.args : [];
      const kwargs = (msg.kwargs ?? {}) as Record<string, unknown>;
      reply.value = await this.handler(String(msg.name), args, kwargs, candidate);
      reply.ok = true;
    } catch (err) {
      reply.ok = false;
      reply.error = (err as Error).message;
    }
    this.write(reply);
    this.armWatchdog(id);
  }

  private write(msg: Record<string, unknown>): void {
    if (!this.exited) this.child.stdin.write(JSON.stringify(msg) + "\n");
  }

  /** Send one op and wait for its reply; ops are serialised (one in flight per episode). */
  private request(op: Record<string, unknown>, timeoutS: number, handler?: ToolHandler): Promise<Reply> {
    const run = () =>
      new Promise<Reply>((resolve) => {
        if (this.exited) return resolve({ type: "result", error: "the episode is closed" });
        this.handler = handler ?? this.opts.onToolCall;
        const id = this.nextId++;
        this.pending.set(id, { resolve, watchdogMs: timeoutS * 1000 + HOST_GRACE_MS });
        this.armWatchdog(id);
        this.write({ ...op, id });
      });
    const next = this.queue.then(run, run);
    this.queue = next;
    return next;
  }

  /** Run code as the episode's next action. */
  async exec(code: string, opts: { timeoutS?: number; onToolCall?: ToolHandler } = {}): Promise<ActionResult> {
    const timeoutS = opts.timeoutS ?? this.opts.timeoutS ?? 10;
    const reply = await this.request({ op: "exec", code, timeout: timeoutS }, timeoutS, opts.onToolCall);
    return reply.error ? sandboxFailure(reply.error) : (reply.result as ActionResult);
  }

  /** Run each code in its own fork of the current state; the episode's own state is untouched. */
  async forkCandidates(
    codes: string[],
    opts: { timeoutS?: number; onToolCall?: ToolHandler } = {},
  ): Promise<ActionResult[]> {
    const timeoutS = opts.timeoutS ?? this.opts.timeoutS ?? 10;
    const reply = await this.request({ op: "fork", codes, timeout: timeoutS }, timeoutS + 10, opts.onToolCall);
    if (reply.error) return codes.map(() => sandboxFailure(reply.error!));
    return reply.results as ActionResult[];
  }

  /** Make candidate `index`'s fork the episode (null: drop all candidates, keep the old state). */
  async keepCandidate(index: number | null): Promise<void> {
    const reply = await this.request({ op: "keep", index }, 10);
    if (reply.error) throw new SandboxError(`keepCandidate(${index}): ${reply.error}`);
  }

  /** End the episode: the sandbox's PID 1 exits and the kernel kills every process in it. */
  async close(): Promise<void> {
    if (this.exited) return;
    const gone = new Promise<void>((resolve) => this.child.once("exit", () => resolve()));
    this.write({ op: "close" });
    this.child.stdin.end();
    const timer = setTimeout(() => this.child.kill("SIGKILL"), 3000);
    await gone;
    clearTimeout(timer);
  }
}

function sandboxFailure(message: string): ActionResult {
  return { ok: false, stdout: "", value_repr: null, error: { type: "SandboxError", message, traceback: "" } };
}

/**
 * Start a throwaway episode just to read which isolation layers the kernel allows. Rejects with
 * SandboxRefused when a required layer is missing, unless `allowUnsafe`.
 */
export async function checkSandbox(
  opts: { allowUnsafe?: boolean } = {},
): Promise<{ layers: Layers; notes: Record<string, string>; required: string[]; uid: number; layersOff: string[] }> {
  const episode = await SandboxEpisode.start({ allowUnsafe: opts.allowUnsafe });
  try {
    const { layers, notes, required, uid, layersOff } = episode;
    return { layers, notes, required, uid, layersOff };
  } finally {
    await episode.close();
  }
}
