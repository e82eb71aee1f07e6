import { MAX_GENERATED, MAX_SEED } from "@/server/benchmarks/generate";
import { describeGenerated } from "@/server/benchmarks/generated-by";
import { withApi } from "@/server/client/api";
import { intFlag, jsonOption, stringFlag, UsageError, type Command } from "../command";
import { printJson, table } from "../format";

export const benchmarksCommand: Command = {
  name: "benchmarks",
  summary: "list the benchmarks, or generate one from a task generator (reasoning-gym; idempotent)",
  usage: "list | generate SPEC --name NAME --split train|test --n N --seed S",
  subcommands: ["list", "generate"],
  options: {
    name: { type: "string", help: "generate: the benchmark's name" },
    split: { type: "string", help: "generate: train | test (their seed ranges must not overlap)" },
    n: { type: "string", help: `generate: how many questions (at most ${MAX_GENERATED}; more than stored adds the rest)` },
    seed: { type: "string", help: "generate: question i is drawn from seed + i" },
    ...jsonOption,
  },
  async run(args) {
    const [sub, spec, extra] = args.positionals;
    if (sub === "list") {
      const list = await withApi((api) => api.benchmarks.list.query());
      if (args.values.json) return printJson(list);
      return console.log(
        table(list.map((b) => ({ name: b.name, split: b.split, kind: b.kind, questions: b.questionCount, title: b.title }))),
      );
    }
    if (!spec) throw new UsageError("benchmarks generate: which generator? e.g. arith_large or arith_large:max_digits=7");
    if (extra) throw new UsageError(`benchmarks generate: one SPEC only, got also "${extra}"`);
    const name = stringFlag(args, "name");
    if (!name) throw new UsageError("benchmarks generate: --name NAME is required");
    const split = stringFlag(args, "split");
    if (split !== "train" && split !== "test") throw new UsageError(`--split must be train or test, got "${split ?? ""}"`);
    if (args.values.n === undefined || args.values.seed === undefined)
      throw new UsageError("benchmarks generate: --n and --seed are required");
    const input = {
      spec,
      name,
      split,
      n: intFlag(args, "n", 0, { min: 1, max: MAX_GENERATED }),
      seed: intFlag(args, "seed", 0, { min: 0, max: MAX_SEED }),
    } as const;
    const report = await withApi((api) => api.benchmarks.generate.mutate(input));
    if (args.values.json) return printJson(report);
    const what = `${report.name}/${report.split} (${describeGenerated(report)})`;
    if (report.added === 0) return console.log(`Nothing new: ${what} already has ${report.total} questions.`);
    console.log(`${report.created ? "Created" : "Extended"} ${what}: added ${report.added}, ${report.total} in all.`);
  },
};
