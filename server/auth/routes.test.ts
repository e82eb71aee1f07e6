// Every route handler under app/api checks who is calling: in team mode each exported method of
// each route.ts answers 401 to a request without a session or token — except the two that must
// be public (the health probe and Better Auth's own sign-in endpoints). A new route that forgets
// authorize() fails here.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getServerDb } from "@/server/runtime/db";

const PUBLIC_ROUTES = new Set(["app/api/health/route.ts", "app/api/auth/[...all]/route.ts"]);
const METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"] as const;

function routeFiles(dir = "app/api"): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return routeFiles(full);
    return entry.name === "route.ts" ? [full] : [];
  });
}

describe("route handlers in team mode", () => {
  const saved = { ...process.env };
  let tmp: string;
  beforeAll(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), "distillery-routes-"));
    Object.assign(process.env, { DISTILLERY_DATA_DIR: tmp, DISTILLERY_AUTH_SECRET: "routes-test-secret-routes-test-secret-012" });
    delete process.env.DATABASE_URL;
  });
  afterAll(async () => {
    await (await getServerDb()).close();
    process.env = saved;
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it("answer 401 without a session or token, every method of every route", async () => {
    const files = routeFiles();
    expect(files).toContain("app/api/trpc/[trpc]/route.ts");
    const answers: Record<string, number> = {};
    for (const file of files.filter((f) => !PUBLIC_ROUTES.has(f))) {
      const route = (await import(/* @vite-ignore */ path.resolve(file))) as Record<string, unknown>;
      for (const method of METHODS) {
        const handler = route[method] as ((req: Request, ctx: unknown) => Promise<Response>) | undefined;
        if (!handler) continue;
        // A query for GET, a mutation otherwise, so tRPC gets as far as asking who is calling.
        const procedure = method === "GET" ? "runs.list" : "annotations.add";
        const req = new Request(`http://127.0.0.1:3000/api/trpc/${procedure}`, {
          method,
          headers: { "content-type": "application/json", "x-distillery-user": "owner" },
          body: method === "GET" ? undefined : "{}",
        });
        const params = Promise.resolve({ trpc: procedure, ref: "some-dataset", all: ["session"] });
        answers[`${method} ${file}`] = (await handler(req, { params })).status;
      }
    }
    expect(Object.keys(answers).length).toBeGreaterThanOrEqual(3);
    expect(Object.entries(answers).filter(([, status]) => status !== 401)).toEqual([]);
  });
});
