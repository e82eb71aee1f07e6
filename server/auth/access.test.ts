// Every API procedure is behind the role middleware: none answers a team-mode caller who is not
// signed in, and each one's least role is the documented one. Plus the single-user default
// (display name from the header, owner's rights) and the refusal to serve the network without
// accounts, from the server's own check and from scripts/start.sh.
import { spawnSync } from "node:child_process";
import net from "node:net";
import { TRPCError } from "@trpc/server";
import { describe, expect, it } from "vitest";
import type { Db } from "@/db/client";
import { bindAddresses } from "@/server/runtime/bind";
import { bindRefusal, hostnameFromArgv, isLoopbackAddress } from "@/server/runtime/mode";
import { createCallerFactory } from "@/server/trpc/init";
import { appRouter } from "@/server/trpc/router";
import { actorOfRequest } from "./request";
import { ROLES, type Role } from "./roles";
import { startupRefusal } from "./startup";

const SECRET = "access-test-secret-access-test-secret-01";

/** The least role of each procedure: viewer reads; annotator + verdicts; researcher + runs,
 * datasets, training, experiments, jobs; admin + accounts. */
const LEAST_ROLE: Record<string, Role> = {
  "annotations.add": "annotator",
  "annotations.undo": "annotator",
  "annotations.applyRule": "researcher",
  "annotations.bulkPreview": "researcher",
  "annotations.bulk": "researcher",
  "annotations.undoBulk": "researcher",
  "review.create": "researcher",
  "review.next": "annotator",
  "review.item": "annotator",
  "review.adjudicate": "researcher",
  "benchmarks.import": "researcher",
  "benchmarks.answerable": "researcher",
  "benchmarks.generate": "researcher",
  "datasets.create": "researcher",
  "datasets.export": "researcher",
  "datasets.import": "researcher",
  "experiments.start": "researcher",
  "experiments.update": "researcher",
  "jobs.retry": "researcher",
  "jobs.cancel": "researcher",
  "runs.generate": "researcher",
  "training.train": "researcher",
  "training.distill": "researcher",
  "training.evaluate": "researcher",
  "users.list": "admin",
  "users.add": "admin",
  "users.setRole": "admin",
  "users.remove": "admin",
};

const procedurePaths = () => Object.keys(appRouter._def.procedures as Record<string, unknown>).sort();

/** The error code calling `path` raises for this actor; "passed" when the role check let it through. */
async function outcome(path: string, actor: { name: string; role: Role; userId: string } | null): Promise<string> {
  // No database: a call the middleware lets through fails on it (or on its input), never silently.
  const caller = createCallerFactory(appRouter)({ db: {} as Db, user: actor?.name ?? "anonymous", actor });
  const fn = path.split(".").reduce<unknown>((node, key) => (node as Record<string, unknown>)[key], caller) as (
    i: unknown,
  ) => Promise<unknown>;
  try {
    await fn(undefined);
    return "passed";
  } catch (err) {
    const code = err instanceof TRPCError ? err.code : "";
    return code === "UNAUTHORIZED" || code === "FORBIDDEN" ? code : "passed";
  }
}

describe("the role middleware", () => {
  it("refuses every procedure to a caller who is not signed in", async () => {
    const paths = procedurePaths();
    expect(paths.length).toBeGreaterThan(40);
    const answers = await Promise.all(paths.map(async (path) => [path, await outcome(path, null)] as const));
    expect(answers.filter(([, code]) => code !== "UNAUTHORIZED")).toEqual([]);
  });

  it("gives each procedure the least role documented for it, and everything else to viewers", async () => {
    const least: Record<string, Role> = {};
    for (const path of procedurePaths()) {
      for (const role of ROLES) {
        if ((await outcome(path, { name: "x", role, userId: "u" })) === "passed") {
          least[path] = role;
          break;
        }
      }
    }
    const expected = Object.fromEntries(procedurePaths().map((path) => [path, LEAST_ROLE[path] ?? "viewer"]));
    expect(least).toEqual(expected);
  });
});

describe("single-user mode", () => {
  it("takes the display name from the header and gives the owner every right", async () => {
    const req = (headers: Record<string, string>) => new Request("http://127.0.0.1:3000/api/trpc/x", { headers });
    const db = {} as Db;
    expect(await actorOfRequest(req({ "x-distillery-user": " ann " }), db, {})).toEqual({ name: "ann", role: "admin", userId: null });
    expect(await actorOfRequest(req({}), db, {})).toEqual({ name: "anonymous", role: "admin", userId: null });
    // A token means nothing without accounts; it is not an error either.
    expect((await actorOfRequest(req({ authorization: "Bearer dst_x" }), db, {}))?.role).toBe("admin");
  });
});

describe("serving the network needs accounts", () => {
  it("tells loopback from everything else", () => {
    for (const host of ["127.0.0.1", "127.1.2.3", "localhost", "::1", "[::1]", "::ffff:127.0.0.1"])
      expect(isLoopbackAddress(host)).toBe(true);
    for (const host of ["0.0.0.0", "::", "192.168.1.5", "10.0.0.1", "example.com", "", "::ffff:10.0.0.1"])
      expect(isLoopbackAddress(host)).toBe(false);
  });

  it("refuses a non-loopback bind without DISTILLERY_AUTH_SECRET, in one line", () => {
    expect(bindRefusal("127.0.0.1", {})).toBeNull();
    expect(bindRefusal("0.0.0.0", {})).toMatch(/^refusing to serve on 0\.0\.0\.0 without accounts: set DISTILLERY_AUTH_SECRET/);
    expect(bindRefusal("0.0.0.0", { DISTILLERY_AUTH_SECRET: SECRET })).toBeNull();
    expect(startupRefusal({}, ["127.0.0.1", "::"])).toMatch(/refusing to serve on ::/);
    expect(startupRefusal({ DISTILLERY_AUTH_SECRET: SECRET }, ["0.0.0.0"])).toBeNull();
    // Team mode with a secret too short to sign sessions safely is refused as well.
    expect(startupRefusal({ DISTILLERY_AUTH_SECRET: "short" }, ["0.0.0.0"])).toMatch(/at least 32 characters/);
    // Malformed HTTP-boundary settings stop the start instead of failing every request.
    expect(startupRefusal({ DISTILLERY_ALLOWED_HOSTS: "https://x.org/" }, ["127.0.0.1"])).toMatch(/^DISTILLERY_ALLOWED_HOSTS: /);
    expect(startupRefusal({ DISTILLERY_MAX_BODY_BYTES: "lots" }, ["127.0.0.1"])).toMatch(/^DISTILLERY_MAX_BODY_BYTES: /);
    expect(startupRefusal({ DISTILLERY_MODEL_IDLE_S: "10m" }, ["127.0.0.1"])).toMatch(/^DISTILLERY_MODEL_IDLE_S: /);
  });

  it("finds where the process listens: its sockets and the -H / --hostname flag", async () => {
    expect(hostnameFromArgv(["node", "next", "start", "-H", "0.0.0.0"])).toBe("0.0.0.0");
    expect(hostnameFromArgv(["node", "next", "start", "--hostname=10.1.1.1"])).toBe("10.1.1.1");
    expect(hostnameFromArgv(["node", "next", "start"])).toBeUndefined();
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      expect(bindAddresses(["node", "x", "--hostname", "0.0.0.0"])).toEqual(expect.arrayContaining(["127.0.0.1", "0.0.0.0"]));
    } finally {
      server.close();
    }
  });

  it("scripts/start.sh refuses HOST=0.0.0.0 without auth before starting anything", () => {
    const env = { ...process.env, HOST: "0.0.0.0", PORT: "3999", DISTILLERY_AUTH_SECRET: "" };
    const result = spawnSync("bash", ["scripts/start.sh"], { env, encoding: "utf8", timeout: 30_000 });
    expect(result.status).toBe(2);
    expect(result.stderr.trim().split("\n")).toHaveLength(1);
    expect(result.stderr).toMatch(/refusing to serve on 0\.0\.0\.0 without accounts/);
  });
});
