// Dataset version diffs on a real embedded database: every reason a trajectory comes or goes (a new
// run, a verdict, a filter change, a deleted trajectory, none recorded), refs in either order, bad
// refs, and `npx distillery dataset diff` run in-process on the same data directory.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { openDb, type DbHandle } from "@/db/client";
import { datasets, trajectories, verdictEvents } from "@/db/schema";
import { addAnnotation } from "@/server/annotations/annotations";
import { main } from "@/server/cli/main";
import { InputError } from "@/server/errors";
import { makeEpisode, seedBenchmark, seedRun, seedTrajectory } from "@/test/trajectory-fixtures";
import { createDataset } from "./create";
import { diffDatasets, type DiffEntry } from "./diff";

const savedEnv = { ...process.env };
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "distillery-diff-"));
const dataDir = path.join(tmp, "data");
let handle: DbHandle;
/** t[name] is the id of that trajectory (see the story in beforeAll). */
const t: Record<string, number> = {};

const reasons = (entries: DiffEntry[]) => Object.fromEntries(entries.map((e) => [e.trajectoryId, e.reason]));

beforeAll(async () => {
  handle = await openDb({ url: "", dir: path.join(dataDir, "pglite") });
  const db = handle.db;
  const { questionIds: q } = await seedBenchmark(
    db,
    "bench",
    Array.from({ length: 6 }, (_, i) => ({ question: `What is ${i} + ${i}?`, answer: String(2 * i) })),
  );
  const r1 = await seedRun(db, { name: "r1", benchmark: "bench" });
  const r2 = await seedRun(db, { name: "r2", benchmark: "bench" });
  const save = (runId: number, questionId: number, correct: boolean) =>
    seedTrajectory(db, { runId, questionId }, makeEpisode({ steps: [{}] }), correct);
  t.kept = await save(r1, q[0]!, true);
  t.rejected = await save(r1, q[1]!, true);
  t.deleted = await save(r1, q[2]!, true);
  t.wrong = await save(r1, q[3]!, false);
  t.overruled = await save(r1, q[4]!, true);
  t.dropped = await save(r2, q[0]!, true);
  await addAnnotation(db, "ann", { trajectoryId: t.overruled, verdict: "reject", reason: "lucky_guess" });
  await createDataset(db, { name: "ds", run: ["r1", "r2"], correctOnly: true, excludeRejected: true });

  // Between ds@1 and ds@2: a verdict each way, a deletion, a new run, and a different filter.
  await addAnnotation(db, "ann", { trajectoryId: t.rejected, verdict: "reject", reason: "lucky_guess" });
  await addAnnotation(db, "lead", { trajectoryId: t.overruled, verdict: "accept" }, { final: true });
  await db.delete(trajectories).where(eq(trajectories.id, t.deleted));
  const r3 = await seedRun(db, { name: "r3", benchmark: "bench" });
  t.fresh = await save(r3, q[5]!, true);
  await createDataset(db, { name: "ds", run: ["r1", "r3"], excludeRejected: true });

  // A verdict set behind the audit's back: nothing recorded explains the change.
  await createDataset(db, { name: "other", run: ["r1"], excludeRejected: true });
  await db.update(trajectories).set({ latestVerdict: "reject" }).where(eq(trajectories.id, t.wrong));
  await createDataset(db, { name: "other", run: ["r1"], excludeRejected: true });
});

afterAll(async () => {
  await handle?.close();
  process.env = savedEnv;
  fs.rmSync(tmp, { recursive: true, force: true });
});

describe("diffDatasets", () => {
  it("gives each added and removed trajectory its reason", async () => {
    const diff = await diffDatasets(handle.db, "ds@1", "ds@2");
    expect(diff).toMatchObject({
      from: { name: "ds", version: 1, count: 4 },
      to: { name: "ds", version: 2, count: 4 },
      sameDataset: true,
      newerFirst: false,
      filterChanged: true,
      filterChanges: [
        { key: "run", from: ["r1", "r2"], to: ["r1", "r3"] },
        { key: "correctOnly", from: true, to: false },
      ],
      unchanged: 1,
    });
    expect(reasons(diff.added)).toEqual({ [t.wrong!]: "filter_change", [t.overruled!]: "new_verdict", [t.fresh!]: "new_run" });
    expect(reasons(diff.removed)).toEqual({
      [t.rejected!]: "new_verdict",
      [t.deleted!]: "trajectory_deleted",
      [t.dropped!]: "filter_change",
    });

    const entry = (entries: DiffEntry[], id: number) => entries.find((e) => e.trajectoryId === id)!;
    expect(entry(diff.added, t.fresh!)).toMatchObject({
      run: "r3",
      question: "What is 5 + 5?",
      detail: "run r3 started after ds@1 was made",
    });
    expect(entry(diff.added, t.overruled!).detail).toMatch(/^accepted \(final\) by lead \d{4}-\d\d-\d\d \d\d:\d\d UTC \(reject→accept\)$/);
    expect(entry(diff.added, t.wrong!).detail).toBe("filter changed: correctOnly");
    expect(entry(diff.removed, t.rejected!).detail).toMatch(/^rejected \(lucky_guess\) by ann .* \(none→reject\)$/);
    expect(entry(diff.removed, t.dropped!).detail).toBe("run r2 left the filter");
    expect(entry(diff.removed, t.deleted!)).toMatchObject({ run: null, question: null });
  });

  it("calls a change nothing recorded explains 'other'", async () => {
    const diff = await diffDatasets(handle.db, "other@1", "other@2");
    expect(diff.filterChanged).toBe(false);
    expect(diff.added).toEqual([]);
    expect(diff.removed).toEqual([expect.objectContaining({ trajectoryId: t.wrong, run: "r1", reason: "other" })]);
  });

  it("diffs refs given newer-first as given, with the reasons read forward in time", async () => {
    const diff = await diffDatasets(handle.db, "ds@2", "ds@1");
    expect(diff.newerFirst).toBe(true);
    expect(reasons(diff.added)).toEqual({
      [t.rejected!]: "new_verdict",
      [t.deleted!]: "trajectory_deleted",
      [t.dropped!]: "filter_change",
    });
    expect(reasons(diff.removed)).toEqual({ [t.wrong!]: "filter_change", [t.overruled!]: "new_verdict", [t.fresh!]: "new_run" });
  });

  it("compares versions of two different datasets and says so", async () => {
    const diff = await diffDatasets(handle.db, "ds@2", "other@1");
    expect(diff).toMatchObject({ sameDataset: false, from: { name: "ds" }, to: { name: "other" } });
  });

  it("orders a verdict given in the same millisecond as a version after it (ids, not the clock)", async () => {
    const db = handle.db;
    const { dataset: before } = await createDataset(db, { name: "tie", run: ["r1"], excludeRejected: true });
    await addAnnotation(db, "ann", { trajectoryId: t.kept!, verdict: "reject", reason: "lucky_guess" });
    const { dataset: after } = await createDataset(db, { name: "tie", run: ["r1"], excludeRejected: true });
    // PGlite's clock ticks in whole milliseconds: make the tie certain rather than likely.
    await db.update(verdictEvents).set({ createdAt: before.createdAt }).where(eq(verdictEvents.trajectoryId, t.kept!));
    await db.update(datasets).set({ createdAt: before.createdAt }).where(eq(datasets.id, after.id));
    const diff = await diffDatasets(db, "tie@1", "tie@2");
    expect(diff.newerFirst).toBe(false);
    expect(reasons(diff.removed)).toEqual({ [t.kept!]: "new_verdict" });
    expect(reasons((await diffDatasets(db, "tie@2", "tie@1")).added)).toEqual({ [t.kept!]: "new_verdict" });
  });

  it.each([
    ["", /not a dataset ref/],
    ["@1", /not a dataset ref/],
    ["ds@9", /no dataset "ds@9"/],
    ["nope@1", /no dataset "nope@1"/],
  ])("refuses the ref %j with one line", async (ref, message) => {
    const error = await diffDatasets(handle.db, "ds@1", ref).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).message).toMatch(message);
    expect((error as InputError).message).not.toContain("\n");
  });
});

describe("npx distillery dataset diff", () => {
  beforeAll(async () => {
    // The CLI opens the data directory itself, as it would for a user.
    await handle.close();
    handle = undefined as unknown as DbHandle;
    Object.assign(process.env, { DISTILLERY_DATA_DIR: dataDir, XDG_CONFIG_HOME: path.join(tmp, "config") });
    for (const name of ["DATABASE_URL", "DISTILLERY_URL", "DISTILLERY_TOKEN"]) delete process.env[name];
  });

  async function cli(...argv: string[]) {
    const out: string[] = [];
    const err: string[] = [];
    const log = vi.spyOn(console, "log").mockImplementation((...a) => void out.push(a.join(" ")));
    const error = vi.spyOn(console, "error").mockImplementation((...a) => void err.push(a.join(" ")));
    try {
      return { code: await main(argv), out: out.join("\n"), err };
    } finally {
      log.mockRestore();
      error.mockRestore();
    }
  }

  it("prints added and removed as JSON lists with their reasons (--json)", async () => {
    const result = await cli("dataset", "diff", "ds@1", "ds@2", "--json");
    expect(result.code).toBe(0);
    const json = JSON.parse(result.out);
    expect(Object.keys(json).sort()).toEqual(
      ["added", "filterChanged", "filterChanges", "from", "newerFirst", "removed", "sameDataset", "to", "unchanged"].sort(),
    );
    expect(json.from).toEqual({ name: "ds", version: 1, createdAt: expect.stringMatching(/^\d{4}-/), count: 4 });
    for (const e of [...json.added, ...json.removed]) {
      expect(Object.keys(e).sort()).toEqual(["detail", "question", "reason", "run", "trajectoryId"]);
    }
    expect(json.added.map((e: DiffEntry) => e.reason).sort()).toEqual(["filter_change", "new_run", "new_verdict"]);
  });

  it("prints a summary line, then the added and removed tables", async () => {
    const result = await cli("dataset", "diff", "ds@1", "ds@2");
    expect(result.code).toBe(0);
    expect(result.out.split("\n")[0]).toBe("ds@1 → ds@2: +3 −3, 1 unchanged; filter changed: run r1,r2→r1,r3, correctOnly true→false");
    expect(result.out).toMatch(/\nAdded \(3\)\n/);
    expect(result.out).toMatch(/\nRemoved \(3\)\n/);
    expect(result.out).toContain("trajectory_deleted");
  });

  it.each([
    [["dataset", "diff", "ds@1"], /give two versions/],
    [["dataset", "diff", "ds@1", "ds@7"], /no dataset "ds@7"/],
  ])("refuses %j with one line on stderr and exit code 2", async (argv, message) => {
    const result = await cli(...argv);
    expect(result.code).toBe(2);
    expect(result.err).toHaveLength(1);
    expect(result.err[0]).toMatch(message);
  });
});
