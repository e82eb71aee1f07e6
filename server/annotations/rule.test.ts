// Verdicts by a rule on a real database: accepted and rejected by its checks, a person's verdict
// never overridden, applying it again adds nothing, bad input named.
import { count, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DbHandle } from "@/db/client";
import { annotations, trajectories } from "@/db/schema";
import { makeEpisode, seedBenchmark, seedRun, seedTrajectory } from "@/test/trajectory-fixtures";
import { testDatabases } from "@/test/databases";
import { addAnnotation, annotationHistory } from "./annotations";
import { annotateByRule, describeRuleOutcome } from "./rule";

const rule = { run: ["r"], annotator: "rule:finished", accept: { finishedOnly: true, noParseErrors: true } };

describe.each(testDatabases())("annotation rules on $name", ({ open }) => {
  let handle: DbHandle;
  let questionIds: number[];
  let runId: number;
  let ids: Record<"clean" | "unfinished" | "parseError" | "both" | "personRejected" | "otherRule" | "otherRun", number>;
  beforeAll(async () => {
    handle = await open();
    const { db } = handle;
    ({ questionIds } = await seedBenchmark(
      db,
      "toyqa",
      Array.from({ length: 8 }, (_, i) => ({ question: `q${i}?`, answer: "a" })),
    ));
    runId = await seedRun(db, { name: "r", benchmark: "toyqa" });
    const otherRunId = await seedRun(db, { name: "other", benchmark: "toyqa" });
    const seed = (q: number, episode: Parameters<typeof makeEpisode>[0], run = runId) =>
      seedTrajectory(db, { runId: run, questionId: questionIds[q]! }, makeEpisode(episode), false);
    ids = {
      clean: await seed(0, { steps: [{}] }),
      unfinished: await seed(1, { steps: [{}], status: "max_steps" }),
      parseError: await seed(2, { steps: [{ errorKind: "parse" }, {}] }),
      both: await seed(3, { steps: [{ errorKind: "parse" }], status: "max_steps" }),
      personRejected: await seed(4, { steps: [{}] }),
      otherRule: await seed(5, { steps: [{}] }),
      otherRun: await seed(6, { steps: [{}] }, otherRunId),
    };
    await addAnnotation(db, "ann", { trajectoryId: ids.personRejected, verdict: "reject", reason: "lucky_guess" });
    await addAnnotation(db, "rule:correct", { trajectoryId: ids.otherRule, verdict: "reject", reason: "wrong_answer" });
  });
  afterAll(async () => {
    await handle?.close();
  });

  const verdictOf = async (id: number) => (await annotationHistory(handle.db, id))[0];

  it("accepts what passes every check and rejects the rest, naming the failed checks", async () => {
    const outcome = await annotateByRule(handle.db, rule);
    expect(outcome).toEqual({ annotator: "rule:finished", accepted: 2, rejected: 3, skippedAlreadyAnnotated: 0, skippedHumanVerdict: 1 });
    expect(describeRuleOutcome(outcome)).toBe(
      "2 accepted, 3 rejected, 1 skipped (0 annotated by this rule before, 1 with a person's verdict)",
    );

    const verdicts = Object.fromEntries(
      await Promise.all(Object.entries(ids).map(async ([key, id]) => [key, await verdictOf(id)] as const)),
    );
    const summary = (key: keyof typeof ids) => {
      const a = verdicts[key];
      return a && [a.userName, a.verdict, a.reason, a.note];
    };
    expect(summary("clean")).toEqual(["rule:finished", "accept", null, "passed noParseErrors, finishedOnly"]);
    expect(summary("unfinished")).toEqual(["rule:finished", "reject", "other", "failed finishedOnly"]);
    expect(summary("parseError")).toEqual(["rule:finished", "reject", "bad_code", "failed noParseErrors"]);
    expect(summary("both")).toEqual(["rule:finished", "reject", "bad_code", "failed noParseErrors, finishedOnly"]);
    // A person's verdict stands; another rule's is not a person's, so this rule's newer one wins.
    expect(summary("personRejected")).toEqual(["ann", "reject", "lucky_guess", null]);
    expect(summary("otherRule")).toEqual(["rule:finished", "accept", null, "passed noParseErrors, finishedOnly"]);
    expect(summary("otherRun")).toBeUndefined();

    // The review queue's verdict column follows, so the workbench's filters and datasets see them.
    const [clean] = await handle.db.select({ v: trajectories.latestVerdict }).from(trajectories).where(eq(trajectories.id, ids.clean));
    expect(clean!.v).toBe("accept");
  });

  it("applied again adds nothing, and then annotates only trajectories that are new", async () => {
    const annotationCount = async () => (await handle.db.select({ n: count() }).from(annotations))[0]!.n;
    const before = await annotationCount();
    expect(await annotateByRule(handle.db, rule)).toEqual({
      annotator: "rule:finished",
      accepted: 0,
      rejected: 0,
      skippedAlreadyAnnotated: 5,
      skippedHumanVerdict: 1,
    });
    expect(await annotationCount()).toBe(before);

    await seedTrajectory(handle.db, { runId, questionId: questionIds[7]! }, makeEpisode({ steps: [{}] }), true);
    expect(await annotateByRule(handle.db, rule)).toMatchObject({ accepted: 1, rejected: 0, skippedAlreadyAnnotated: 5 });
    expect(await annotationCount()).toBe(before + 1);
  });

  it("names what is wrong with a rule", async () => {
    await expect(annotateByRule(handle.db, { ...rule, run: ["r", "nope"] })).rejects.toThrow(/no run named "nope"/);
    await expect(annotateByRule(handle.db, { ...rule, annotator: "finished" })).rejects.toThrow(/a rule.s name/);
    await expect(annotateByRule(handle.db, { ...rule, accept: {} })).rejects.toThrow(/at least one check/);
  });
});
