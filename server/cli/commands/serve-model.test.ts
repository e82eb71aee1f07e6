// `distillery serve-model` end to end: the real CLI starts the real Python server on a tiny
// random model (built offline), and the real chat client talks to it over loopback.
import { spawnSync, type ChildProcess } from "node:child_process";
import { mkdtempSync, mkdirSync, writeFileSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createChatClient } from "@/server/llm/client";
import { workerPython, workerPythonPath } from "@/server/worker/interpreter";
import { UsageError } from "../command";
import { main } from "../main";
import { freePort, startServeModel as startServeModelCli } from "@/test/serve-model";
import { adapterArgs } from "./serve-model";

const tmp = mkdtempSync(path.join(os.tmpdir(), "serve-model-"));
const children: ChildProcess[] = [];
afterAll(() => children.forEach((c) => c.kill("SIGTERM")));

describe("serve-model flags", () => {
  it("validates --adapter NAME=PATH", () => {
    const adapter = path.join(tmp, "lora");
    mkdirSync(adapter);
    writeFileSync(path.join(adapter, "adapter_config.json"), "{}");
    expect(adapterArgs([`mine=${adapter}`])).toEqual(["--adapter", `mine=${adapter}`]);
    expect(() => adapterArgs(["mine"])).toThrow(UsageError);
    expect(() => adapterArgs([`a=${tmp}`])).toThrow(/not a LoRA adapter directory/);
    expect(() => adapterArgs([`a=${adapter}`, `a=${adapter}`])).toThrow(/given twice/);
    expect(() => adapterArgs([`a b=${adapter}`])).toThrow(/letters, digits/);
  });

  it("rejects a bad port or quantisation with exit code 2", async () => {
    expect(await main(["serve-model", "--port", "99999"])).toBe(2);
    expect(await main(["serve-model", "--quantize", "int4"])).toBe(2);
  });
});

describe("serve-model with a tiny model", () => {
  const modelDir = path.join(tmp, "tiny-chat");
  beforeAll(() => {
    const env = { ...process.env, PYTHONPATH: workerPythonPath() };
    const built = spawnSync(workerPython(), ["-m", "distillery_worker.weights", "tiny", modelDir], { env, encoding: "utf8" });
    expect(built.status, built.stderr).toBe(0);
  });

  // vLLM starts in about half a minute on an idle machine; several minutes when tests share 2 cores.
  it("serves chat completions to the client", { timeout: 300_000 }, async () => {
    const port = await freePort();
    const { child, listening } = await startServeModel(modelDir, port);
    expect(listening.url).toBe(`http://127.0.0.1:${port}/v1`);
    expect(listening.models).toEqual(["tiny-chat"]);

    const client = createChatClient({ baseUrl: listening.url, model: "tiny-chat", retries: 0 });
    const reply = await client.chat({
      messages: [{ role: "user", content: "hi" }],
      n: 3,
      temperature: 0.7,
      maxTokens: 5,
      seed: 1,
      logprobs: true,
    });
    expect(reply.choices).toHaveLength(3);
    expect(reply.choices.every((c) => c.meanLogprob !== null && c.meanLogprob <= 0)).toBe(true);
    expect(reply.usage.completionTokens).toBeGreaterThan(0);

    const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
    child.kill("SIGTERM");
    expect(await exited).toBe(0);
  });

  it("takes the model server down with it when the CLI is killed outright", { timeout: 300_000 }, async () => {
    const port = await freePort();
    const { child } = await startServeModel(modelDir, port);
    child.kill("SIGKILL"); // no handler runs: only the server's stdin pipe closing tells it
    await expect.poll(() => portOpen(port), { timeout: 30_000, interval: 200 }).toBe(false);
  });
});

async function startServeModel(modelDir: string, port: number) {
  const started = await startServeModelCli(["--model", modelDir, "--port", String(port)]);
  children.push(started.child);
  return started;
}

function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, "127.0.0.1");
    socket.once("connect", () => (socket.destroy(), resolve(true)));
    socket.once("error", () => resolve(false));
  });
}
