// Runs the real CLI (`node bin/distillery.mjs …`) as a child process on a given data dir.
// Asynchronous on purpose: a scripted stub model started by the same test answers from this
// process, so blocking on the child would deadlock it.
import { spawn } from "node:child_process";

export type CliResult = { status: number | null; stdout: string; stderr: string };

export function runCli(dataDir: string, args: string[], timeoutMs = 600_000): Promise<CliResult> {
  return new Promise((resolve) => {
    const child = spawn("node", ["bin/distillery.mjs", ...args], {
      env: { ...process.env, DISTILLERY_DATA_DIR: dataDir, DATABASE_URL: "" },
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.on("close", (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr });
    });
  });
}
