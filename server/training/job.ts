// The training job: export the dataset, run the trainer (worker/distillery_worker/train; LoRA or full)
// on the local or Ray backend, stream its JSON-lines progress into job metrics, and register the
// trained student. The output directory is stable per student name, so retrying a killed job
// resumes from its last checkpoint.
import fs from "node:fs";
import path from "node:path";
import { eq, sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import { jobs, students } from "@/db/schema";
import { findDataset } from "@/server/datasets/create";
import { InputError } from "@/server/errors";
import { checkModelRef, modelRootsEnv, studentsDir } from "@/server/models/model-ref";
import { isName, NAME_RULE } from "@/server/names";
import { exportDataset } from "@/server/datasets/export";
import { backendFor, jobBackend } from "@/server/jobs/backends";
import { JobFailure, type JobContext, type JobHandler } from "@/server/jobs/runner";
import { workerPython } from "@/server/worker/interpreter";
import { repoRoot } from "@/server/worker/root";
import { parseTrainerEvent, type TrainerEvent } from "@/server/contracts/trainer-events";
import { maxLengthFor, resolveTrainConfig, trainerFlags, type TrainConfigInput } from "./config";

/** What a training made, recorded (or replaced) under the student's name. */
export type TrainedStudent = { baseModel: string; adapterPath: string | null; modelPath: string; trainJobId: number };

export async function registerStudent(db: Db, name: string, trained: TrainedStudent): Promise<void> {
  await db
    .insert(students)
    .values({ name, ...trained })
    .onConflictDoUpdate({ target: students.name, set: { ...trained, createdAt: sql`now()` } });
}

export function modelDir(name: string): string {
  if (!isName(name)) throw new InputError(`name: ${NAME_RULE}`); // the student's name becomes a directory
  return path.join(studentsDir(), name);
}

export const trainJobHandler: JobHandler = async (ctx) => {
  const config = resolveTrainConfig(ctx.job.config as TrainConfigInput);
  const base = checkModelRef(config.base, "base"); // only the model cache or a trained student's directory
  const dataset = await findDataset(ctx.db, config.dataset);
  const out = modelDir(config.name);
  const dataFile = path.join(out, "data.jsonl");
  const exported = await exportDataset(ctx.db, `${dataset.name}@${dataset.version}`, dataFile);
  ctx.log(`dataset ${dataset.name}@${dataset.version}: ${exported.records} examples → ${dataFile}`);
  const resume = fs.existsSync(out) && fs.readdirSync(out).some((f) => f.startsWith("checkpoint-"));
  if (resume) ctx.log("resuming from the latest checkpoint");
  const argv = [workerPython(), "-m", "distillery_worker.train", "--data", dataFile, "--out", out];
  argv.push(...trainerFlags({ ...config, base }, maxLengthFor(dataset.kind)));
  if (resume) argv.push("--resume");

  const backend = jobBackend(backendFor(config));
  // Local runs check model paths again at load time; a Ray cluster has its own file system.
  const env = config.backend === "local" ? modelRootsEnv() : undefined;
  const handle = await backend.submit({ entrypoint: argv, cwd: repoRoot(), name: config.name, env });
  await ctx.db
    .update(jobs)
    .set({ externalId: `${handle.backend}:${handle.id}` })
    .where(eq(jobs.id, ctx.job.id));
  const onAbort = () => void backend.stop(handle).catch(() => {});
  ctx.signal.addEventListener("abort", onAbort, { once: true });

  let done: Extract<TrainerEvent, { event: "done" }> | null = null;
  let failure: string | null = null;
  const pending: Promise<void>[] = [];
  const state = await backend.follow(handle, (line) => {
    const event = parseTrainerEvent(line);
    if (!event) return ctx.log(line);
    if (event.event === "done") done = event;
    if (event.event === "error") failure = event.message ?? "the trainer reported an error";
    pending.push(handleEvent(ctx, event));
  });
  ctx.signal.removeEventListener("abort", onAbort);
  await Promise.all(pending);
  if (ctx.signal.aborted) throw new JobFailure("cancelled");
  const finished = done as Extract<TrainerEvent, { event: "done" }> | null;
  if (state.status !== "succeeded" || !finished) {
    throw new JobFailure(failure ?? state.message ?? `the trainer ended with status ${state.status}`);
  }
  await registerStudent(ctx.db, config.name, {
    baseModel: config.base,
    adapterPath: finished.adapter ?? null,
    modelPath: finished.merged,
    trainJobId: ctx.job.id,
  });
  return {
    model: config.name,
    finetune: config.finetune,
    weights: finished.merged,
    ...(finished.adapter ? { adapter: finished.adapter } : {}),
    dataset: `${dataset.name}@${dataset.version}`,
    metrics: finished.metrics,
  };
};

async function handleEvent(ctx: JobContext, event: TrainerEvent): Promise<void> {
  if (event.event === "step") {
    ctx.progress(event.step, event.max_steps, event.loss === null ? undefined : `loss ${event.loss.toFixed(3)}`);
    const values: Record<string, number> = {};
    for (const key of ["loss", "lr", "grad_norm", "tokens_per_s"] as const) {
      if (typeof event[key] === "number") values[key] = event[key];
    }
    await ctx.metrics(event.step, values);
  } else if (event.event === "mask") {
    ctx.log(`mask verified: ${event.samples} samples, ${(event.trainable_fraction * 100).toFixed(1)}% of tokens trainable`);
  } else if (event.event === "checkpoint") {
    ctx.log(`checkpoint at step ${event.step}`);
  } else if (event.event === "error") {
    ctx.log(`error: ${event.message}`);
  }
}
