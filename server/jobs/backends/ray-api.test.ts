// The Ray Jobs client's addressing, quoting and error messages, against loopback stub servers
// (no Ray needed; ray.test.ts runs the real thing).
import { execFileSync } from "node:child_process";
import http from "node:http";
import net from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RayBackend, rayEntrypoint, shellQuote } from "./ray";
import { normalizeRayAddress, RayHttpError, RayJobsClient, RayUnreachableError } from "./ray-api";
import { JobBackendError } from "./types";

/** A loopback HTTP server answering every request with `handler`; resolves to its address. */
async function stubServer(handler: http.RequestListener): Promise<{ address: string; close: () => Promise<void> }> {
  const server = http.createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as net.AddressInfo;
  return {
    address: `http://127.0.0.1:${port}`,
    close: () => new Promise((resolve) => (server.closeAllConnections(), server.close(() => resolve()))),
  };
}

async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe("Ray addresses and entrypoints", () => {
  it("normalizes dashboard addresses and rejects Ray Client ones", () => {
    expect(normalizeRayAddress("127.0.0.1:8265")).toBe("http://127.0.0.1:8265");
    expect(normalizeRayAddress(" http://head:8265/ ")).toBe("http://head:8265");
    expect(normalizeRayAddress("https://ray.example.com/proxy/")).toBe("https://ray.example.com/proxy");
    expect(() => normalizeRayAddress("ray://head:10001")).toThrow(/Ray Client address.*dashboard/);
    expect(() => normalizeRayAddress("")).toThrow(JobBackendError);
  });

  it("quotes argv so that the shell gives back exactly the same arguments", () => {
    const argv = ["plain", "with space", "it's", "$HOME", 'a"b', "", "--flag=x;y", "*"];
    const command = `printf '%s\\n' ${argv.map(shellQuote).join(" ")}`;
    expect(execFileSync("sh", ["-c", command], { encoding: "utf8" })).toBe(argv.map((a) => `${a}\n`).join(""));
  });

  it("runs the entrypoint in the spec's cwd unless Ray provides a working_dir", () => {
    const spec = { entrypoint: ["python", "-m", "train", "--name", "a b"], cwd: "/srv/my repo" };
    expect(rayEntrypoint(spec)).toBe("cd '/srv/my repo' && exec python -m train --name 'a b'");
    expect(rayEntrypoint(spec, false)).toBe("exec python -m train --name 'a b'");
    expect(() => rayEntrypoint({ entrypoint: [] })).toThrow(/entrypoint is empty/);
  });
});

describe("Ray client errors", () => {
  let stub: Awaited<ReturnType<typeof stubServer>>;
  let hang: Awaited<ReturnType<typeof stubServer>>;
  beforeAll(async () => {
    stub = await stubServer((req, res) => {
      if (req.url === "/api/jobs/missing") res.writeHead(404).end("Job missing does not exist");
      else if (req.url === "/api/jobs/broken/logs") res.writeHead(500).end("Traceback...\n  File x\nValueError: no agent");
      else res.writeHead(200, { "content-type": "text/html" }).end("<html>not ray</html>");
    });
    hang = await stubServer(() => undefined); // accepts, never answers
  });
  afterAll(async () => {
    await stub.close();
    await hang.close();
  });

  it("says how to fix an address where nothing listens", async () => {
    const address = `http://127.0.0.1:${await closedPort()}`;
    const backend = new RayBackend({ address });
    const error = await backend.submit({ entrypoint: ["true"] }).catch((err: unknown) => err);
    expect(error).toBeInstanceOf(RayUnreachableError);
    expect((error as Error).message).toBe(
      `cannot reach the Ray cluster at ${address} (ECONNREFUSED); start one (\`ray start --head\`) or give the Ray dashboard address, like http://127.0.0.1:8265`,
    );
  });

  it("times out on an address that never answers", async () => {
    const client = new RayJobsClient(hang.address, { timeoutMs: 300 });
    await expect(client.details("x")).rejects.toThrow(/did not answer within 300 ms/);
  });

  it("tells a server that is not a Ray dashboard apart", async () => {
    const backend = new RayBackend({ address: stub.address });
    await expect(backend.submit({ entrypoint: ["true"] })).rejects.toThrow(/other than JSON; is it the Ray dashboard/);
  });

  it("passes Ray's own error text on: a missing job, the last line of a traceback", async () => {
    const client = new RayJobsClient(stub.address);
    const missing = await client.details("missing").catch((err: unknown) => err);
    expect(missing).toBeInstanceOf(RayHttpError);
    expect((missing as RayHttpError).status).toBe(404);
    expect((missing as Error).message).toBe(`Ray cluster at ${stub.address}: Job missing does not exist`);
    await expect(client.logs("broken")).rejects.toThrow(`Ray cluster at ${stub.address}: ValueError: no agent`);
  });
});
