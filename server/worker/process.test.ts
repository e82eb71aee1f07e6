// The worker seam with real Python children: the lifeline outlives no parent (SIGKILL included),
// a deadline takes the child and what it forked, and stderr's tail stays bounded.
import { spawn } from "node:child_process";
import { once } from "node:events";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { describe, expect, it, onTestFinished } from "vitest";
import { workerPython, workerPythonPath } from "./interpreter";
import { startProcess, startWorker } from "./process";
import { isAlive } from "./process-tree";
import { repoPath } from "./root";

async function waitGone(pid: number): Promise<boolean> {
  for (let i = 0; i < 300 && isAlive(pid); i++) await sleep(100);
  return !isAlive(pid);
}

/** The first line `child` prints. */
async function firstLine(stdout: NodeJS.ReadableStream): Promise<string> {
  let text = "";
  for await (const chunk of stdout) {
    text += chunk.toString();
    if (text.includes("\n")) return text.split("\n")[0]!;
  }
  throw new Error(`no line before the end of output: ${text}`);
}

describe("startWorker", () => {
  it("runs a worker module with the venv's Python and the checkout's worker package first", async () => {
    expect(workerPythonPath("/elsewhere").split(path.delimiter)).toEqual([repoPath("worker"), "/elsewhere"]);
    const run = startWorker({ module: "distillery_worker.lifeline" }); // imports, then exits
    expect(await run.exited).toEqual({ code: 0, signal: null });
  });

  it("hands the child a lifeline: it exits when its node parent is SIGKILLed", async () => {
    // A node parent starts a worker that watches its stdin (DISTILLERY_LIFELINE=stdin) and sleeps;
    // then the parent is killed without any exit hook running.
    const dir = await mkdtemp(path.join(os.tmpdir(), "worker-lifeline-"));
    onTestFinished(() => rm(dir, { recursive: true, force: true }));
    const script = path.join(dir, "parent.mts");
    const waits =
      "import os, time, distillery_worker.lifeline as l; l.exit_with_parent_if_asked(); print(os.getpid(), flush=True); time.sleep(300)";
    await writeFile(
      script,
      `import { startProcess } from ${JSON.stringify(path.resolve(__dirname, "process.ts"))};
       import { workerPython, workerPythonPath } from ${JSON.stringify(path.resolve(__dirname, "interpreter.ts"))};
       const worker = startProcess({ command: workerPython(), args: ["-c", ${JSON.stringify(waits)}], env: { PYTHONPATH: workerPythonPath() } });
       worker.child.stdout.pipe(process.stdout);
       await worker.exited;`,
    );
    const parent = spawn(process.execPath, ["--import", "tsx", script], { stdio: ["ignore", "pipe", "inherit"] });
    onTestFinished(() => void parent.kill("SIGKILL"));
    const pid = Number(
      await Promise.race([
        firstLine(parent.stdout!),
        once(parent, "exit").then(([code]) => Promise.reject(new Error(`the parent exited with ${code}`))),
      ]),
    );
    await sleep(300);
    expect(isAlive(pid)).toBe(true);
    parent.kill("SIGKILL");
    expect(await waitGone(pid)).toBe(true);
  });

  it("kills the child and every process it forked when a deadline passes", async () => {
    const forks = "import subprocess, sys, time; p = subprocess.Popen(['sleep', '300']); print(p.pid, flush=True); time.sleep(300)";
    const run = startPython(forks);
    const grandchild = Number(await firstLine(run.child.stdout));
    expect(isAlive(grandchild)).toBe(true);
    const expired: string[] = [];
    run.deadline(200, "deadline: killed after 0.2 s", () => expired.push("called"));
    const exit = await run.exited;
    expect(exit.signal).toBe("SIGKILL");
    expect(expired).toEqual(["called"]);
    expect(run.stderr.value).toContain("deadline: killed after 0.2 s");
    expect(await waitGone(grandchild)).toBe(true);
  });

  it("leaves the child alone when its deadline is cancelled", async () => {
    const run = startPython("print('done', flush=True)");
    const deadline = run.deadline(50, "should not fire");
    deadline.cancel();
    await sleep(100);
    expect((await run.exited).code).toBe(0);
    expect(run.stderr.value).not.toContain("should not fire");
  });

  it("keeps only the end of a flood on stderr", async () => {
    const run = startPython("import sys; sys.stderr.write('x' * 200000 + '\\nthe last words\\n')", { tailChars: 1000 });
    expect((await run.exited).code).toBe(0);
    expect(run.stderr.value.length).toBeLessThanOrEqual(1000);
    expect(run.stderr.lastLines(1)).toBe("the last words");
  });

  it("reports a missing interpreter as a start failure", async () => {
    const run = startWorker({ module: "distillery_worker.grade", python: "/nonexistent/python" });
    await expect(run.started()).rejects.toThrow(/ENOENT/);
    expect(await run.exited).toEqual({ code: null, signal: null });
  });
});

/** `python -c code` with the worker's interpreter, started through the seam. */
function startPython(code: string, opts: { tailChars?: number } = {}) {
  return startProcess({ command: workerPython(), args: ["-c", code], env: { PYTHONPATH: workerPythonPath() }, ...opts });
}
