// The embedded model server (worker/distillery_worker/serve) as a child of this process: started
// on first use for a given model + adapters, reused while this process lives, stopped with it.
// Runs and evaluations ask for it with the model URL "embedded".
import net from "node:net";
import { startWorker, type WorkerProcess } from "@/server/worker/process";
import { checkModelPath, checkModelRef, modelRootsEnv } from "./model-ref";

export const EMBEDDED = "embedded";

export type EmbeddedSpec = { model: string; adapters?: Record<string, string> };
type Running = { url: string; server: WorkerProcess; models: string[] };

const servers = new Map<string, Promise<Running>>();
const START_TIMEOUT_MS = 15 * 60_000; // a first start may dequantise a GGUF on a busy CPU

function key(spec: EmbeddedSpec): string {
  return JSON.stringify([spec.model, Object.entries(spec.adapters ?? {}).sort()]);
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

/** The OpenAI-compatible base URL of an embedded server for `spec`, starting one if needed. */
export function embeddedServerUrl(requested: EmbeddedSpec, log?: (line: string) => void): Promise<string> {
  let spec: EmbeddedSpec;
  try {
    spec = loadableSpec(requested);
  } catch (err) {
    return Promise.reject(err);
  }
  const k = key(spec);
  let running = servers.get(k);
  if (!running) {
    running = start(spec, log);
    servers.set(k, running);
    running.catch(() => servers.delete(k));
  }
  return running.then((r) => r.url);
}

/** The spec with its model and adapter paths checked: only the model cache and trained students load. */
function loadableSpec(spec: EmbeddedSpec): EmbeddedSpec {
  const adapters = Object.fromEntries(
    Object.entries(spec.adapters ?? {}).map(([name, dir]) => [name, checkModelPath(dir, `adapter ${name}`)]),
  );
  return { model: checkModelRef(spec.model), adapters };
}

async function start(spec: EmbeddedSpec, log?: (line: string) => void): Promise<Running> {
  const port = await freePort();
  // --exit-with-stdin: the server watches its lifeline, so it never outlives this process,
  // however this process ends (SIGKILL included); a normal exit also sends it SIGTERM.
  const args = ["--model", spec.model, "--port", String(port), "--exit-with-stdin"];
  for (const [name, path] of Object.entries(spec.adapters ?? {})) args.push("--adapter", `${name}=${path}`);
  log?.(`starting the embedded model server for ${spec.model} on 127.0.0.1:${port}`);
  const server = startWorker({ module: "distillery_worker.serve", args, env: modelRootsEnv(), exitSignal: "SIGTERM" });
  return new Promise<Running>((resolve, reject) => {
    const deadline = server.deadline(START_TIMEOUT_MS, "did not start in time", () =>
      reject(new Error(`the embedded model server for ${spec.model} did not start in time`)),
    );
    server.onStdoutLine((line) => {
      try {
        const event = JSON.parse(line) as { event?: string; url?: string; models?: string[] };
        if (event.event === "listening" && event.url) {
          deadline.cancel();
          resolve({ url: event.url, server, models: event.models ?? [] });
        }
      } catch {
        // not a JSON event line
      }
    });
    void server.exited.then(({ code }) => {
      deadline.cancel();
      servers.delete(key(spec));
      reject(new Error(`the embedded model server for ${spec.model} exited (code ${code}): ${server.stderr.lastLines(3, " | ")}`));
    });
  });
}

/** Stop every embedded server this process started. */
export async function stopEmbeddedServers(): Promise<void> {
  const all = [...servers.values()];
  servers.clear();
  await Promise.all(
    all.map(async (p) => {
      const r = await p.catch(() => null);
      if (!r || !r.server.alive) return;
      r.server.kill("SIGTERM");
      await r.server.exited;
    }),
  );
}
