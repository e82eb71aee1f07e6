// The Python code tool, host side: one sandboxed Python process per episode (worker/
// distillery_worker/sandbox), driven over JSON lines on its stdio. Code runs with state that
// persists across the episode's actions; SAG candidates run in isolated forks and the winner's
// fork becomes the episode (never re-executed). A crashed or hostile sandbox only ends its own
// episode: every call resolves, nothing here throws on model behaviour.
import { workerPython } from "@/server/worker/interpreter";
import { JsonLines } from "@/server/worker/json-lines";
import { startWorker, type Deadline, type WorkerProcess } from "@/server/worker/process";
import { SandboxRefused } from "./policy";
import type { ActionResult, HostOp, ResultMessage, SandboxMessage, ToolCallMessage } from "@/server/contracts/sandbox-protocol";

// The messages both ways are the sandbox protocol's contract (server/contracts/sandbox-protocol.ts).
export type { ActionError, ActionResult } from "@/server/contracts/sandbox-protocol";

/** Answers a tool call made inside code, e.g. web_search("…") → ("web_search", ["…"], {}). */
export type ToolHandler = (name: string, args: unknown[], kwargs: Record<string, unknown>, candidate: number | null) => Promise<unknown>;

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

/** A result message, or the host's own stand-in for one when the sandbox is gone. */
type Reply = Omit<ResultMessage, "id"> & { id?: number | null };
type ToolResultOp = Extract<HostOp, { op: "tool_result" }>;
/** An op that is answered by a result; `request` adds its id. */
type Request = { [K in "exec" | "fork" | "keep"]: Omit<Extract<HostOp, { op: K }>, "id"> }["exec" | "fork" | "keep"];
/** The op waiting for its result (ops are serialised), and the host's watchdog on it. */
type InFlight = { id: number; watchdogMs: number; watchdog?: Deadline };

/** Beyond the action timeout, how long before the host gives up on the whole sandbox. */
const HOST_GRACE_MS = 10_000;
const START_TIMEOUT_MS = 60_000;
const warned = new Set<string>();

export class SandboxError extends Error {}

export class SandboxSession {
  layers: Layers = {};
  notes: Record<string, string> = {};
  /** The layers without which the sandbox refuses to run code (unless opted out). */
  required: string[] = [];
  uid = -1;
  private nextId = 1;
  private inFlight: InFlight | null = null;
  private readonly channel: JsonLines;
  /** What the sandbox says that answers no request: its start-up report and tool calls. */
  private onMessage: (msg: SandboxMessage) => void = () => undefined;
  private queue: Promise<unknown> = Promise.resolve();
  private handler: ToolHandler | undefined; // of the op in flight (ops are serialised)
  private exited = false;

  private constructor(
    private readonly worker: WorkerProcess,
    private readonly opts: SandboxOptions,
  ) {
    // Only results answer requests: a tool call carries the id of the op it is made from.
    this.channel = new JsonLines(worker.child.stdout, worker.child.stdin, {
      isReply: (message) => message.type === "result",
      onMessage: (message) => this.onMessage(message as SandboxMessage),
    });
  }

  /** Start a fresh episode: resolves once the sandbox reports its isolation layers. */
  static async start(opts: SandboxOptions = {}): Promise<SandboxSession> {
    const args: string[] = [];
    if (opts.memoryMb) args.push("--memory-mb", String(opts.memoryMb));
    if (opts.cpuS) args.push("--cpu-s", String(opts.cpuS));
    if (opts.maxOutputBytes) args.push("--max-output", String(opts.maxOutputBytes));
    if (opts.tools?.length) args.push("--tools", opts.tools.join(","));
    if (opts.preload?.length) args.push("--preload", opts.preload.join(","));
    if (opts.allowUnsafe) args.push("--allow-unsafe");
    // Nothing of the host's environment is passed on (the launcher scrubs it again anyway) but
    // the worker's PYTHONPATH and the knob with which tests simulate a kernel that refuses some
    // layers. Its stdin carries the protocol, so its end-of-file is also the lifeline.
    const env: Record<string, string> = { PATH: "/usr/bin:/bin" };
    const simulate = process.env.DISTILLERY_SANDBOX_SIMULATE_MISSING;
    if (simulate) env.DISTILLERY_SANDBOX_SIMULATE_MISSING = simulate;
    const worker = startWorker({ module: "distillery_worker.sandbox", args, env, cleanEnv: true, lifeline: false });
    const episode = new SandboxSession(worker, opts);
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
      const startup = this.worker.deadline(START_TIMEOUT_MS, "the sandbox did not start in time", () =>
        reject(new SandboxError(`sandbox did not start within ${START_TIMEOUT_MS / 1000} s`)),
      );
      this.worker.child.on("error", (err) => {
        startup.cancel();
        reject(new SandboxError(`cannot start the Python sandbox (${workerPython()}): ${err.message}`));
      });
      this.worker.child.on("exit", (code, signal) => {
        startup.cancel();
        this.exited = true;
        this.inFlight?.watchdog?.cancel();
        const tail = this.worker.stderr.value;
        const why = `sandbox exited (${signal ?? `code ${code}`})${tail ? `: ${tail.trim().slice(-500)}` : ""}`;
        reject(new SandboxError(why));
        this.channel.fail(new SandboxError(why)); // the op in flight resolves with this error
      });
      // As the protocol says, still checked field by field; lines that are not JSON are ignored.
      this.onMessage = (msg) => {
        if (msg.type === "refused") {
          startup.cancel();
          const missing = Array.isArray(msg.missing) ? msg.missing.map(String) : [];
          reject(new SandboxRefused(missing, (msg.notes as Record<string, string>) ?? {}));
          this.worker.kill("SIGKILL");
        } else if (msg.type === "ready") {
          startup.cancel();
          this.layers = (msg.layers as Layers) ?? {};
          this.notes = (msg.notes as Record<string, string>) ?? {};
          this.required = Array.isArray(msg.required) ? msg.required.map(String) : [];
          this.uid = Number(msg.uid);
          this.warnIfWeak();
          resolve();
        } else if (msg.type === "tool_call") {
          void this.answerToolCall(msg);
        } // a result nobody waits for any more is dropped
      };
    });
  }

  private warnIfWeak(): void {
    const off = this.layersOff;
    const key = off.join(",");
    if (off.length && !warned.has(key)) {
      warned.add(key);
      console.warn(
        `distillery sandbox: WARNING isolation layers OFF: ${off.map((n) => `${n} (${this.notes[n] ?? "unavailable"})`).join(", ")}`,
      );
    }
  }

  private armWatchdog(id: number): void {
    const flight = this.inFlight;
    if (flight?.id !== id) return;
    flight.watchdog?.cancel();
    // The supervisor enforces timeouts itself; reaching this means it stopped answering.
    flight.watchdog = this.worker.deadline(flight.watchdogMs, "host watchdog: the sandbox stopped answering and was killed");
  }

  private async answerToolCall(msg: ToolCallMessage): Promise<void> {
    const id = Number(msg.id);
    if (this.inFlight?.id === id) this.inFlight.watchdog?.cancel(); // host time spent on tools doesn't count against the action
    const candidate = typeof msg.candidate === "number" ? msg.candidate : null;
    const reply: ToolResultOp = { op: "tool_result", id, candidate, call: msg.call, ok: false };
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

  private write(msg: HostOp): void {
    if (!this.exited) this.channel.send(msg);
  }

  /** Send one op and wait for its reply; ops are serialised (one in flight per episode). */
  private request(op: Request, timeoutS: number, handler?: ToolHandler): Promise<Reply> {
    const run = async (): Promise<Reply> => {
      if (this.exited) return { type: "result", error: "the episode is closed" };
      this.handler = handler ?? this.opts.onToolCall;
      const id = this.nextId++;
      const flight: InFlight = { id, watchdogMs: timeoutS * 1000 + HOST_GRACE_MS };
      this.inFlight = flight;
      this.armWatchdog(id);
      try {
        return (await this.channel.request(op, id)) as Reply;
      } catch (err) {
        return { type: "result", id, error: (err as Error).message }; // the sandbox is gone
      } finally {
        flight.watchdog?.cancel();
        this.inFlight = null;
      }
    };
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
  async forkCandidates(codes: string[], opts: { timeoutS?: number; onToolCall?: ToolHandler } = {}): Promise<ActionResult[]> {
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
    this.write({ op: "close" });
    await this.worker.stop(3000);
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
  const episode = await SandboxSession.start({ allowUnsafe: opts.allowUnsafe });
  try {
    const { layers, notes, required, uid, layersOff } = episode;
    return { layers, notes, required, uid, layersOff };
  } finally {
    await episode.close();
  }
}
