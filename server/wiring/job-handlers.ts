// Which code runs each kind of job. server/jobs/ is the generic queue and runner and imports no
// feature (an ESLint rule checks it); this module is where the features are plugged into it. The
// workbench's job loop (instrumentation.ts) and the CLI both dispatch here.
import type { JobKind } from "@/server/jobs/queue";
import type { JobHandler } from "@/server/jobs/runner";
import { defaultRunDeps } from "@/server/runs/deps";
import { runJobHandler } from "@/server/runs/job";
import { trainJobHandler } from "@/server/training/job";
import { distillJobHandler } from "@/server/distill/job";

export function jobHandlers(): Partial<Record<JobKind, JobHandler>> {
  const runs = runJobHandler(defaultRunDeps);
  return { generate: runs, eval: runs, train: trainJobHandler, distill: distillJobHandler(defaultRunDeps) };
}
