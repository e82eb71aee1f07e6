import { withApi } from "@/server/client/api";
import { jsonOption, type Command } from "../command";
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
