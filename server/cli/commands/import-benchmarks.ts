import { describeAnswerable } from "@/server/benchmarks/answerable";
import { withApi } from "@/server/client/api";
import { WEB_SEARCH_TOP_K } from "@/server/tools/retrieval";
import { intFlag, jsonOption, stringFlag, UsageError, type Command } from "../command";
import { printJson, table } from "../format";

export const importBenchmarks: Command = {
  name: "import-benchmarks",
  summary: "load data/benchmarks/ into the database (idempotent)",
  options: { ...jsonOption },
  async run(args) {
    const report = await withApi((api) => api.benchmarks.import.mutate());
    if (args.values.json) return printJson(report);
    console.log(table(report.benchmarks));
    console.log(
      report.addedQuestions === 0 && report.addedBenchmarks === 0
        ? "Nothing new: every benchmark and question was already imported."
        : `Added ${report.addedBenchmarks} benchmarks and ${report.addedQuestions} questions.`,
    );
  },
};

export const answerableCommand: Command = {
  name: "answerable",
  summary: "a QA benchmark's questions whose gold answer the retriever's top-k passages contain, saved as a benchmark (idempotent)",
  usage: "--from NAME [--split train|test] [--k 3] [--name NEW] [--retriever bm25|URL]",
  options: {
    from: { type: "string", help: "the QA benchmark to take questions from (e.g. hotpotqa)" },
    split: { type: "string", help: "train | test (default test)" },
    k: { type: "string", help: `passages looked at per question (default ${WEB_SEARCH_TOP_K}, as web_search)` },
    name: { type: "string", help: "the new benchmark's name (default <from>_answerable)" },
    retriever: { type: "string", help: '"bm25" (the embedded corpus, default) or a Search-R1 server URL' },
    ...jsonOption,
  },
  async run(args) {
    const from = stringFlag(args, "from");
    if (!from) throw new UsageError("answerable: --from NAME is required (e.g. --from hotpotqa)");
    const split = stringFlag(args, "split") ?? "test";
    if (split !== "train" && split !== "test") throw new UsageError(`--split must be train or test, got "${split}"`);
    const input = {
      from,
      split,
      k: intFlag(args, "k", WEB_SEARCH_TOP_K, { min: 1, max: 50 }),
      name: stringFlag(args, "name"),
      retriever: stringFlag(args, "retriever"),
    } as const;
    const report = await withApi((api) => api.benchmarks.answerable.mutate(input));
    if (args.values.json) return printJson(report);
    const what = `${report.name}/${report.split}: ${describeAnswerable(report)}.`;
    console.log(report.created ? `Created ${what}` : `Already there: ${what}`);
  },
};
