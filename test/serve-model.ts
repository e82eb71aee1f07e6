// `distillery serve-model …` as a child of a test: the real CLI starting the real model server,
// resolved once it announces itself. The caller stops the child.
import { spawn, type ChildProcess } from "node:child_process";
import net from "node:net";
import readline from "node:readline";
import { repoPath } from "@/server/worker/root";

export type Listening = { url: string; models: string[] };

export function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = net.createServer().listen(0, "127.0.0.1", () => {
      const port = (server.address() as net.AddressInfo).port;
      server.close(() => resolve(port));
    });
  });
}

/** `serve-model --json` with `args`; `env` is added to this process's environment. */
export async function startServeModel(
  args: string[],
  env: Record<string, string> = {},
): Promise<{ child: ChildProcess; listening: Listening }> {
  const cli = repoPath("bin", "distillery.mjs");
  const child = spawn(process.execPath, [cli, "serve-model", ...args, "--json"], {
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, ...env },
  });
  let stderr = "";
  child.stderr!.on("data", (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));
  const listening = await new Promise<Listening>((resolve, reject) => {
    readline.createInterface({ input: child.stdout! }).on("line", (line) => {
      if (line.includes('"listening"')) resolve(JSON.parse(line) as Listening);
    });
    child.on("exit", (code) => reject(new Error(`serve-model exited with ${code}: ${stderr}`)));
  });
  return { child, listening };
}
