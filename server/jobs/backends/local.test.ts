// The local backend against real child processes (sh, node): lines, exit codes, stop, cleanup,
// and the lifeline that outlives a SIGKILL of the process running the backend.
import { spawn } from "node:child_process";
import { once } from "node:events";
import { readFileSync } from "node:fs";
import { mkdtemp, realpath, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, describe, expect, it, onTestFinished } from "vitest";
import { LocalBackend } from "./local";
import { JobBackendError } from "./types";

/** Running, not a zombie waiting for a (container) init to reap it. */
const alive = (pid: number) => {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3) !== "Z";
  } catch {
    return false;
  }
};

/** Follow a job, returning its lines and final state. */
async function run(backend: LocalBackend, entrypoint: string[], options: { cwd?: string; env?: Record<string, string> } = {}) {
  const handle = await backend.submit({ entrypoint, ...options });
  const lines: string[] = [];
  const state = await backend.follow(handle, (line) => lines.push(line));
  return { handle, lines, state };
}

describe("local job backend", () => {
  const backend = new LocalBackend({ stopGraceMs: 500 });
  afterAll(() => backend.stopAll());

  it("streams stdout and stderr lines in order and ends succeeded", async () => {
    const script = `for (let i = 0; i < 3; i++) console.log(JSON.stringify({ event: "step", step: i }));
      console.error("a warning"); process.stdout.write('{"event":"done","adapter":"out"}')`;
    const { handle, lines, state } = await run(backend, [process.execPath, "-e", script]);
    expect(state).toEqual({ status: "succeeded", exitCode: 0 });
    const events = lines.filter((l) => l.startsWith("{")).map((l) => JSON.parse(l));
    expect(events).toEqual([
      { event: "step", step: 0 },
      { event: "step", step: 1 },
      { event: "step", step: 2 },
      { event: "done", adapter: "out" }, // a last line without a newline still arrives
    ]);
    expect(lines).toContain("a warning");
    // A late follower gets the whole output again; logs() has it as text.
    const replay: string[] = [];
    expect((await backend.follow(handle, (l) => replay.push(l))).status).toBe("succeeded");
    expect(replay).toEqual(lines);
    expect(await backend.logs(handle)).toContain('{"event":"step","step":2}\n');
  });

  it("runs in the given cwd with the given env added", async () => {
    const dir = await realpath(await mkdtemp(path.join(os.tmpdir(), "job-cwd-")));
    onTestFinished(() => rm(dir, { recursive: true, force: true }));
    const { lines } = await run(backend, ["sh", "-c", 'pwd; echo "$JOB_VAR $PYTHONUNBUFFERED"; echo "$HOME"'], {
      cwd: dir,
      env: { JOB_VAR: "hello" },
    });
    expect(lines).toEqual([dir, "hello 1", process.env.HOME ?? ""]);
  });

  it("reports a non-zero exit as failed, with the code and the log tail", async () => {
    const { state } = await run(backend, ["sh", "-c", "echo working; echo 'Traceback: boom' >&2; exit 3"]);
    expect(state.status).toBe("failed");
    expect(state.exitCode).toBe(3);
    expect(state.message).toMatch(/exit code 3/);
    expect(state.message).toMatch(/Traceback: boom/);
  });

  it("stop kills the whole process group and ends stopped", async () => {
    const handle = await backend.submit({ entrypoint: ["sh", "-c", "sleep 300 & echo $!; wait"] });
    const lines: string[] = [];
    const following = backend.follow(handle, (l) => lines.push(l));
    while (lines.length === 0) await sleep(20);
    const grandchild = Number(lines[0]);
    expect(alive(grandchild)).toBe(true);
    expect(await backend.status(handle)).toEqual({ status: "running" });
    const state = await backend.stop(handle);
    expect(state.status).toBe("stopped");
    expect(await following).toEqual(state);
    await sleep(50);
    expect(alive(grandchild)).toBe(false);
    expect(await backend.stop(handle)).toEqual(state); // stopping again is harmless
  });

  it("escalates to SIGKILL when the job ignores SIGTERM", async () => {
    const handle = await backend.submit({ entrypoint: ["sh", "-c", "trap '' TERM; echo ready; sleep 300"] });
    const lines: string[] = [];
    void backend.follow(handle, (l) => lines.push(l));
    while (lines.length === 0) await sleep(20);
    expect((await backend.stop(handle)).status).toBe("stopped");
  });

  it("leaves nothing of a job's process group behind when its leader exits", async () => {
    const { lines, state } = await run(backend, ["sh", "-c", "sleep 300 & echo $!"]);
    expect(state.status).toBe("succeeded");
    await sleep(50);
    expect(alive(Number(lines[0]))).toBe(false);
  });

  it("fails fast on a missing program or working directory", async () => {
    await expect(backend.submit({ entrypoint: ["no-such-program-xyz"] })).rejects.toThrow(/cannot start no-such-program-xyz: ENOENT/);
    await expect(backend.submit({ entrypoint: ["true"], cwd: "/no/such/dir" })).rejects.toThrow(/does not exist/);
    await expect(backend.submit({ entrypoint: [] })).rejects.toBeInstanceOf(JobBackendError);
    await expect(backend.status({ backend: "local", id: "nope" })).rejects.toThrow(/no local job nope/);
  });

  it("stops following, not the job, when the follow signal aborts; a throwing callback ends the follow", async () => {
    const handle = await backend.submit({ entrypoint: ["sh", "-c", "echo one; sleep 300"] });
    const abort = new AbortController();
    const following = backend.follow(handle, () => abort.abort(), { signal: abort.signal });
    expect((await following).status).toBe("running");
    await expect(
      backend.follow(handle, () => {
        throw new Error("bad line");
      }),
    ).rejects.toThrow("bad line");
    expect((await backend.stop(handle)).status).toBe("stopped");
  });

  it("hands a job a lifeline: its stdin closes when this process dies, even by SIGKILL", async () => {
    // A parent process (node running this backend) starts a job that waits for end-of-file on
    // stdin, as the worker's programs do when DISTILLERY_LIFELINE=stdin; then the parent is killed.
    const dir = await mkdtemp(path.join(os.tmpdir(), "lifeline-"));
    onTestFinished(() => rm(dir, { recursive: true, force: true }));
    const script = path.join(dir, "parent.mts");
    await writeFile(
      script,
      `import { LocalBackend } from ${JSON.stringify(path.resolve(__dirname, "local.ts"))};
       const backend = new LocalBackend();
       const job = await backend.submit({ entrypoint: ["sh", "-c", "echo $$ $DISTILLERY_LIFELINE; exec cat > /dev/null"] });
       await backend.follow(job, (line) => console.log(line));`,
    );
    const parent = spawn(process.execPath, ["--import", "tsx", script], { stdio: ["ignore", "pipe", "inherit"] });
    onTestFinished(() => void parent.kill("SIGKILL"));
    const [firstLine] = (await Promise.race([
      once(parent.stdout!.setEncoding("utf8"), "data"),
      once(parent, "exit").then(([code]) => Promise.reject(new Error(`the parent exited with ${code}`))),
    ])) as [string];
    const [pid, lifeline] = firstLine.trim().split(" ");
    expect(lifeline).toBe("stdin");
    await sleep(300); // without the pipe, cat would have read end-of-file at once and the job ended
    expect(alive(Number(pid))).toBe(true);
    parent.kill("SIGKILL");
    for (let i = 0; i < 300 && alive(Number(pid)); i++) await sleep(100);
    expect(alive(Number(pid))).toBe(false);
  });
});
