import { ZodError } from "zod";
import { connectApi } from "@/server/client/api";
import { runOrFollowJob } from "@/server/client/follow-job";
import { jobHandlers } from "@/server/wiring/job-handlers";
import { runConfigInput, resolveRunConfig } from "@/server/runs/config";
import { isSandboxRefusal } from "@/server/tools/sandbox/policy";
import type { Command } from "../command";
import { printJson } from "../format";
import { inputFromFlags, optionsFromSchema, usageErrorFromZod } from "../schema-flags";
import { printRunSummary } from "./runs";

const help: Record<string, string> = {
  run: "run name; the same name resumes a run (default: derived from the config)",
  benchmark: "benchmark name as in data/benchmarks/manifest.json (gsm_hard, hotpotqa, math_500, …)",
  split: "train | test (default test)",
  limit: "at most N questions",
  offset: "skip the first N questions",
  modelUrl:
    "embedded | a configured endpoint's name (endpoints.json) | an OpenAI-compatible URL, e.g. http://127.0.0.1:8000/v1 (not in team mode); key from DISTILLERY_API_KEY",
  model: "model name at that endpoint",
  role: "teacher (long prompt with examples) | student (short prompt)",
  mode: "agent | cot | cot-rag (default agent)",
  ftp: "first-thought prefix (teacher agent runs)",
  sag: "SAG: N candidate actions per step (default 1 = off)",
  temperature: "sampling temperature (default 0, or 0.4 with SAG)",
  topP: "top-p (default 0.8)",
  maxSteps: "agent steps before the forced final answer (default 5)",
  maxTokens: "max new tokens per model call (default 1024)",
  samplesPerQuestion: "trajectories per question (default 1)",
  concurrency: "episodes in flight (default 8)",
  retriever: "bm25 | a configured retriever's name | URL of a Search-R1-compatible retriever (not in team mode; default bm25)",
  seed: "sampling seed (default 42)",
  tags: "tag for the compare page (repeatable)",
  unsafeNoSandbox: "run model code even where the sandbox lacks isolation layers (recorded on the run)",
};

export const generateCommand: Command = {
  name: "generate",
  summary: "run a model as a CodeAct agent (or CoT) over a benchmark; resumable",
  usage: "--benchmark NAME --model-url URL --model NAME [flags]",
  options: { ...optionsFromSchema(runConfigInput, help), json: { type: "boolean", help: "print JSON" } },
  async run(args) {
    const input = inputFromFlags(runConfigInput, args);
    try {
      resolveRunConfig(input);
    } catch (err) {
      if (err instanceof ZodError) throw usageErrorFromZod(err);
      throw err;
    }
    const conn = await connectApi();
    try {
      let queued;
      try {
        queued = await conn.api.runs.generate.mutate(input);
      } catch (err) {
        if (!isSandboxRefusal(err)) throw err;
        console.error(`distillery: ${(err as Error).message}`); // one line: the layers and the opt-out
        return 2;
      }
      const { jobId, run, kind } = queued;
      if (!args.values.json) console.error(`run "${run}" (job ${jobId}, via ${conn.via})`);
      const job = await runOrFollowJob(conn, jobId, run, jobHandlers()[kind]!);
      const summary = await conn.api.runs.get.query({ name: run }).catch(() => null);
      if (args.values.json) printJson({ job: { id: job.id, status: job.status, error: job.error }, run: summary });
      else if (summary) printRunSummary([summary]);
      if (job.status === "failed") {
        console.error(`distillery: run "${run}" failed: ${job.error ?? "see the job's log"}`);
        return 1;
      }
      if (job.status === "cancelled") {
        console.error(`run "${run}" was cancelled; run the same command again to resume it`);
        return 130;
      }
    } finally {
      await conn.close();
    }
  },
};
