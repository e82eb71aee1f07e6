// A throwaway single-node Ray head for tests: `ray start --head --block` from the worker venv,
// loopback only, on free ports, in a short temp dir; stop() kills exactly the processes it
// started (never `ray stop`, which would kill every Ray process on the machine).
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import net from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import { killSessionTree } from "@/server/worker/process-tree";
import { repoPath } from "@/server/worker/root";

export type RayHead = {
  /** The dashboard (Jobs API) address, http://127.0.0.1:PORT. */
  address: string;
  stop(): Promise<void>;
};

/** The `ray` CLI of the project venv; absent when setup has not run. */
export function rayBinary(): string {
  return repoPath(".venv", "bin", "ray");
}

export const hasRay = (): boolean => existsSync(rayBinary());

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

export async function startRayHead(options: { timeoutMs?: number } = {}): Promise<RayHead> {
  const timeoutMs = options.timeoutMs ?? 90_000;
  // Ray's unix socket paths live under the temp dir and must stay short (108-byte limit).
  const tempDir = await mkdtemp("/tmp/ray-");
  const [gcs, dashboard, client, agent] = [await freePort(), await freePort(), await freePort(), await freePort()];
  const args = [
    "start",
    "--head",
    "--block",
    "--disable-usage-stats",
    "--include-dashboard=true",
    "--node-ip-address=127.0.0.1",
    "--dashboard-host=127.0.0.1",
    `--temp-dir=${tempDir}`,
    `--port=${gcs}`,
    `--dashboard-port=${dashboard}`,
    `--ray-client-server-port=${client}`,
    `--dashboard-agent-listen-port=${agent}`,
    "--min-worker-port=0",
    "--max-worker-port=0",
    "--num-cpus=1",
    "--num-gpus=0",
    `--object-store-memory=${100 * 1024 * 1024}`,
  ];
  const child = spawn(rayBinary(), args, {
    detached: true, // its own session: stop() kills that session's tree
    stdio: ["ignore", "pipe", "pipe"],
    env: {
      ...process.env,
      RAY_USAGE_STATS_ENABLED: "0",
      // Single-node mode: Ray then keeps 127.0.0.1 as the node address instead of replacing it
      // with the machine's outward IP, so nothing listens beyond loopback.
      RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER: "0",
    },
  });
  const sid = child.pid!;
  let output = "";
  child.stdout!.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on("data", (chunk: Buffer) => (output += chunk.toString()));
  let exited = false;
  child.once("exit", () => (exited = true));
  const killAll = () => killSessionTree(sid);
  process.once("exit", killAll); // a test run that dies early still leaves nothing behind

  const stop = async () => {
    process.removeListener("exit", killAll);
    for (let i = 0; i < 20 && killAll() > 0; i++) await sleep(100);
    await rm(tempDir, { recursive: true, force: true });
  };
  const address = `http://127.0.0.1:${dashboard}`;
  const deadline = Date.now() + timeoutMs;
  try {
    while (!(output.includes("Ray runtime started") && (await answers(`${address}/api/jobs/`)))) {
      if (exited) throw new Error(`ray start exited early:\n${output.slice(-3000)}`);
      if (Date.now() > deadline) throw new Error(`ray start not ready after ${timeoutMs / 1000} s:\n${output.slice(-3000)}`);
      await sleep(250);
    }
  } catch (err) {
    await stop();
    throw err;
  }
  return { address, stop };
}

async function answers(url: string): Promise<boolean> {
  try {
    return (await fetch(url, { signal: AbortSignal.timeout(5_000) })).ok;
  } catch {
    return false;
  }
}
