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

/**
 * A data dir holding dataset `ds` frozen from run `t`: `limit` gsm_hard questions answered through
 * the real CLI by a scripted stub model (a test double on loopback) that computes 6 * 7 and answers.
 */
export async function seedStubDataset(dataDir: string, opts: { limit: number; datasetFlags?: string[] }): Promise<void> {
  const { startStubLlm } = await import("./stub-llm");
  const stub = await startStubLlm("Thought: compute\n```py\nprint(6 * 7)\nfinal_answer(42)\n```");
  try {
    const steps = [
      ["import-benchmarks"],
      ["generate", "--benchmark", "gsm_hard", "--limit", String(opts.limit), "--model-url", stub.url, "--model", "m", "--run", "t"],
      ["dataset", "create", "ds", "--run", "t", ...(opts.datasetFlags ?? [])],
    ];
    for (const args of steps) {
      const result = await runCli(dataDir, args);
      if (result.status !== 0) throw new Error(`distillery ${args.join(" ")}: exit ${result.status}\n${result.stderr}`);
    }
  } finally {
    await stub.close();
  }
}
