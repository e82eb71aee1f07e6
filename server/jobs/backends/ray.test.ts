// The Ray backend against a real single-node Ray head that this test starts (loopback only,
// from the worker venv) and tears down, killing exactly the processes it started.
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from "vitest";
import { workerPython } from "@/server/worker/interpreter";
import { RayBackend } from "./ray";
import { RayHttpError } from "./ray-api";
import { hasRay, rayBinary, startRayHead, type RayHead } from "./ray-head";
import type { JobHandle } from "./types";

if (!hasRay()) {
  console.warn(`\n*** SKIPPING the Ray backend test: ${rayBinary()} is missing; run \`npm run setup\` ***\n`);
}

describe.skipIf(!hasRay())("Ray job backend on a local Ray head", () => {
  let head: RayHead | undefined;
  let ray: RayBackend;
  const python = workerPython();

  beforeAll(async () => {
    head = await startRayHead();
    ray = new RayBackend({ address: head.address, pollMs: 250 });
  }, 150_000);
  afterAll(async () => {
    await head?.stop();
  }, 60_000);

  async function followAll(handle: JobHandle) {
    const lines: string[] = [];
    const state = await ray.follow(handle, (line) => lines.push(line));
    return { lines, state };
  }

  it("runs an entrypoint that prints JSON lines to SUCCEEDED and delivers every line once", async () => {
    const script = [
      "import json, os, time",
      "for step in range(3):",
      "    print(json.dumps({'event': 'step', 'step': step, 'loss': 1.0 / (step + 1)}))",
      "    time.sleep(0.3)",
      "print(json.dumps({'event': 'done', 'adapter': os.getcwd(), 'var': os.environ['JOB_VAR']}))",
    ].join("\n");
    const cwd = path.dirname(python);
    const handle = await ray.submit({
      entrypoint: [python, "-c", script],
      cwd,
      env: { JOB_VAR: "from-spec" },
      resources: { cpus: 0 },
      name: "json lines",
    });
    expect(handle.id).toMatch(/^distillery-json-lines-/);
    const { lines, state } = await followAll(handle);
    expect(state).toEqual({ status: "succeeded", exitCode: 0 });
    const events = lines.filter((l) => l.startsWith("{")).map((l) => JSON.parse(l));
    expect(events.map((e) => e.event)).toEqual(["step", "step", "step", "done"]);
    expect(events.map((e) => e.step)).toEqual([0, 1, 2, undefined]);
    expect(events[3]).toEqual({ event: "done", adapter: cwd, var: "from-spec" });
    expect(await ray.logs(handle)).toContain('{"event": "step", "step": 2, "loss": 0.3333333333333333}\n');
    const listed = await ray.client.list();
    expect(listed.find((job) => job.submission_id === handle.id)?.metadata).toEqual({
      source: "distillery",
      name: "json-lines",
    });
  });

  it("reports a failing entrypoint as FAILED with its exit code and log tail", async () => {
    const script = "import sys; print('loading data'); sys.exit('no such dataset: demo')";
    const handle = await ray.submit({ entrypoint: [python, "-c", script] });
    const { lines, state } = await followAll(handle);
    expect(lines).toContain("loading data");
    expect(state.status).toBe("failed");
    expect(state.exitCode).toBe(1);
    expect(state.message).toMatch(/exit code 1/);
    expect(state.message).toMatch(/no such dataset: demo/);
  });

  it("stops a long-running job: STOPPED, and following it ends", async () => {
    const script = "import time; print('started', flush=True); time.sleep(600)";
    const handle = await ray.submit({ entrypoint: [python, "-c", script] });
    const lines: string[] = [];
    const following = ray.follow(handle, (line) => lines.push(line));
    while (!lines.includes("started")) await sleep(100);
    expect((await ray.status(handle)).status).toBe("running");
    const state = await ray.stop(handle);
    expect(state.status).toBe("stopped");
    expect((await following).status).toBe("stopped");
    expect((await ray.status(handle)).status).toBe("stopped");
  });

  it("ships a local directory as the job's working_dir", async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), "ray-upload-"));
    onTestFinished(() => rm(dir, { recursive: true, force: true }));
    await mkdir(path.join(dir, "data"));
    await writeFile(path.join(dir, "data", "greeting.txt"), "hello from the upload");
    await writeFile(path.join(dir, "hello.py"), "import os\nprint(open('data/greeting.txt').read())\nprint(os.getcwd())\n");
    const shipping = new RayBackend({ address: head!.address, pollMs: 250, uploadDir: dir });
    const handle = await shipping.submit({ entrypoint: [python, "hello.py"], cwd: "/ignored" });
    const lines: string[] = [];
    expect((await shipping.follow(handle, (l) => lines.push(l))).status).toBe("succeeded");
    expect(lines).toContain("hello from the upload");
    expect(lines.some((l) => l.includes("runtime_resources"))).toBe(true);
    const details = await shipping.client.details(handle.id);
    expect(details.runtime_env?.working_dir).toMatch(/^gcs:\/\/_ray_pkg_[0-9a-f]{32}\.zip$/);
    expect(await shipping.client.hasPackage(String(details.runtime_env?.working_dir).slice(6))).toBe(true);
  });

  it("says so when a job id is unknown to the cluster", async () => {
    const error = await ray.status({ backend: "ray", id: "distillery-nope" }).catch((err: unknown) => err);
    expect(error).toBeInstanceOf(RayHttpError);
    expect((error as Error).message).toMatch(/Job distillery-nope does not exist/);
  });
});
