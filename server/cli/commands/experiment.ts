import { connectApi } from "@/server/client/api";
import { loadRecipe } from "@/server/experiments/recipe";
import { runExperiment } from "@/server/experiments/run";
import { jsonOption, UsageError, type Command } from "../command";
import { printJson, table } from "../format";

export const experimentCommand: Command = {
  name: "experiment",
  summary: "run a recipe (experiments/*.yaml): generation, datasets, training, evaluation; resumable",
  usage: "run FILE",
  subcommands: ["run"],
  options: { ...jsonOption },
  async run(args) {
    const file = args.positionals[1];
    if (!file) throw new UsageError("experiment run: which recipe FILE? (e.g. experiments/cpu-repro.yaml)");
    const recipe = loadRecipe(file);
    const conn = await connectApi();
    try {
      const json = Boolean(args.values.json);
      const states = await runExperiment(conn, recipe, (index, step, state) => {
        const detail = state.status === "cancelled" ? "run the same command again to resume" : (state.error ?? state.summary);
        if (!json)
          console.error(
            `[${index + 1}/${recipe.steps.length}] ${step.kind} ${step.id}: ${state.status}${detail ? ` — ${detail}` : ""}${state.wallS === undefined ? "" : ` (${state.wallS} s)`}`,
          );
      });
      if (json) printJson({ experiment: recipe.name, steps: states });
      else
        console.log(
          table(
            states.map((s) => ({
              step: s.id,
              kind: s.kind,
              status: s.status,
              product: s.product ?? null,
              job: s.jobId ?? null,
              wallS: s.wallS ?? null,
            })),
          ),
        );
      return states.every((s) => s.status === "succeeded") ? 0 : 1;
    } finally {
      await conn.close();
    }
  },
};
