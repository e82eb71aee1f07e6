import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { waitForWorkbench, workbenchResponds } from "./health";

describe("workbench health", () => {
  let server: http.Server;
  let url: string;
  let healthy = true;
  beforeAll(async () => {
    server = http.createServer((req, res) => {
      res.statusCode = req.url === "/api/health" && healthy ? 200 : 503;
      res.end();
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it("answers true for a healthy workbench and false for an unhealthy or absent one", async () => {
    expect(await workbenchResponds(url)).toBe(true);
    healthy = false;
    expect(await workbenchResponds(url)).toBe(false);
    expect(await workbenchResponds("http://127.0.0.1:1")).toBe(false);
    healthy = true;
  });

  it("waits until the workbench comes up, or gives up after the timeout", async () => {
    healthy = false;
    setTimeout(() => (healthy = true), 300);
    expect(await waitForWorkbench(url, 10_000, 50)).toBe(true);
    expect(await waitForWorkbench("http://127.0.0.1:1", 200, 50)).toBe(false);
  });
});
