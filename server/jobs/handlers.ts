// Which code runs each kind of job. The workbench's job loop and the CLI both dispatch here.
import { defaultRunDeps } from "@/server/runs/deps";
import { runJobHandler } from "@/server/runs/job";
import { trainJobHandler } from "@/server/training/job";
import type { JobKind } from "./queue";
import type { JobHandler } from "./runner";

export function jobHandlers(): Partial<Record<JobKind, JobHandler>> {
  const runs = runJobHandler(defaultRunDeps);
  return { generate: runs, eval: runs, train: trainJobHandler };
}
