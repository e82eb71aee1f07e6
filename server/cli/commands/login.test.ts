// The CLI's accounts commands against a real team-mode workbench: the app's own route handlers
// (health, Better Auth, tRPC) served over HTTP on 127.0.0.1 from this process, on an embedded
// database in a temporary data directory. The first admin is made on the database directly (no
// server yet), `login` turns a password into a personal API token stored with mode 0600, and
// later commands reach the workbench with it.
import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { apiTokens } from "@/db/schema";
import { getServerDb } from "@/server/runtime/db";
import { main } from "../main";

const saved = { ...process.env };
let server: http.Server;
let url: string;
let tmp: string;

/** Run the CLI in-process; its printed lines and exit code. */
async function cli(...argv: string[]) {
  const out: string[] = [];
  const log = vi.spyOn(console, "log").mockImplementation((...a) => void out.push(a.join(" ")));
  const err = vi.spyOn(console, "error").mockImplementation((...a) => void out.push(a.join(" ")));
  try {
    const code = await main(argv);
    return { code, out: out.join("\n"), lines: out };
  } finally {
    log.mockRestore();
    err.mockRestore();
  }
}

/** Serve the app's route handlers the way Next would route them. */
async function serveApp(): Promise<http.Server> {
  const health = await import("@/app/api/health/route");
  const auth = await import("@/app/api/auth/[...all]/route");
  const trpc = await import("@/app/api/trpc/[trpc]/route");
  return http.createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const headers = new Headers();
    for (const [key, value] of Object.entries(req.headers)) if (typeof value === "string") headers.set(key, value);
    const request = new Request(`${url}${req.url}`, {
      method: req.method,
      headers,
      body: req.method === "GET" || req.method === "HEAD" ? undefined : Buffer.concat(chunks),
    });
    const pathname = new URL(request.url).pathname;
    const trpcHandler = (request.method === "GET" ? trpc.GET : trpc.POST) as (r: Request) => Promise<Response>;
    const handler = pathname === "/api/health" ? health.GET : pathname.startsWith("/api/auth/") ? auth.POST : trpcHandler;
    const response = await handler(request);
    const outHeaders: Record<string, string | string[]> = Object.fromEntries(response.headers);
    outHeaders["set-cookie"] = response.headers.getSetCookie();
    res.writeHead(response.status, outHeaders).end(Buffer.from(await response.arrayBuffer()));
  });
}

describe("distillery users / login against a team-mode workbench", () => {
  beforeAll(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), "distillery-login-"));
    Object.assign(process.env, {
      DISTILLERY_DATA_DIR: path.join(tmp, "data"),
      XDG_CONFIG_HOME: path.join(tmp, "config"),
      DISTILLERY_AUTH_SECRET: "login-test-secret-login-test-secret-0123",
    });
    for (const name of ["DATABASE_URL", "DISTILLERY_URL", "DISTILLERY_TOKEN", "DISTILLERY_PASSWORD"]) delete process.env[name];
  });
  afterAll(async () => {
    await new Promise((resolve) => server?.close(resolve));
    await (await getServerDb()).close();
    process.env = saved;
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it("refuses a role that does not exist with exit 2 and one line", async () => {
    const result = await cli("users", "add", "eve", "--role", "superuser");
    expect(result.code).toBe(2);
    expect(result.lines).toEqual(['distillery: --role "superuser": must be one of viewer, annotator, researcher, admin']);
  });

  let password = "";
  it("makes the first admin on the database itself and prints a one-time password", async () => {
    const result = await cli("users", "add", "root", "--role", "admin");
    expect(result.code).toBe(0);
    password = /One-time password, shown only now:\s+(\S+)/.exec(result.out)?.[1] ?? "";
    expect(password.length).toBeGreaterThanOrEqual(20);
    // The database now belongs to the workbench, which the CLI will find and talk to.
    server = await serveApp();
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    process.env.PORT = String((server.address() as AddressInfo).port);
    process.env.HOST = "127.0.0.1";
    url = `http://127.0.0.1:${process.env.PORT}`;
    await getServerDb();
  });

  it("without a token the workbench answers 401 and the CLI exits non-zero", async () => {
    const result = await cli("users", "list");
    expect(result.code).toBe(1);
    expect(result.out).toMatch(/sign in first/);
  });

  it("login with a wrong password or a bogus token fails with one line and stores nothing", async () => {
    process.env.DISTILLERY_PASSWORD = "not-the-password";
    const wrong = await cli("login", url, "--user", "root");
    expect(wrong.code).toBe(2);
    expect(wrong.lines).toEqual([`distillery: login: sign-in as "root" at ${url} failed: wrong user name or password`]);
    const bogus = await cli("login", url, "--token", "dst_bogus");
    expect(bogus.code).toBe(2);
    expect(fs.existsSync(path.join(tmp, "config", "distillery", "credentials.json"))).toBe(false);
  });

  it("login with the password stores a personal token (0600, hashed on the server) that later commands send", async () => {
    process.env.DISTILLERY_PASSWORD = password;
    const login = await cli("login", url, "--user", "root");
    expect(login.lines).toEqual([`Signed in to ${url} as root (admin). Commands now go to this workbench.`]);
    const file = path.join(tmp, "config", "distillery", "credentials.json");
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    const stored = JSON.parse(fs.readFileSync(file, "utf8"));
    const token: string = stored.workbenches[url].token;
    expect(token).toMatch(/^dst_/);
    const { db } = await getServerDb();
    const rows = await db.select().from(apiTokens);
    expect(rows).toHaveLength(1);
    expect(rows[0]!.tokenHash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(rows)).not.toContain(token); // only the hash is kept

    const added = await cli("users", "add", "alice", "--role", "annotator");
    expect(added.code).toBe(0);
    const list = await cli("users", "list", "--json");
    expect(JSON.parse(list.out).map((u: { name: string; role: string }) => `${u.name}:${u.role}`)).toEqual([
      "root:admin",
      "alice:annotator",
    ]);

    // A token login (e.g. one made for a script) is checked before it is stored.
    const again = await cli("login", url, "--token", token);
    expect(again.code).toBe(0);
    expect((await cli("logout", url)).lines).toEqual([`Revoked and forgot the token for ${url}.`]);
    expect((await cli("users", "list")).code).toBe(1);
    // Revoked on the server: the token no longer works even when presented directly.
    process.env.DISTILLERY_TOKEN = token;
    expect((await cli("users", "list")).code).toBe(1);
    delete process.env.DISTILLERY_TOKEN;
  });
});
