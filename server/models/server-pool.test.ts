// The lifecycle of pooled model servers with fake servers (no model is loaded): idle stop, leases,
// eviction, the resident bound, a server that exits by itself, shared starts. Timers are faked.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { embeddedServerPolicy, servedFrom } from "./embedded";
import { createServerPool, type PooledServer } from "./server-pool";

/** A fake server per start: records starts and stops, and can exit by itself. */
function fakeServers() {
  const started: string[] = [];
  const stopped: string[] = [];
  const exits = new Map<string, () => void>();
  let pendingStart: Promise<void> = Promise.resolve();
  const start = async (spec: string): Promise<PooledServer> => {
    started.push(spec);
    await pendingStart;
    let exit!: () => void;
    const exited = new Promise<void>((resolve) => (exit = resolve));
    const url = `http://127.0.0.1/${spec}/${started.length}`;
    exits.set(spec, exit);
    return {
      url,
      exited,
      stop: async () => {
        stopped.push(spec);
        exit();
        await exited;
      },
    };
  };
  return {
    started,
    stopped,
    start,
    /** The server for `spec` exits on its own (a crash). */
    crash: (spec: string) => exits.get(spec)!(),
    /** Starts wait until the returned function is called. */
    holdStarts: () => {
      let open!: () => void;
      pendingStart = new Promise((resolve) => (open = resolve));
      return open;
    },
  };
}

function poolOf(fake: ReturnType<typeof fakeServers>, idleMs = 60_000, maxResident = 2) {
  const log = vi.fn();
  const pool = createServerPool<string>({ start: fake.start, key: (s) => s, describe: (s) => s, idleMs, maxResident, log });
  return { pool, log };
}

describe("the server pool", () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("stops a server once it has been unused for the idle period, not before", async () => {
    const fake = fakeServers();
    const { pool } = poolOf(fake, 60_000);
    const lease = await pool.acquire("student");
    lease.release();
    await vi.advanceTimersByTimeAsync(59_000);
    expect(fake.stopped).toEqual([]);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(fake.stopped).toEqual(["student"]);
    expect(pool.resident()).toEqual([]);
  });

  it("never stops a leased server, and a new lease cancels a pending idle stop", async () => {
    const fake = fakeServers();
    const { pool } = poolOf(fake, 60_000);
    const first = await pool.acquire("student");
    await vi.advanceTimersByTimeAsync(10 * 60_000);
    expect(fake.stopped).toEqual([]);
    first.release();
    await vi.advanceTimersByTimeAsync(30_000);
    const second = await pool.acquire("student");
    await vi.advanceTimersByTimeAsync(10 * 60_000);
    expect(fake.stopped).toEqual([]);
    expect(fake.started).toEqual(["student"]);
    expect(second.url).toBe(first.url);
    second.release();
    await vi.advanceTimersByTimeAsync(60_000);
    expect(fake.stopped).toEqual(["student"]);
  });

  it("keeps a server while any of several leases is held", async () => {
    const fake = fakeServers();
    const { pool } = poolOf(fake, 0);
    const a = await pool.acquire("student");
    const b = await pool.acquire("student");
    a.release();
    await vi.advanceTimersByTimeAsync(0);
    expect(fake.stopped).toEqual([]);
    b.release();
    await vi.advanceTimersByTimeAsync(0);
    expect(fake.stopped).toEqual(["student"]);
  });

  it("with an idle period of 0, stops a server at its last release", async () => {
    const fake = fakeServers();
    const { pool } = poolOf(fake, 0);
    (await pool.acquire("student")).release();
    await vi.advanceTimersByTimeAsync(0);
    expect(fake.stopped).toEqual(["student"]);
  });

  it("counts a second release of one lease only once", async () => {
    const fake = fakeServers();
    const { pool } = poolOf(fake, 0);
    const a = await pool.acquire("student");
    const b = await pool.acquire("student");
    a.release();
    a.release();
    await vi.advanceTimersByTimeAsync(0);
    expect(fake.stopped).toEqual([]);
    b.release();
    await vi.advanceTimersByTimeAsync(0);
    expect(fake.stopped).toEqual(["student"]);
  });

  it("makes room by stopping the least recently released unleased server", async () => {
    const fake = fakeServers();
    const { pool } = poolOf(fake, 60 * 60_000, 2);
    const teacher = await pool.acquire("teacher");
    const student = await pool.acquire("student");
    student.release();
    teacher.release();
    // Both idle; the student was released first, so it goes first.
    const distilled = await pool.acquire("distilled");
    expect(fake.stopped).toEqual(["student"]);
    expect(pool.resident().sort()).toEqual(["distilled", "teacher"]);
    distilled.release();
    // The teacher (released before the distilled student) goes next.
    await pool.acquire("student");
    expect(fake.stopped).toEqual(["student", "teacher"]);
    expect(pool.resident().sort()).toEqual(["distilled", "student"]);
  });

  it("never stops a leased server to make room, and starts one more when all are leased", async () => {
    const fake = fakeServers();
    const { pool } = poolOf(fake, 60_000, 2);
    const log = vi.fn();
    await pool.acquire("teacher");
    const student = await pool.acquire("student");
    await pool.acquire("distilled", log);
    expect(fake.stopped).toEqual([]);
    expect(pool.resident().sort()).toEqual(["distilled", "student", "teacher"]);
    expect(log).toHaveBeenCalled();
    // Over the bound, the next start brings it back down with the idle student.
    student.release();
    await pool.acquire("other");
    expect(fake.stopped).toEqual(["student"]);
    expect(pool.resident()).toHaveLength(3);
  });

  it("forgets a server that exits by itself and starts a new one on the next acquire", async () => {
    const fake = fakeServers();
    const { pool } = poolOf(fake);
    const first = await pool.acquire("student");
    fake.crash("student");
    await vi.advanceTimersByTimeAsync(0);
    expect(pool.resident()).toEqual([]);
    const second = await pool.acquire("student");
    expect(fake.started).toEqual(["student", "student"]);
    expect(second.url).not.toBe(first.url);
    // The stale lease's release does not touch the new server.
    first.release();
    await vi.advanceTimersByTimeAsync(10 * 60_000);
    expect(pool.resident()).toEqual(["student"]);
  });

  it("shares one start between concurrent acquires of the same spec", async () => {
    const fake = fakeServers();
    const { pool } = poolOf(fake);
    const open = fake.holdStarts();
    const leases = Promise.all([pool.acquire("student"), pool.acquire("student"), pool.acquire("student")]);
    open();
    const [a, b, c] = await leases;
    expect(fake.started).toEqual(["student"]);
    expect(new Set([a!.url, b!.url, c!.url]).size).toBe(1);
  });

  it("lets every acquirer of a failed start see the failure, and the next acquire try again", async () => {
    let attempts = 0;
    const fake = fakeServers();
    const start = (spec: string) => (++attempts === 1 ? Promise.reject(new Error("no weights")) : fake.start(spec));
    const pool = createServerPool<string>({ start, key: (s) => s, describe: (s) => s, idleMs: 60_000, maxResident: 2 });
    const results = await Promise.allSettled([pool.acquire("student"), pool.acquire("student")]);
    expect(results.map((r) => r.status)).toEqual(["rejected", "rejected"]);
    expect(pool.resident()).toEqual([]);
    await expect(pool.acquire("student")).resolves.toMatchObject({ url: expect.any(String) });
  });

  it("starts a spec again only once its previous server has exited", async () => {
    const events: string[] = [];
    let finishStop = () => {};
    const start = async (): Promise<PooledServer> => {
      events.push("start");
      const exited = new Promise<void>((resolve) => (finishStop = () => (events.push("exited"), resolve())));
      return { url: "http://127.0.0.1/student", exited, stop: () => exited };
    };
    const pool = createServerPool<string>({ start, key: (s) => s, describe: (s) => s, idleMs: 0, maxResident: 2 });
    (await pool.acquire("student")).release();
    const next = pool.acquire("student");
    await vi.advanceTimersByTimeAsync(0);
    expect(events).toEqual(["start"]);
    finishStop();
    await next;
    expect(events).toEqual(["start", "exited", "start"]);
  });

  it("stops everything on stopAll, leases or not", async () => {
    const fake = fakeServers();
    const { pool } = poolOf(fake);
    await pool.acquire("teacher");
    (await pool.acquire("student")).release();
    await pool.stopAll();
    expect(fake.stopped.sort()).toEqual(["student", "teacher"]);
    expect(pool.resident()).toEqual([]);
  });
});

describe("the embedded servers' settings", () => {
  it("default to 10 minutes idle and two resident servers", () => {
    expect(embeddedServerPolicy({})).toEqual({ idleMs: 600_000, maxResident: 2 });
    expect(embeddedServerPolicy({ DISTILLERY_MODEL_IDLE_S: "0", DISTILLERY_MAX_RESIDENT_MODELS: "1" })).toEqual({
      idleMs: 0,
      maxResident: 1,
    });
  });

  it.each([
    ["DISTILLERY_MODEL_IDLE_S", "-1"],
    ["DISTILLERY_MODEL_IDLE_S", "10m"],
    ["DISTILLERY_MAX_RESIDENT_MODELS", "0"],
    ["DISTILLERY_MAX_RESIDENT_MODELS", "1.5"],
  ])("refuse %s=%s with a message naming it", (name, value) => {
    expect(() => embeddedServerPolicy({ [name]: value })).toThrow(name);
  });
});

describe("what a server says it runs on", () => {
  it("reaches every lease on it", async () => {
    const served = { engine: "vllm", device: "cpu", dtype: "bfloat16" };
    const pool = createServerPool<string>({
      start: async () => ({ url: "http://127.0.0.1/x", served, exited: new Promise(() => {}), stop: async () => {} }),
      key: (spec) => spec,
      describe: (spec) => spec,
      idleMs: 0,
      maxResident: 1,
    });
    const [a, b] = [await pool.acquire("teacher"), await pool.acquire("teacher")];
    expect([a.served, b.served]).toEqual([served, served]);
  });

  it("is read from the listening event only when it names all three", () => {
    expect(servedFrom({ engine: "vllm", device: "cuda", dtype: "auto" })).toEqual({
      engine: "vllm",
      device: "cuda",
      dtype: "auto",
    });
    expect(servedFrom({ engine: "vllm", device: "cpu" })).toBeUndefined();
    expect(servedFrom({ engine: "vllm", device: "cpu", dtype: 16 })).toBeUndefined();
  });
});
