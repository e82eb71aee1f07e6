// Deterministic run tests: a scripted OpenAI-compatible stub server plays the model (real HTTP on
// loopback), code runs in the real sandbox, trajectories land in a real database.
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { DbHandle } from "@/db/client";
import { createChatClient } from "@/server/llm";
import { candidates, runs, steps, students, trajectories } from "@/db/schema";
import { importBenchmarks } from "@/server/benchmarks/import";
import { SandboxSession } from "@/server/tools/sandbox/session";
import { probeSandbox } from "@/server/tools/sandbox/probe";
import { getTrajectory } from "@/server/trajectories/detail";
import type { Retriever } from "@/server/tools/retrieval";
import { testDatabases } from "@/test/databases";
import { startStubLlm, type StubServer } from "@/test/stub-llm";
import { resolveRunConfig } from "./config";
import { generateRun, type RunDeps } from "./generate";
import { runJobHandler } from "./job";
import { getRunByName, runStats } from "./stats";

const fakeRetriever: Retriever = {
  name: "fake",
  searchMany: async (queries) => queries.map((q) => [{ id: "1", title: "Fact", contents: `About ${q}.`, score: 1 }]),
};

function deps(stub: StubServer): RunDeps {
  return {
    model: createChatClient({ baseUrl: stub.url, model: "stub-model", retries: 0 }),
    retriever: () => fakeRetriever,
    score: async (q, predicted) => {
      const correct = predicted !== null && Number(predicted) === Number(q.answer);
      return { correct, detail: { method: "numeric-test" } };
    },
    startSession: () => SandboxSession.start({ tools: ["web_search"] }),
  };
}

describe.each(testDatabases().slice(0, 1))("generate runs on $name", ({ open }) => {
  let handle: DbHandle;
  beforeAll(async () => {
    handle = await open();
    await importBenchmarks(handle.db);
  });
  afterAll(async () => {
    await handle?.close();
  });

  it("stores every step of an agent run, recovering from parse and exec errors", async () => {
    // First question: a malformed reply, then a crashing action, then the answer.
    const script = (_req: unknown, call: number) =>
      [
        "Thought: I will just say it. The answer is 5.",
        "Thought: compute\n```py\nprint(1/0)\n```",
        "Thought: fix it\n```py\nx = 13138980\nprint(x)\nfinal_answer(x)\n```",
      ][call % 3]!;
    const stub = await startStubLlm(script);
    try {
      const config = resolveRunConfig({
        run: "agent-errors",
        benchmark: "gsm_hard",
        limit: 1,
        modelUrl: stub.url,
        model: "stub-model",
        concurrency: 1,
      });
      const result = await generateRun(handle.db, config, deps(stub));
      expect(result.stored).toBe(1);
      const [t] = await handle.db.select().from(trajectories).where(eq(trajectories.runId, result.runId));
      expect(t).toMatchObject({ status: "finished", finalAnswer: "13138980", correct: true, numSteps: 3 });
      expect(t!.hasParseError && t!.hasExecError).toBe(true);
      const rows = await handle.db.select().from(steps).where(eq(steps.trajectoryId, t!.id)).orderBy(steps.idx);
      expect(rows.map((s) => s.errorKind)).toEqual(["parse", "exec", null]);
      expect(rows[1]!.observation).toMatch(/ZeroDivisionError/);
      // The model saw the parse error and the traceback as observations.
      expect(stub.requests[1]!.messages.at(-1)!.content).toMatch(/could not be parsed/);
      expect(stub.requests[2]!.messages.at(-1)!.content).toMatch(/ZeroDivisionError/);
      expect(stub.requests[0]!.stop).toEqual(["<end_code>", "Observation:", "Calling tools:"]);
    } finally {
      await stub.close();
    }
  });

  it("forces a final-answer call after max steps and never counts it as finished", async () => {
    const stub = await startStubLlm((req) =>
      /used all/.test(req.messages.at(-1)!.content)
        ? "Thought: best guess\n```py\nfinal_answer(7)\n```"
        : "Thought: search\n```py\nprint(web_search('x'))\n```",
    );
    try {
      const config = resolveRunConfig({
        run: "max-steps",
        benchmark: "gsm_hard",
        limit: 1,
        maxSteps: 2,
        modelUrl: stub.url,
        model: "stub-model",
      });
      const { runId } = await generateRun(handle.db, config, deps(stub));
      const [t] = await handle.db.select().from(trajectories).where(eq(trajectories.runId, runId));
      expect(t).toMatchObject({ status: "max_steps", finalAnswer: "7", numSteps: 3, retrievalCalls: 2 });
      const rows = await handle.db.select().from(steps).where(eq(steps.trajectoryId, t!.id)).orderBy(steps.idx);
      expect(rows.map((s) => s.forcedFinal)).toEqual([false, false, true]);
      expect(rows[0]!.observation).toContain("About x.");
    } finally {
      await stub.close();
    }
  });

  it("continues the first-thought prefix through continue_final_message", async () => {
    const stub = await startStubLlm((req) => {
      if (req.messages[0]!.content.startsWith("Answer the question by reasoning")) {
        return "First, 2 + 3 gives 5.\n\nThen more reasoning.\n\\boxed{5}";
      }
      return " So I compute it.\n```py\nfinal_answer(2 + 3)\n```";
    });
    try {
      const config = resolveRunConfig({
        run: "ftp",
        benchmark: "gsm_hard",
        limit: 1,
        ftp: true,
        modelUrl: stub.url,
        model: "stub-model",
      });
      const { runId } = await generateRun(handle.db, config, deps(stub));
      const [t] = await handle.db.select().from(trajectories).where(eq(trajectories.runId, runId));
      expect(t!.ftpPrefix).toBe("First, 2 + 3 gives 5.");
      const agentCall = stub.requests[1]!;
      expect(agentCall.continue_final_message).toBe(true);
      expect(agentCall.add_generation_prompt).toBe(false);
      expect(agentCall.messages.at(-1)).toEqual({ role: "assistant", content: "Thought: First, 2 + 3 gives 5." });
      const [s] = await handle.db.select().from(steps).where(eq(steps.trajectoryId, t!.id));
      expect(s!.thought).toBe("First, 2 + 3 gives 5. So I compute it.");
      expect(t!.finalAnswer).toBe("5");
    } finally {
      await stub.close();
    }
  });

  it("votes among SAG candidates run in isolated forks and keeps the winner's state", async () => {
    // 5 candidates: 3 agree on 10, one prints 11, one fails. Each increments a shared counter:
    // if candidates leaked state, the winner would see more than one increment.
    const stub = await startStubLlm((req, call) => {
      if (call === 0) {
        return [
          "Thought: a\n```py\ncounter = 1\nprint(10)\n```",
          "Thought: b\n```py\ncounter = 1\nprint(11)\n```",
          "Thought: c\n```py\ncounter = 1\nprint( 10 )\n```",
          "Thought: d\n```py\nraise ValueError('bad')\n```",
          "Thought: e\n```py\ncounter = 1\nprint(10)\n```",
        ];
      }
      return ["Thought: done\n```py\ncounter += 1\nfinal_answer(counter)\n```"];
    });
    try {
      const config = resolveRunConfig({
        run: "sag",
        benchmark: "gsm_hard",
        limit: 1,
        sag: 5,
        role: "student",
        modelUrl: stub.url,
        model: "stub-model",
      });
      const { runId } = await generateRun(handle.db, config, deps(stub));
      expect(stub.requests[0]!.n).toBe(5);
      expect(stub.requests[0]!.temperature).toBe(0.4);
      const [t] = await handle.db.select().from(trajectories).where(eq(trajectories.runId, runId));
      expect(t!.finalAnswer).toBe("2"); // the winner's state continued: counter was 1, not re-run
      const [first] = await handle.db.select().from(steps).where(eq(steps.trajectoryId, t!.id)).orderBy(steps.idx);
      const cands = await handle.db.select().from(candidates).where(eq(candidates.stepId, first!.id)).orderBy(candidates.idx);
      expect(cands).toHaveLength(5);
      expect(cands.map((c) => c.votes)).toEqual([3, 1, 3, 0, 3]);
      expect(cands[3]).toMatchObject({ parseOk: true, execOk: false, chosen: false });
      expect(cands[3]!.error).toMatch(/ValueError: bad/);
      expect(cands.filter((c) => c.chosen)).toHaveLength(1);
      expect([0, 2, 4]).toContain(first!.chosenCandidate);
      const stats = (await runStats(handle.db, [runId])).get(runId)!;
      expect(stats.voteAgreement).toBeCloseTo(0.75 / 2 + 0.5); // step 1: 3/4 agree; step 2: 5/5
    } finally {
      await stub.close();
    }
  });

  it("links a run of a trained student to its students row, and other runs to none", async () => {
    const stub = await startStubLlm("Thought: t\n```py\nfinal_answer(1)\n```");
    try {
      const [student] = await handle.db
        .insert(students)
        .values({ name: "linked-student", baseModel: "tiny", adapterPath: "/nowhere" })
        .returning();
      const run = (name: string, model: string) =>
        generateRun(handle.db, resolveRunConfig({ run: name, benchmark: "gsm_hard", limit: 1, modelUrl: stub.url, model }), deps(stub));
      const linked = await run("linked", "linked-student");
      const plain = await run("unlinked", "stub-model");
      const rows = await handle.db.select({ id: runs.id, studentId: runs.studentId }).from(runs);
      expect(rows.find((r) => r.id === linked.runId)!.studentId).toBe(student!.id);
      expect(rows.find((r) => r.id === plain.runId)!.studentId).toBeNull();
    } finally {
      await stub.close();
    }
  });

  it("resumes without duplicates and refuses a changed config under the same name", async () => {
    const stub = await startStubLlm("Thought: t\n```py\nfinal_answer(1)\n```");
    try {
      const base = { run: "resume", benchmark: "gsm_hard", modelUrl: stub.url, model: "stub-model" } as const;
      await generateRun(handle.db, resolveRunConfig({ ...base, limit: 2 }), deps(stub));
      const again = await generateRun(handle.db, resolveRunConfig({ ...base, limit: 3 }), deps(stub));
      expect(again.stored).toBe(3);
      expect(stub.requests).toHaveLength(3);
      await expect(generateRun(handle.db, resolveRunConfig({ ...base, maxSteps: 3 }), deps(stub))).rejects.toThrow(
        /exists with maxSteps=5/,
      );
    } finally {
      await stub.close();
    }
  });

  it("as a job, passes a finished run without building its model server or sandbox", async () => {
    const stub = await startStubLlm("Thought: t\n```py\nfinal_answer(1)\n```");
    try {
      const input = { run: "job-resume", benchmark: "gsm_hard", modelUrl: stub.url, model: "stub-model", limit: 2 };
      const makeDeps = vi.fn(async () => deps(stub));
      const handler = runJobHandler(makeDeps);
      const progress = vi.fn();
      const ctx = (config: Record<string, unknown>) =>
        ({ db: handle.db, job: { id: 0, config }, signal: new AbortController().signal, progress, log: () => {} }) as never;
      await handler(ctx(input));
      expect(makeDeps).toHaveBeenCalledTimes(1);
      expect(await handler(ctx(input))).toMatchObject({ run: "job-resume", total: 2, stored: 2 });
      expect(makeDeps).toHaveBeenCalledTimes(1); // nothing left to do: no model server started
      expect(progress).toHaveBeenLastCalledWith(2, 2);
      await expect(handler(ctx({ ...input, maxSteps: 3 }))).rejects.toThrow(/exists with maxSteps=5/); // still checked
      await handler(ctx({ ...input, limit: 3 }));
      expect(makeDeps).toHaveBeenCalledTimes(2); // one question more: the deps are built again
      expect(stub.requests).toHaveLength(3);
    } finally {
      await stub.close();
    }
  });

  it("stores what served each trajectory, and the run's numbers count them per engine and dtype", async () => {
    const stub = await startStubLlm(() => "The answer is \\boxed{1}.");
    try {
      const base = { run: "served-mix", benchmark: "gsm_hard", modelUrl: stub.url, model: "stub-model", mode: "cot" } as const;
      const bf16 = { engine: "vllm", device: "cpu", dtype: "bfloat16" };
      const fp32 = { engine: "vllm", device: "cpu", dtype: "float32" };
      // The same run resumed on another machine: its first two trajectories in bf16, the next one in fp32.
      await generateRun(handle.db, resolveRunConfig({ ...base, limit: 2 }), { ...deps(stub), served: bf16 });
      const resumed = await generateRun(handle.db, resolveRunConfig({ ...base, limit: 3 }), { ...deps(stub), served: fp32 });
      const rows = await handle.db.select().from(trajectories).where(eq(trajectories.runId, resumed.runId)).orderBy(trajectories.id);
      expect(rows.map((t) => t.served)).toEqual([bf16, bf16, fp32]);
      const stats = (await runStats(handle.db, [resumed.runId])).get(resumed.runId)!;
      expect(stats.served).toEqual([
        { ...bf16, trajectories: 2 },
        { ...fp32, trajectories: 1 },
      ]);
      // An endpoint of one's own says nothing: stored as null, not counted.
      const own = await generateRun(handle.db, resolveRunConfig({ ...base, run: "served-own", limit: 1 }), deps(stub));
      const [t] = await handle.db.select().from(trajectories).where(eq(trajectories.runId, own.runId));
      expect(t!.served).toBeNull();
      expect((await runStats(handle.db, [own.runId])).get(own.runId)!.served).toEqual([]);
    } finally {
      await stub.close();
    }
  });

  it("gives back what its deps hold when it ends, finished or failed", async () => {
    const stub = await startStubLlm(() => "The answer is 1.");
    try {
      const base = { benchmark: "gsm_hard", limit: 1, modelUrl: stub.url, model: "stub-model", mode: "cot" } as const;
      const close = vi.fn(async () => {});
      await generateRun(handle.db, resolveRunConfig({ ...base, run: "close-finished" }), { ...deps(stub), close });
      expect(close).toHaveBeenCalledOnce();
      const failing = resolveRunConfig({ ...base, run: "close-failed", benchmark: "no-such-benchmark" });
      await expect(generateRun(handle.db, failing, { ...deps(stub), close })).rejects.toThrow(/no benchmark/);
      expect(close).toHaveBeenCalledTimes(2);
    } finally {
      await stub.close();
    }
  });

  it("refuses to start without a required sandbox layer, before any episode; an opted-out run records it", async () => {
    vi.stubEnv("DISTILLERY_SANDBOX_SIMULATE_MISSING", "net_namespace"); // test-only: a kernel without it
    const stub = await startStubLlm(() => "Thought: done\n```py\nfinal_answer(13138980)\n```");
    try {
      const base = { benchmark: "gsm_hard", limit: 1, modelUrl: stub.url, model: "stub-model", concurrency: 1 };
      const refused = resolveRunConfig({ ...base, run: "sandbox-refused" });
      const run = generateRun(handle.db, refused, { ...deps(stub), probeSandbox: () => probeSandbox(refused) });
      await expect(run).rejects.toThrow(/^code sandbox refused to start: .*net_namespace.*--unsafe-no-sandbox/);
      expect(stub.requests).toEqual([]); // not one model call, not one episode
      expect(await handle.db.select().from(runs).where(eq(runs.name, "sandbox-refused"))).toEqual([]);

      const unsafe = resolveRunConfig({ ...base, run: "sandbox-unsafe", unsafeNoSandbox: true });
      expect(unsafe.sandbox).toBe("unsafe");
      const unsafeDeps = {
        ...deps(stub),
        startSession: () => SandboxSession.start({ tools: ["web_search"], allowUnsafe: true }),
        probeSandbox: () => probeSandbox(unsafe),
      };
      const result = await generateRun(handle.db, unsafe, unsafeDeps);
      const stored = await getRunByName(handle.db, "sandbox-unsafe");
      expect(stored!.config).toMatchObject({ sandbox: "unsafe", sandboxLayersOff: ["net_namespace"] });
      expect(stored!.unsafeSandbox).toEqual({ layersOff: ["net_namespace"] });
      const [t] = await handle.db.select().from(trajectories).where(eq(trajectories.runId, result.runId));
      expect((await getTrajectory(handle.db, t!.id))!.run.unsafeSandbox).toEqual({ layersOff: ["net_namespace"] });
    } finally {
      vi.unstubAllEnvs();
      await stub.close();
    }
  });
});
