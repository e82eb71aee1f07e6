// The embedded model server (worker/distillery_worker/serve) as a child of this process: started
// on first use for a given model + adapters and shared through leases (a run holds one while it
// runs). A server nobody holds stops after DISTILLERY_MODEL_IDLE_S seconds, and at most
// DISTILLERY_MAX_RESIDENT_MODELS stay up (server-pool.ts); all stop with this process.
// Runs and evaluations ask for it with the model URL "embedded".
import { existsSync } from "node:fs";
import net from "node:net";
import path from "node:path";
import type { Env } from "@/server/runtime/mode";
import { wholeNumberSetting } from "@/server/runtime/settings";
import { startWorker } from "@/server/worker/process";
import { checkModelPath, checkModelRef, modelRootsEnv } from "./model-ref";
import type { Served } from "./served";
import { createServerPool, type Lease, type Log, type PooledServer, type ServerPool } from "./server-pool";

export const EMBEDDED = "embedded";

/** A model to serve: `name` is what it is served as (default: its id), `adapters` LoRA directories by name. */
export type EmbeddedSpec = { model: string; name?: string; adapters?: Record<string, string> };
export type { Lease } from "./server-pool";

type ServableStudent = { name: string; baseModel: string; adapterPath: string | null; modelPath: string | null };

/**
 * How a trained student is served: its own weights (`merged/`: the adapter folded into the base, or
 * a full fine-tune) under the student's own name, since vLLM on a CPU serves an adapter by name 15×
 * slower (worker/README.md); a student trained before merging existed, as its base plus its adapter.
 * Null for a student with neither recorded (one served at its own endpoint): nothing of it to serve.
 */
export function studentSpec(student: ServableStudent): EmbeddedSpec | null {
  // Students trained before model_path was recorded keep merged/ beside adapter/.
  const merged = student.modelPath ?? (student.adapterPath && path.join(path.dirname(student.adapterPath), "merged"));
  if (merged && existsSync(path.join(merged, "config.json"))) return { model: merged, name: student.name };
  if (!student.adapterPath) return null;
  return { model: student.baseModel, adapters: { [student.name]: student.adapterPath } };
}

const START_TIMEOUT_MS = 15 * 60_000; // vLLM compiles its graphs at every start: minutes on a busy CPU
const STOP_GRACE_MS = 30_000; // after SIGTERM, before SIGKILL

export const DEFAULT_MODEL_IDLE_S = 600;
export const DEFAULT_MAX_RESIDENT_MODELS = 2;

export type EmbeddedServerPolicy = { idleMs: number; maxResident: number };

/** How long an unused embedded server stays up and how many may (DISTILLERY_MODEL_IDLE_S, DISTILLERY_MAX_RESIDENT_MODELS). */
export function embeddedServerPolicy(env: Env = process.env): EmbeddedServerPolicy {
  const idleS = wholeNumberSetting(env, "DISTILLERY_MODEL_IDLE_S", DEFAULT_MODEL_IDLE_S, 0, 7 * 24 * 3600);
  const maxResident = wholeNumberSetting(env, "DISTILLERY_MAX_RESIDENT_MODELS", DEFAULT_MAX_RESIDENT_MODELS, 1, 64);
  return { idleMs: idleS * 1000, maxResident };
}

function key(spec: EmbeddedSpec): string {
  return JSON.stringify([spec.model, spec.name ?? null, Object.entries(spec.adapters ?? {}).sort()]);
}

let pool: ServerPool<EmbeddedSpec> | null = null;

function embeddedPool(): ServerPool<EmbeddedSpec> {
  return (pool ??= createServerPool({
    start,
    key,
    describe: (spec) => `the embedded model server for ${spec.model}`,
    ...embeddedServerPolicy(),
    log: (line) => console.error(`[distillery] ${line}`),
  }));
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/**
 * A lease on an embedded server for `spec` (its OpenAI-compatible base URL), starting one if needed.
 * Release it when no more requests will be sent; until then the server is never stopped for idleness.
 */
export async function acquireEmbeddedServer(requested: EmbeddedSpec, log?: Log): Promise<Lease> {
  const spec = loadableSpec(requested);
  return embeddedPool().acquire(spec, log);
}

/** The spec with its model and adapter paths checked: only the model cache and trained students load. */
function loadableSpec(spec: EmbeddedSpec): EmbeddedSpec {
  const adapters = Object.fromEntries(
    Object.entries(spec.adapters ?? {}).map(([name, dir]) => [name, checkModelPath(dir, `adapter ${name}`)]),
  );
  return { ...spec, model: checkModelRef(spec.model), adapters };
}

async function start(spec: EmbeddedSpec, log?: Log): Promise<PooledServer> {
  const port = await freePort();
  // --exit-with-stdin: the server watches its lifeline, so it never outlives this process,
  // however this process ends (SIGKILL included); a normal exit also sends it SIGTERM.
  const args = ["--model", spec.model, "--port", String(port), "--exit-with-stdin"];
  if (spec.name) args.push("--name", spec.name);
  for (const [name, path] of Object.entries(spec.adapters ?? {})) args.push("--adapter", `${name}=${path}`);
  log?.(`starting the embedded model server for ${spec.model} on 127.0.0.1:${port}`);
  const server = startWorker({ module: "distillery_worker.serve", args, env: modelRootsEnv(), exitSignal: "SIGTERM" });
  return new Promise<PooledServer>((resolve, reject) => {
    const deadline = server.deadline(START_TIMEOUT_MS, "did not start in time", () =>
      reject(new Error(`the embedded model server for ${spec.model} did not start in time`)),
    );
    server.onStdoutLine((line) => {
      try {
        const event = JSON.parse(line) as { event?: string; url?: string } & Partial<Served>;
        if (event.event === "listening" && event.url) {
          deadline.cancel();
          const stop = async () => {
            await server.terminate("SIGTERM", STOP_GRACE_MS);
          };
          resolve({ url: event.url, served: servedFrom(event), exited: server.exited, stop });
        }
      } catch {
        // not a JSON event line
      }
    });
    void server.exited.then(({ code }) => {
      deadline.cancel();
      reject(new Error(`the embedded model server for ${spec.model} exited (code ${code}): ${server.stderr.lastLines(3, " | ")}`));
    });
  });
}

/** The engine, device and dtype a listening event names, when it names all three as strings. */
export function servedFrom(event: Partial<Record<keyof Served, unknown>>): Served | undefined {
  const { engine, device, dtype } = event;
  if (typeof engine !== "string" || typeof device !== "string" || typeof dtype !== "string") return undefined;
  return { engine, device, dtype };
}

/** Stop every embedded server this process started (shutdown, tests). */
export async function stopEmbeddedServers(): Promise<void> {
  await pool?.stopAll();
}
