// Team mode end to end over real HTTP requests and a real database: Better Auth sign-in and
// sessions, personal API tokens, the role of every caller checked by the one tRPC middleware,
// verdicts attributed to the signed-in account (the name header is ignored).
import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import superjson from "superjson";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DbHandle } from "@/db/client";
import { makeEpisode, seedBenchmark, seedRun, seedTrajectory } from "@/test/trajectory-fixtures";
import { createRequestContext } from "@/server/trpc/context";
import { appRouter } from "@/server/trpc/router";
import { testDatabases } from "@/test/databases";
import { getAuth } from "./request";
import type { Role } from "./roles";
import { createApiToken } from "./tokens";
import { addUser } from "./users";

const ORIGIN = "http://127.0.0.1:3000";

/** One API call as the browser or CLI makes it: tRPC over HTTP, no batching. */
async function call(db: DbHandle["db"], path: string, input: unknown, headers: Record<string, string>, kind: "query" | "mutation") {
  const encoded = encodeURIComponent(JSON.stringify(superjson.serialize(input)));
  const req =
    kind === "query"
      ? new Request(`${ORIGIN}/api/trpc/${path}?input=${encoded}`, { headers })
      : new Request(`${ORIGIN}/api/trpc/${path}`, {
          method: "POST",
          headers: { "content-type": "application/json", ...headers },
          body: JSON.stringify(superjson.serialize(input)),
        });
  const res = await fetchRequestHandler({
    endpoint: "/api/trpc",
    req,
    router: appRouter,
    createContext: () => createRequestContext(req, db),
  });
  const body = (await res.json()) as { result?: { data: unknown }; error?: { json: { message: string } } };
  return {
    status: res.status,
    data: body.result ? superjson.deserialize(body.result.data as never) : undefined,
    error: body.error?.json.message,
  };
}

describe.each(testDatabases())("team mode on $name", ({ open }) => {
  let handle: DbHandle;
  let trajectoryId: number;
  /** Only alice and bob annotate this one. */
  let contested: number;
  const bearer: Record<string, Record<string, string>> = {};
  const savedSecret = process.env.DISTILLERY_AUTH_SECRET;
  const as = (who: string) => bearer[who]!;

  beforeAll(async () => {
    process.env.DISTILLERY_AUTH_SECRET = "test-secret-test-secret-test-secret-0123";
    handle = await open();
    const { db } = handle;
    const { questionIds } = await seedBenchmark(db, "toyqa", [
      { question: "q?", answer: "a" },
      { question: "q2?", answer: "b" },
    ]);
    const runId = await seedRun(db, { name: "r", benchmark: "toyqa" });
    trajectoryId = await seedTrajectory(db, { runId, questionId: questionIds[0]! }, makeEpisode({ steps: [{}] }), true);
    contested = await seedTrajectory(db, { runId, questionId: questionIds[1]! }, makeEpisode({ steps: [{}] }), true);
    const people: [string, Role][] = [
      ["root", "admin"],
      ["rita", "researcher"],
      ["alice", "annotator"],
      ["bob", "annotator"],
      ["vic", "viewer"],
    ];
    for (const [name, role] of people) {
      const { user } = await addUser(db, { name, role });
      bearer[name] = { authorization: `Bearer ${(await createApiToken(db, user.id, "test")).token}` };
    }
  });
  afterAll(async () => {
    if (savedSecret === undefined) delete process.env.DISTILLERY_AUTH_SECRET;
    else process.env.DISTILLERY_AUTH_SECRET = savedSecret;
    await handle?.close();
  });

  it("answers 401 to a request with no session or token, and to a wrong token", async () => {
    const { db } = handle;
    expect((await call(db, "trajectories.list", {}, {}, "query")).status).toBe(401);
    expect((await call(db, "runs.list", undefined, { authorization: "Bearer dst_not-a-real-token" }, "query")).status).toBe(401);
    const annotate = await call(db, "annotations.add", { trajectoryId, verdict: "accept" }, { "x-distillery-user": "alice" }, "mutation");
    expect(annotate.status).toBe(401);
    expect((await call(db, "annotations.history", { trajectoryId }, as("vic"), "query")).data).toEqual([]);
  });

  it("signs in with user name and password (Better Auth session cookie) and knows who it is", async () => {
    const { db } = handle;
    const { password } = await addUser(db, { name: "sam", role: "researcher" });
    const signIn = (pw: string) =>
      getAuth(db).handler(
        new Request(`${ORIGIN}/api/auth/sign-in/username`, {
          method: "POST",
          headers: { "content-type": "application/json", origin: ORIGIN },
          body: JSON.stringify({ username: "sam", password: pw }),
        }),
      );
    expect((await signIn("wrong-password")).status).toBe(401);
    const ok = await signIn(password);
    expect(ok.status).toBe(200);
    const cookie = ok.headers
      .getSetCookie()
      .map((c) => c.split(";")[0])
      .join("; ");
    expect(cookie).toMatch(/session_token=/);
    const me = await call(db, "users.me", undefined, { cookie, "x-distillery-user": "root" }, "query");
    expect(me.data).toEqual({ mode: "team", name: "sam", role: "researcher", signedIn: true });
    // Signing out from the workbench's own origin ends the session in the database. Behind Next the
    // request's URL may name the bind address rather than the Host the browser used; the Host counts.
    const signOut = (from: string) =>
      getAuth(db).handler(
        new Request("http://localhost:3000/api/auth/sign-out", {
          method: "POST",
          headers: { host: "127.0.0.1:3000", cookie, origin: from, "content-type": "application/json" },
          body: "{}",
        }),
      );
    expect((await signOut("http://evil.example")).status).toBe(403);
    expect((await call(db, "users.me", undefined, { cookie }, "query")).status).toBe(200);
    expect((await signOut(ORIGIN)).status).toBe(200);
    expect((await call(db, "users.me", undefined, { cookie }, "query")).status).toBe(401);
  });

  it("enforces the role matrix: viewer reads, annotator annotates, researcher launches, admin manages users", async () => {
    const { db } = handle;
    const matrix: [string, string, unknown, "query" | "mutation", Role][] = [
      ["trajectories.list", "trajectories.list", {}, "query", "viewer"],
      ["annotations.add", "annotations.add", { trajectoryId, verdict: "accept" }, "mutation", "annotator"],
      ["runs.generate", "runs.generate", { benchmark: "toyqa", modelUrl: "embedded", model: "tiny" }, "mutation", "researcher"],
      ["datasets.create", "datasets.create", { name: "ds", run: ["r"] }, "mutation", "researcher"],
      ["users.list", "users.list", undefined, "query", "admin"],
    ];
    const outcome: Record<string, string[]> = {};
    for (const who of ["vic", "alice", "rita", "root"]) {
      for (const [label, path, input, kind] of matrix) {
        const { status } = await call(db, path, input, as(who), kind);
        (outcome[who] ??= []).push(`${label}:${status === 403 ? "forbidden" : status === 401 ? "unauthenticated" : "allowed"}`);
      }
    }
    expect(outcome).toEqual({
      vic: [
        "trajectories.list:allowed",
        "annotations.add:forbidden",
        "runs.generate:forbidden",
        "datasets.create:forbidden",
        "users.list:forbidden",
      ],
      alice: [
        "trajectories.list:allowed",
        "annotations.add:allowed",
        "runs.generate:forbidden",
        "datasets.create:forbidden",
        "users.list:forbidden",
      ],
      rita: [
        "trajectories.list:allowed",
        "annotations.add:allowed",
        "runs.generate:allowed",
        "datasets.create:allowed",
        "users.list:forbidden",
      ],
      root: [
        "trajectories.list:allowed",
        "annotations.add:allowed",
        "runs.generate:allowed",
        "datasets.create:allowed",
        "users.list:allowed",
      ],
    });
    // What was allowed really happened: the researcher's run is a queued job.
    const jobs = (await call(db, "jobs.list", undefined, as("vic"), "query")).data as { kind: string }[];
    expect(jobs.length).toBeGreaterThanOrEqual(2);
    const added = await call(db, "users.add", { name: "newbie", role: "viewer" }, as("root"), "mutation");
    expect(added.status).toBe(200);
    expect((await call(db, "users.add", { name: "sneaky", role: "admin" }, as("rita"), "mutation")).status).toBe(403);
    expect((await call(db, "users.add", { name: "odd", role: "superuser" }, as("root"), "mutation")).error).toMatch(/role "superuser"/);
  });

  it("attributes verdicts to the token's account, ignores the name header, and alice cannot undo bob's verdict", async () => {
    const { db } = handle;
    const bob = await call(
      db,
      "annotations.add",
      { trajectoryId: contested, verdict: "reject", reason: "wrong_answer" },
      as("bob"),
      "mutation",
    );
    expect(bob.status).toBe(200);
    // Alice claims to be bob in the header: the server does not believe it.
    const aliceAsBob = { ...as("alice"), "x-distillery-user": "bob" };
    const undo = await call(db, "annotations.undo", { trajectoryId: contested }, aliceAsBob, "mutation");
    expect(undo.data).toEqual({ removed: null });
    const history = (await call(db, "annotations.history", { trajectoryId: contested }, as("vic"), "query")).data as {
      userName: string;
      verdict: string;
    }[];
    expect(history[0]).toMatchObject({ userName: "bob", verdict: "reject" });
    const alice = await call(db, "annotations.add", { trajectoryId: contested, verdict: "accept" }, aliceAsBob, "mutation");
    expect((alice.data as { userName: string }).userName).toBe("alice");
    // Each can undo their own.
    expect(
      ((await call(db, "annotations.undo", { trajectoryId: contested }, as("bob"), "mutation")).data as { removed: { userName: string } })
        .removed.userName,
    ).toBe("bob");
  });
});
