// A recipe's annotate step through the API on a real database: a rule's verdicts feed an
// acceptedOnly dataset, a person's verdict wins, running again adds nothing, and a dataset with
// nothing accepted fails with a message naming its filter instead of training on nothing.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DbHandle } from "@/db/client";
import { addAnnotation } from "@/server/annotations/annotations";
import { inProcessApi, type ApiConnection } from "@/server/client/api";
import { makeEpisode, seedBenchmark, seedRun, seedTrajectory } from "@/test/trajectory-fixtures";
import { testDatabases } from "@/test/databases";
import { recipeSchema } from "./recipe";
import { runExperiment } from "./run";

const reviewThenDataset = (name: string) =>
  recipeSchema.parse({
    name,
    steps: [
      { id: "review", kind: "annotate", with: { run: ["teacher"], annotator: "rule:finished", accept: { finishedOnly: true } } },
      { id: "data", kind: "dataset", with: { run: ["teacher"], acceptedOnly: true } },
    ],
  });

describe.each(testDatabases())("experiment annotate step on $name", ({ open }) => {
  let handle: DbHandle;
  let conn: ApiConnection;
  let ids: { finished: number; unfinished: number; personAccepted: number };
  beforeAll(async () => {
    handle = await open();
    conn = { api: inProcessApi(handle.db), db: handle.db, via: "test", close: async () => {} };
    const { questionIds } = await seedBenchmark(
      handle.db,
      "toyqa",
      [0, 1, 2].map((i) => ({ question: `q${i}?`, answer: "a" })),
    );
    // The runs the recipes' generate steps would have made (`<experiment>:<step id>`).
    const mini = await seedRun(handle.db, { name: "mini:teacher", benchmark: "toyqa" });
    const none = await seedRun(handle.db, { name: "none:teacher", benchmark: "toyqa" });
    const seed = (runId: number, q: number, status: "finished" | "max_steps") =>
      seedTrajectory(handle.db, { runId, questionId: questionIds[q]! }, makeEpisode({ steps: [{}], status }), false);
    ids = {
      finished: await seed(mini, 0, "finished"),
      unfinished: await seed(mini, 1, "max_steps"),
      personAccepted: await seed(mini, 2, "max_steps"),
    };
    await seed(none, 0, "max_steps");
    await addAnnotation(handle.db, "ann", { trajectoryId: ids.personAccepted, verdict: "accept" });
  });
  afterAll(async () => {
    await handle?.close();
  });

  it("annotates by the rule, builds the dataset from the accepted trajectories, and adds nothing when run again", async () => {
    const first = await runExperiment(conn, reviewThenDataset("mini"));
    expect(first.map((s) => [s.id, s.status, s.product, s.summary])).toEqual([
      [
        "review",
        "succeeded",
        "rule:finished",
        "1 accepted, 1 rejected, 1 skipped (0 annotated by this rule before, 1 with a person's verdict)",
      ],
      ["data", "succeeded", "mini:data@1", undefined],
    ]);
    const dataset = await conn.api.datasets.get.query({ ref: "mini:data" });
    expect(dataset.trajectoryIds).toEqual([ids.finished, ids.personAccepted]);

    const again = await runExperiment(conn, reviewThenDataset("mini"));
    expect(again.map((s) => [s.status, s.summary])).toEqual([
      ["succeeded", "0 accepted, 0 rejected, 3 skipped (2 annotated by this rule before, 1 with a person's verdict)"],
      ["succeeded", undefined],
    ]);
    expect(again[1]!.product).toBe("mini:data@1"); // same content, no new version
    const [saved] = (await conn.api.experiments.list.query()).filter((e) => e.name === "mini");
    expect(saved!.steps[0]!.summary).toMatch(/^0 accepted/);
  });

  it("fails at the dataset, naming its filter, when the rule accepted nothing", async () => {
    const states = await runExperiment(conn, reviewThenDataset("none"));
    expect(states.map((s) => [s.id, s.status])).toEqual([
      ["review", "succeeded"],
      ["data", "failed"],
    ]);
    expect(states[0]!.summary).toMatch(/^0 accepted, 1 rejected/);
    expect(states[1]!.error).toMatch(/no trajectory matches these filters \(acceptedOnly\) in none:teacher/);
  });
});
