// Integration tests of the host side against the real Python sandbox (no mocks): state, tool
// calls, SAG forks, timeouts, and a crashed sandbox that must not take the host down.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { parseCommandArgs, UsageError } from "../../cli/command";
import { sandboxCommand } from "../../cli/commands/sandbox";
import { isAlive, processTree } from "@/server/worker/process-tree";
import { SandboxSession } from "./session";
import { probeSandbox } from "./probe";

const open: SandboxSession[] = [];
async function start(opts: Parameters<typeof SandboxSession.start>[0] = {}): Promise<SandboxSession> {
  const episode = await SandboxSession.start(opts);
  open.push(episode);
  return episode;
}

afterEach(async () => {
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
  await Promise.all(open.splice(0).map((e) => e.close()));
});

describe("SandboxSession", () => {
  it("keeps state across actions and reports the isolation layers", async () => {
    const episode = await start();
    expect(episode.layersOff).toEqual([]);
    expect(await episode.exec("x = 20")).toMatchObject({ ok: true });
    const result = await episode.exec("print('doubling')\nx * 2 + 2");
    expect(result).toEqual({ ok: true, stdout: "doubling\n", value_repr: "42" });
  });

  it("fails closed: refuses without a required layer (one line: the layer, the opt-out); runs only when opted out", async () => {
    // Test-only knob: the launcher pretends the kernel refused the network namespace.
    vi.stubEnv("DISTILLERY_SANDBOX_SIMULATE_MISSING", "net_namespace");
    const refusal = SandboxSession.start();
    await expect(refusal).rejects.toThrow(
      /^code sandbox refused to start: isolation layer\(s\) missing: net_namespace \(simulated for a test\)\. .*--unsafe-no-sandbox or set DISTILLERY_SANDBOX=unsafe\.$/,
    );
    await expect(probeSandbox({ mode: "agent", unsafeNoSandbox: false })).rejects.toThrow(/net_namespace/);
    expect(await probeSandbox({ mode: "cot", unsafeNoSandbox: false })).toEqual([]); // CoT runs no code
    expect(await probeSandbox({ mode: "agent", unsafeNoSandbox: true })).toEqual(["net_namespace"]);
    const unsafe = await start({ allowUnsafe: true });
    expect(unsafe.layersOff).toEqual(["net_namespace"]);
    expect((await unsafe.exec("print(6 * 7)")).stdout).toBe("42\n");
  });

  it("answers tool calls made inside code through the handler", async () => {
    const calls: unknown[] = [];
    const episode = await start({
      tools: ["web_search"],
      onToolCall: async (name, args, kwargs) => {
        calls.push([name, args, kwargs]);
        return `passages about ${String(args[0])}`;
      },
    });
    const result = await episode.exec("r = web_search('Paris', k=3)\nfinal_answer(r.upper())");
    expect(result.final_answer).toBe("PASSAGES ABOUT PARIS");
    expect(calls).toEqual([["web_search", ["Paris"], { k: 3 }]]);
  });

  it("turns a failing tool handler into a Python exception", async () => {
    const episode = await start({
      tools: ["web_search"],
      onToolCall: async () => {
        throw new Error("retriever offline");
      },
    });
    const result = await episode.exec("web_search('x')");
    expect(result.ok).toBe(false);
    expect(result.error).toMatchObject({ type: "ToolError", message: "web_search: retriever offline" });
  });

  it("runs candidates in isolated forks and keeps the winner without re-running it", async () => {
    const episode = await start({ tools: ["web_search"], onToolCall: async (_n, args, _k, c) => `${args[0]}@${c}` });
    await episode.exec("counter = 0");
    const results = await episode.forkCandidates(["counter += 1\nprint(counter)", "counter += 10\nprint(web_search('q'))", "1/0"]);
    expect(results.map((r) => r.stdout)).toEqual(["1\n", "q@1\n", ""]);
    expect(results[2]!.error?.type).toBe("ZeroDivisionError");
    await episode.keepCandidate(1);
    expect((await episode.exec("counter")).value_repr).toBe("10");
    await expect(episode.keepCandidate(0)).rejects.toThrow(/keepCandidate/);
  });

  it("ends a runaway action within its timeout and keeps serving", async () => {
    const episode = await start();
    const result = await episode.exec("while True: pass", { timeoutS: 1 });
    expect(result.ok).toBe(false);
    expect(result.error?.type).toMatch(/Timeout/);
    expect((await episode.exec("print('still here')")).stdout).toBe("still here\n");
  });

  it("survives a sandbox that dies and keeps serving other episodes", async () => {
    const [a, b] = await Promise.all([start(), start()]);
    await b.exec("name = 'b'");
    // Kill a's whole sandbox from outside (what an OOM kill would do).
    (a as unknown as { worker: { child: { kill: (s: string) => void } } }).worker.child.kill("SIGKILL");
    // The kill lands asynchronously (the supervisor dies through its parent-death signal), so
    // wait until the host has seen the exit before using the dead episode.
    await expect.poll(() => a.alive, { timeout: 10_000 }).toBe(false);
    const dead = await a.exec("1 + 1");
    expect(dead).toMatchObject({ ok: false, error: { type: "SandboxError" } });
    expect(a.alive).toBe(false);
    expect((await b.exec("name")).value_repr).toBe("'b'");
  });

  it("kills a sandbox that stops answering, with everything in it, once the host watchdog expires", async () => {
    const episode = await start();
    const launcher = (episode as unknown as { worker: { pid: number } }).worker.pid;
    // Freeze the whole sandbox (what a wedged supervisor looks like from outside): its own
    // timeouts cannot fire, so only the host's watchdog (timeout + 10 s grace) ends the action.
    const frozen = [...processTree(launcher)];
    frozen.forEach((pid) => process.kill(pid, "SIGSTOP"));
    const result = await episode.exec("1 + 1", { timeoutS: 1 });
    expect(result).toMatchObject({ ok: false, error: { type: "SandboxError" } });
    expect(result.error?.message).toMatch(/host watchdog: the sandbox stopped answering/);
    expect(episode.alive).toBe(false);
    await expect.poll(() => frozen.filter(isAlive), { timeout: 10_000 }).toEqual([]);
  }, 30_000);

  it("serialises concurrent calls on one episode", async () => {
    const episode = await start();
    const results = await Promise.all([1, 2, 3].map((i) => episode.exec(`v = ${i}\nv`)));
    expect(results.map((r) => r.value_repr)).toEqual(["1", "2", "3"]);
  });
});

// The command object itself, in-process (main.ts maps UsageError to one line and exit code 2).
const cli = (argv: string[]) => sandboxCommand.run(parseCommandArgs(sandboxCommand, argv));

describe("distillery sandbox", () => {
  it("runs a file and prints {ok, stdout, value, final_answer, error} as JSON", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "sandbox-cli-"));
    const file = path.join(dir, "script.py");
    writeFileSync(file, "print('hi')\nfinal_answer(6 * 7)\n");
    const log = vi.spyOn(console, "log").mockImplementation(() => {});
    expect(await cli(["run", file, "--json"])).toBe(0);
    expect(JSON.parse(String(log.mock.calls[0]![0]))).toEqual({
      ok: true,
      stdout: "hi\n",
      value: null,
      final_answer: 42,
      error: null,
    });
  });

  it("rejects a missing file or a bad --timeout as a usage error naming it", async () => {
    await expect(cli(["run", "/nonexistent/script.py"])).rejects.toThrow(UsageError);
    await expect(cli(["run", "/nonexistent/script.py"])).rejects.toThrow(/cannot read \/nonexistent\/script.py/);
    await expect(cli(["run", "x.py", "--timeout", "soon"])).rejects.toThrow(/--timeout/);
  });

  it("prints the isolation layers on check", async () => {
    const log = vi.spyOn(console, "log").mockImplementation(() => {});
    expect(await cli(["check", "--json"])).toBe(0);
    const report = JSON.parse(String(log.mock.calls[0]![0]));
    expect(report.layers).toMatchObject({ net_namespace: true, pid_namespace: true, filesystem_view: true });
    expect(report.layers).toMatchObject({ no_capabilities: true, landlock: true, seccomp: true });
    expect(report).toMatchObject({ missing: [], refuses: false });
  });

  it("refuses to run a file without a required layer (exit 2, one line) and runs it when opted out", async () => {
    vi.stubEnv("DISTILLERY_SANDBOX_SIMULATE_MISSING", "pid_namespace");
    const dir = mkdtempSync(path.join(tmpdir(), "sandbox-cli-"));
    const file = path.join(dir, "script.py");
    writeFileSync(file, "print('ran')\n");
    const err = vi.spyOn(console, "error").mockImplementation(() => {});
    const log = vi.spyOn(console, "log").mockImplementation(() => {});
    expect(await cli(["run", file])).toBe(2);
    expect(err.mock.calls.map((c) => String(c[0]))).toEqual([
      expect.stringMatching(/^distillery: code sandbox refused to start: .*pid_namespace.*--unsafe-no-sandbox/),
    ]);
    expect(log).not.toHaveBeenCalled();
    expect(await cli(["check"])).toBe(2);
    const out = vi.spyOn(process.stdout, "write").mockImplementation(() => true);
    expect(await cli(["run", file, "--unsafe-no-sandbox"])).toBe(0);
    expect(out).toHaveBeenCalledWith("ran\n");
  });
});
