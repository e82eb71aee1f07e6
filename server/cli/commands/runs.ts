import { withApi } from "@/server/client/api";
import { servedLabel } from "@/server/models/served";
import type { getRunByName } from "@/server/runs/stats";
import { jsonOption, UsageError, type Command } from "../command";
import { printJson, table } from "../format";

/** What `runs list` and `runs show` print: the run summary of server/runs/stats.ts. */
type RunSummary = Pick<
  NonNullable<Awaited<ReturnType<typeof getRunByName>>>,
  "name" | "mode" | "model" | "benchmark" | "split" | "ftp" | "sag" | "status" | "tags" | "stats"
>;

const pct = (x: number | null) => (x === null ? null : `${(100 * x).toFixed(1)}%`);

export function printRunSummary(runs: RunSummary[]) {
  console.log(
    table(
      runs.map((r) => ({
        run: r.name,
        mode: r.mode + (r.ftp ? "+ftp" : "") + (r.sag > 1 ? `+sag${r.sag}` : ""),
        benchmark: r.benchmark ? `${r.benchmark}/${r.split}` : null,
        status: r.status,
        trajectories: r.stats.trajectories,
        correct: r.stats.correct,
        accuracy: pct(r.stats.accuracy),
        "parse err": r.stats.parseErrors,
        "exec err": r.stats.execErrors,
        "max steps": r.stats.maxStepsHits,
        "mean steps": r.stats.meanSteps,
        "tokens in": r.stats.tokensIn,
        "tokens out": r.stats.tokensOut,
        retrievals: r.stats.retrievalCalls,
        ...(r.sag > 1 ? { "cand/step": r.stats.meanCandidatesPerStep, agreement: pct(r.stats.voteAgreement) } : {}),
      })),
    ),
  );
}

export const runsCommand: Command = {
  name: "runs",
  summary: "list runs, show one run's numbers, or why its wrong answers are wrong",
  usage: "list | show RUN | failures RUN",
  subcommands: ["list", "show", "failures"],
  options: { ...jsonOption },
  async run(args) {
    const [sub, name] = args.positionals;
    if ((sub === "show" || sub === "failures") && !name) throw new UsageError(`runs ${sub}: which run? (npx distillery runs list)`);
    if (sub === "failures") return printFailures(name!, Boolean(args.values.json));
    const result = await withApi(async (api): Promise<RunSummary[] | RunSummary> =>
      sub === "list" ? await api.runs.list.query() : await api.runs.get.query({ name: name! }),
    );
    if (args.values.json) return printJson(result);
    const list = Array.isArray(result) ? result : [result];
    if (list.length === 0) return console.log("No runs yet: start one with npx distillery generate.");
    printRunSummary(list);
    if (!Array.isArray(result)) {
      // What the table has no room for: which model, and the tags the compare matrix reads.
      console.log(`\nmodel:  ${result.model}\ntags:   ${result.tags.length ? result.tags.join(", ") : "–"}`);
      // The engine and weight dtype (a run resumed on another machine may list two).
      console.log(`served: ${servedLabel(result.stats.served) || "– (an endpoint of its own, or made before this was recorded)"}`);
    }
  },
};

async function printFailures(name: string, json: boolean) {
  const report = await withApi((api) => api.runs.failures.query({ name }));
  if (json) return printJson(report);
  console.log(`${report.run}: ${report.incorrect} of ${report.trajectories} trajectories graded wrong`);
  if (report.incorrect === 0) return;
  console.log(
    table(
      report.kinds.map((k) => ({
        failure: k.kind,
        count: k.count,
        share: pct(k.count / report.incorrect),
        examples: k.trajectories.slice(0, 3).join(" "),
        meaning: k.description,
      })),
    ),
  );
  console.log("\nOpen one: /trajectories/ID in the workbench (examples are trajectory ids).");
}
