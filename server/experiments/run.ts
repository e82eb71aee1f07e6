// Runs a recipe step by step through the API (in-process or via a running workbench), each
// step as the same job a user would start by hand. Every step is idempotent — a generation run
// resumes by name, a rule annotates only trajectories it has not annotated, a dataset is only
// versioned when its content changed, a registered student is not trained again — so running the
// recipe again after a crash continues where it stopped.
import { describeRuleOutcome } from "@/server/annotations/rule";
import { describeAnswerable } from "@/server/benchmarks/answerable";
import { describeGenerated } from "@/server/benchmarks/generated-by";
import type { ApiConnection } from "@/server/client/api";
import { runOrFollowJob } from "@/server/client/follow-job";
import { jobHandlers } from "@/server/wiring/job-handlers";
import { baselineRunOf, productName, studentName, type Recipe, type RecipeStep } from "./recipe";

/** One step's state; wallS is the wall time spent on it, summed over every invocation of the recipe (a resumed step adds what was left). */
export type StepState = {
  id: string;
  kind: string;
  status: string;
  jobId?: number;
  product?: string;
  summary?: string;
  error?: string;
  wallS?: number;
};

export async function runExperiment(
  conn: ApiConnection,
  recipe: Recipe,
  onStep?: (index: number, step: RecipeStep, state: StepState) => void,
): Promise<StepState[]> {
  const states: StepState[] = recipe.steps.map((s) => ({ id: s.id, kind: s.kind, status: "pending", product: stepProduct(recipe, s) }));
  const experiment = await conn.api.experiments.start.mutate({
    name: recipe.name,
    recipe: recipe as unknown as Record<string, unknown>,
    steps: states,
  });
  // Taken up again after a crash: the steps' wall time so far carries over, so a step's total survives resumes.
  const priorWallS = new Map(experiment.steps.map((s) => [s.id, s.wallS ?? 0]));
  const save = (status: "running" | "succeeded" | "failed") =>
    conn.api.experiments.update.mutate({ id: experiment.id, status, steps: states });
  // A generate or distill step's model may name a train or distill step before it: that step's student.
  const studentOfStep = new Map<string, string>();

  for (const [index, step] of recipe.steps.entries()) {
    const state = states[index]!;
    state.status = "running";
    onStep?.(index, step, state);
    await save("running");
    const started = Date.now();
    try {
      const outcome = await runStep(conn, recipe, step, studentOfStep);
      Object.assign(state, outcome);
    } catch (err) {
      state.status = "failed";
      state.error = err instanceof Error ? err.message : String(err);
    }
    state.wallS = (priorWallS.get(step.id) ?? 0) + Math.round((Date.now() - started) / 1000);
    onStep?.(index, step, state);
    const student = studentName(recipe, step);
    if (student) studentOfStep.set(step.id, student);
    if (state.status !== "succeeded") {
      await save("failed");
      return states;
    }
  }
  await save("succeeded");
  return states;
}

/** Where a step's result shows in the workbench: the rule's annotations, or the run, dataset or model it makes. */
function stepProduct(recipe: Recipe, step: RecipeStep): string {
  return step.kind === "annotate" ? step.with.annotator : productName(recipe, step.id);
}

async function runStep(
  conn: ApiConnection,
  recipe: Recipe,
  step: RecipeStep,
  studentOfStep: Map<string, string>,
): Promise<Partial<StepState>> {
  const name = productName(recipe, step.id);
  if (step.kind === "annotate") {
    const outcome = await conn.api.annotations.applyRule.mutate({ ...step.with, run: step.with.run.map((id) => productName(recipe, id)) });
    return { status: "succeeded", summary: describeRuleOutcome(outcome) };
  }
  if (step.kind === "answerable") {
    const made = await conn.api.benchmarks.answerable.mutate(step.with);
    return { status: "succeeded", summary: describeAnswerable(made) };
  }
  if (step.kind === "benchmark") {
    const made = await conn.api.benchmarks.generate.mutate(step.with);
    return { status: "succeeded", summary: `${made.total} questions (${describeGenerated(made)})` };
  }
  if (step.kind === "dataset") {
    const { dataset } = await conn.api.datasets.create.mutate({
      ...step.with,
      name,
      run: step.with.run.map((id) => productName(recipe, id)),
    });
    return { status: "succeeded", product: `${dataset.name}@${dataset.version}` };
  }
  if (step.kind === "train") {
    const trained = (await conn.api.training.students.query()).find((m) => m.name === name);
    if (trained) return { status: "succeeded", jobId: trained.trainJobId ?? undefined };
    const { jobId } = await conn.api.training.train.mutate({ ...step.with, name, dataset: productName(recipe, step.with.dataset) });
    const job = await runOrFollowJob(conn, jobId, `${step.id} (train)`, jobHandlers().train!);
    return { status: job.status, jobId, error: job.error ?? undefined };
  }
  if (step.kind === "distill") {
    const last = studentName(recipe, step)!;
    const made = (await conn.api.training.students.query()).find((m) => m.name === last);
    if (made) return { status: "succeeded", jobId: made.trainJobId ?? undefined, product: last };
    const student = studentOfStep.get(step.with.student) ?? step.with.student;
    const { jobId } = await conn.api.training.distill.mutate({ ...step.with, student, baselineRun: baselineRunOf(recipe, step), name });
    const job = await runOrFollowJob(conn, jobId, `${step.id} (distill)`, jobHandlers().distill!);
    return { status: job.status, jobId, product: last, error: job.error ?? undefined };
  }
  // A generate step: a teacher run, or an evaluation of a student trained earlier in the recipe.
  const model = studentOfStep.get(step.with.model) ?? step.with.model;
  const { jobId, kind } = await conn.api.runs.generate.mutate({
    ...step.with,
    modelUrl: step.with.modelUrl ?? recipe.defaults.modelUrl ?? "embedded",
    concurrency: step.with.concurrency ?? recipe.defaults.concurrency,
    model,
    run: name,
    tags: [...(step.with.tags ?? []), `experiment:${recipe.name}`],
  });
  const job = await runOrFollowJob(conn, jobId, `${step.id} (${step.with.mode ?? "agent"})`, jobHandlers()[kind]!);
  return { status: job.status, jobId, error: job.error ?? undefined };
}
