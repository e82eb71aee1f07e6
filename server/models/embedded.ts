// The embedded model server (worker/distillery_worker/serve) as a child of this process: started
// on first use for a given model + adapters, reused while this process lives, stopped with it.
// Runs and evaluations ask for it with the model URL "embedded".
import { spawn, type ChildProcess } from "node:child_process";
import net from "node:net";
import readline from "node:readline";
import { workerPython } from "@/server/python";
import { checkModelPath, checkModelRef, modelRootsEnv } from "./model-ref";

export const EMBEDDED = "embedded";

export type EmbeddedSpec = { model: string; adapters?: Record<string, string> };
type Running = { url: string; child: ChildProcess; models: string[] };

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
  const adapters = Object.fromEntries(Object.entries(spec.adapters ?? {}).map(([name, dir]) => [name, checkModelPath(dir, `adapter ${name}`)]));
  return { model: checkModelRef(spec.model), adapters };
}

async function start(spec: EmbeddedSpec, log?: (line: string) => void): Promise<Running> {
  const port = await freePort();
  // --exit-with-stdin: the server holds our end of its stdin and exits when it closes, so it
  // never outlives this process, however this process ends (SIGKILL included).
  const args = ["-m", "distillery_worker.serve", "--model", spec.model, "--port", String(port), "--exit-with-stdin"];
  for (const [name, path] of Object.entries(spec.adapters ?? {})) args.push("--adapter", `${name}=${path}`);
  log?.(`starting the embedded model server for ${spec.model} on 127.0.0.1:${port}`);
  const child = spawn(workerPython(), args, { stdio: ["pipe", "pipe", "pipe"], env: { ...process.env, ...modelRootsEnv() } });
  let stderrTail = "";
  child.stderr!.on("data", (chunk: Buffer) => (stderrTail = (stderrTail + chunk.toString()).slice(-4000)));
  const stop = () => child.kill("SIGTERM");
  process.once("exit", stop);
  return new Promise<Running>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`the embedded model server for ${spec.model} did not start in time`));
    }, START_TIMEOUT_MS);
    readline.createInterface({ input: child.stdout! }).on("line", (line) => {
      try {
        const event = JSON.parse(line) as { event?: string; url?: string; models?: string[] };
        if (event.event === "listening" && event.url) {
          clearTimeout(timer);
          resolve({ url: event.url, child, models: event.models ?? [] });
        }
      } catch {
        // not a JSON event line
      }
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      servers.delete(key(spec));
      process.off("exit", stop);
      reject(new Error(`the embedded model server for ${spec.model} exited (code ${code}): ${stderrTail.trim().split("\n").slice(-3).join(" | ")}`));
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
      if (!r || r.child.exitCode !== null) return;
      const gone = new Promise((resolve) => r.child.once("exit", resolve));
      r.child.kill("SIGTERM");
      await gone;
    }),
  );
}
