// The job handler of generation and evaluation runs: resolve the stored config, build the
// run's dependencies (model endpoint, retriever, scorer, sandbox) and run it with progress.
import type { Db } from "@/db/client";
import { InputError } from "@/server/errors";
import type { JobHandler } from "@/server/jobs/runner";
import { JobFailure } from "@/server/jobs/runner";
import { resolveRunConfig, type RunConfig, type RunConfigInput } from "./config";
import { LlmError } from "@/server/llm";
import { completedRun, generateRun, type RunDeps } from "./generate";

export type DepsFactory = (config: RunConfig, db: Db, log?: (line: string) => void) => Promise<RunDeps>;

export function runJobHandler(makeDeps: DepsFactory): JobHandler {
  return async ({ db, job, signal, progress, log }) => {
    const config = resolveRunConfig(job.config as RunConfigInput);
    // A finished run (a resumed recipe's earlier step) needs no model server: answer from the database.
    const complete = await completedRun(db, config).catch(expectedFailure);
    if (complete) {
      log(`run "${config.run}": all ${complete.total} trajectories already stored; nothing to do`);
      progress(complete.total, complete.total);
      return complete;
    }
    const deps = await makeDeps(config, db, log);
    return await generateRun(db, config, deps, { signal, progress, log }, job.id).catch(expectedFailure);
  };
}

/** Expected failures end the job with their message alone, no stack trace. */
export function expectedFailure(err: unknown): never {
  if (err instanceof LlmError || err instanceof InputError) throw new JobFailure(err.message);
  throw err;
}
