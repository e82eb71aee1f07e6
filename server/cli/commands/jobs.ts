import { withApi } from "@/server/client/api";
import { jsonOption, UsageError, type Command } from "../command";
import { printJson, table } from "../format";

export const jobsCommand: Command = {
  name: "jobs",
  summary: "list jobs, show one with its log tail, cancel or retry it",
  usage: "list | show ID | cancel ID | retry ID",
  subcommands: ["list", "show", "cancel", "retry"],
  options: { ...jsonOption },
  async run(args) {
    const [sub, rawId] = args.positionals;
    const id = Number(rawId);
    if (sub !== "list" && !(Number.isInteger(id) && id > 0)) throw new UsageError(`jobs ${sub}: give a job ID`);
    const result = await withApi(async (api) => {
      if (sub === "list") return api.jobs.list.query();
      if (sub === "show") return api.jobs.get.query({ id });
      if (sub === "cancel") return api.jobs.cancel.mutate({ id });
      return api.jobs.retry.mutate({ id });
    });
    if (args.values.json) return printJson(result);
    if (Array.isArray(result)) {
      return console.log(
        table(
          result.map((j) => ({
            job: j.id,
            kind: j.kind,
            backend: j.backend,
            status: j.status,
            progress: j.progress ? `${j.progress.done}/${j.progress.total}` : null,
            created: j.createdAt.toISOString().slice(0, 19).replace("T", " "),
            error: j.error?.slice(0, 60) ?? null,
          })),
        ),
      );
    }
    if ("logTail" in result) {
      console.log(table([{ job: result.id, kind: result.kind, status: result.status, error: result.error }]));
      return console.log(`\n${result.logTail.trim() || "(no log yet)"}`);
    }
    console.log(
      "cancelled" in result ? (result.cancelled ? `Cancelled job ${id}.` : `Job ${id} had already ended.`) : `Queued job ${result.jobId}.`,
    );
  },
};
