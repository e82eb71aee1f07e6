// An experiment recipe (experiments/*.yaml): a named chain of steps — generation runs, annotation
// by a rule, dataset builds, trainings and evaluations — each step's `with` validated by the same
// schema as the matching CLI command or API call. Names made by a step are `<experiment>:<step id>`,
// and later steps refer to earlier ones by id, so the recipe reads like the pipeline it runs.
import fs from "node:fs";
import { parse } from "yaml";
import { z } from "zod";
import { ruleAnnotationInput } from "@/server/annotations/rule";
import { answerableBenchmarkName, answerableInput } from "@/server/benchmarks/answerable";
import { generateInput } from "@/server/benchmarks/generate";
import { datasetFields } from "@/server/datasets/spec";
import { distillConfigInput, studentOf } from "@/server/distill/config";
import { InputError } from "@/server/errors";
import { nameSchema } from "@/server/names";
import { runConfigInput } from "@/server/runs/config";
import { trainConfigInput } from "@/server/training/config";

const id = z.string().regex(/^[a-z0-9][a-z0-9._-]*$/, "lowercase letters, digits, . _ and - only");

const step = z.discriminatedUnion("kind", [
  // `run` names the run explicitly, e.g. to adopt one started by hand with the same settings.
  // Without its own concurrency a step takes the recipe's default (runConfigInput's would hide it).
  z.object({
    kind: z.literal("generate"),
    id,
    with: runConfigInput.partial({ modelUrl: true }).extend({ concurrency: runConfigInput.shape.concurrency.removeDefault().optional() }),
  }),
  z.object({ kind: z.literal("annotate"), id, with: ruleAnnotationInput }),
  // A QA benchmark's answerable subset, for later generate steps to name as their benchmark.
  z.object({ kind: z.literal("answerable"), id, with: answerableInput }),
  // A generated benchmark (benchmarks generate): the task suite's questions, idempotent.
  z.object({ kind: z.literal("benchmark"), id, with: generateInput }),
  z.object({ kind: z.literal("dataset"), id, with: datasetFields.omit({ name: true }) }),
  z.object({ kind: z.literal("train"), id, with: trainConfigInput.omit({ name: true }) }),
  // On-policy distillation; its student may be an earlier train step's, its baselineRun an earlier
  // generate step's run, and later steps that name this step as their model get its last round's student.
  z.object({ kind: z.literal("distill"), id, with: distillConfigInput.omit({ name: true }) }),
]);
export type RecipeStep = z.infer<typeof step>;

export const recipeSchema = z.object({
  name: nameSchema,
  description: z.string().optional(),
  /** Merged into every generate step (e.g. modelUrl: embedded). */
  defaults: z.object({ modelUrl: z.string().optional(), concurrency: z.number().int().positive().optional() }).default({}),
  steps: z.array(step).min(1),
});
export type Recipe = z.infer<typeof recipeSchema>;

export function loadRecipe(file: string): Recipe {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch {
    throw new InputError(`${file}: cannot read file`);
  }
  let raw: unknown;
  try {
    raw = parse(text);
  } catch (err) {
    throw new InputError(`${file}: not valid YAML (${(err as Error).message.split("\n")[0]})`);
  }
  const parsed = recipeSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new InputError(`${file}: ${issue.path.join(".")}: ${issue.message}`);
  }
  checkReferences(parsed.data, file);
  return parsed.data;
}

/** The name a step's product gets in the workbench (run, dataset or model): `<experiment>:<step>`,
 * or the run a generate step names itself, or the benchmark an answerable or benchmark step makes. */
export function productName(recipe: Recipe, stepId: string): string {
  const step = recipe.steps.find((s) => s.id === stepId);
  if (step?.kind === "generate" && step.with.run) return step.with.run;
  if (step?.kind === "answerable") return `${answerableBenchmarkName(step.with)}/${step.with.split ?? "test"}`;
  if (step?.kind === "benchmark") return `${step.with.name}/${step.with.split}`;
  return `${recipe.name}:${stepId}`;
}

/** The student a train or distill step leaves (what a later step naming it as its model evaluates). */
export function studentName(recipe: Recipe, step: RecipeStep): string | null {
  if (step.kind === "train") return productName(recipe, step.id);
  if (step.kind === "distill") return studentOf(productName(recipe, step.id), step.with.rounds);
  return null;
}

/** A distill step's baseline: an earlier generate step's run (the starting student's evaluation), or a run named as is. */
export function baselineRunOf(recipe: Recipe, step: Extract<RecipeStep, { kind: "distill" }>): string | undefined {
  const ref = step.with.baselineRun;
  const generate = recipe.steps.find((s) => s.id === ref && s.kind === "generate");
  return generate ? productName(recipe, generate.id) : ref;
}

/** Steps may only refer to steps before them, of the right kind. */
function checkReferences(recipe: Recipe, file: string) {
  const seen = new Map<string, RecipeStep["kind"]>();
  for (const s of recipe.steps) {
    if (seen.has(s.id)) throw new InputError(`${file}: step id "${s.id}" is used twice`);
    const need = (ref: string, kind: RecipeStep["kind"], field: string) => {
      if (seen.get(ref) !== kind) {
        throw new InputError(`${file}: step "${s.id}": ${field} "${ref}" must name an earlier ${kind} step`);
      }
    };
    if (s.kind === "annotate" || s.kind === "dataset") s.with.run.forEach((r) => need(r, "generate", "run"));
    if (s.kind === "train") need(s.with.dataset, "dataset", "dataset");
    seen.set(s.id, s.kind);
  }
}
