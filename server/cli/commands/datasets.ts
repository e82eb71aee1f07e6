import fs from "node:fs";
import path from "node:path";
import { withApi, type Api } from "@/server/client/api";
import { IMPORT_MAX_CHARS } from "@/server/runs/import-trajectories";
import { datasetSpec } from "@/server/datasets/create";
import type { DiffEntry } from "@/server/datasets/diff";
import { diffNotes, diffSummary } from "@/server/datasets/diff-format";
import { jsonOption, stringFlag, UsageError, type Command } from "../command";
import { printJson, table } from "../format";
import { inputFromFlags, optionsFromSchema } from "../schema-flags";

const datasetFlags = optionsFromSchema(
  datasetSpec,
  {
    run: "run to take trajectories from (repeatable)",
    correctOnly: "only trajectories whose answer is correct",
    noParseErrors: "drop trajectories with a parse error",
    finishedOnly: "only trajectories that ended with final_answer",
    acceptedOnly: "only trajectories an annotator accepted",
    excludeRejected: "drop trajectories an annotator rejected",
    maxTokens: "drop trajectories whose longest model call exceeds N tokens",
  },
  ["name"],
);

export const datasetCommand: Command = {
  name: "dataset",
  summary: "freeze filtered trajectories into a versioned SFT dataset, list datasets, or diff two versions",
  usage: "create NAME --run RUN [--run RUN…] [filters] | list | diff NAME@V NAME@V",
  subcommands: ["create", "list", "diff"],
  options: { ...datasetFlags, ...jsonOption },
  async run(args) {
    const [sub, name] = args.positionals;
    if (sub === "diff") return diffVersions(args.positionals.slice(1), args.values.json === true);
    if (sub === "list") {
      const rows = await withApi((api) => api.datasets.list.query());
      if (args.values.json) return printJson(rows);
      return console.log(
        rows.length === 0
          ? "No datasets yet: npx distillery dataset create NAME --run RUN"
          : table(
              rows.map((d) => ({
                dataset: `${d.name}@${d.version}`,
                kind: d.kind,
                trajectories: d.size,
                hash: d.contentHash.slice(0, 12),
              })),
            ),
      );
    }
    if (!name) throw new UsageError("dataset create: give the dataset a NAME");
    // The positional NAME joins the flags, so the one schema validates everything.
    const spec = inputFromFlags(datasetSpec, { ...args, values: { ...args.values, name } });
    const { dataset, created } = await withApi((api) => api.datasets.create.mutate(spec));
    if (args.values.json) return printJson({ dataset, created });
    console.log(
      created
        ? `Created ${dataset.name}@${dataset.version}: ${dataset.trajectoryIds.length} trajectories (hash ${dataset.contentHash.slice(0, 12)})`
        : `Unchanged: ${dataset.name}@${dataset.version} already holds exactly these trajectories`,
    );
  },
};

async function diffVersions(refs: string[], json: boolean) {
  if (refs.length !== 2) throw new UsageError("dataset diff: give two versions, e.g. dataset diff ds@1 ds@2");
  const [a, b] = refs as [string, string];
  const diff = await withApi((api) => api.datasets.diff.query({ a, b }));
  if (json) return printJson(diff);
  console.log([diffSummary(diff), ...diffNotes(diff).map((n) => `(${n})`)].join("\n"));
  for (const [title, entries] of Object.entries({ Added: diff.added, Removed: diff.removed })) {
    if (entries.length > 0) console.log(`\n${title} (${entries.length})\n${table(entries.map(entryRow))}`);
  }
}

const entryRow = (e: DiffEntry) => ({
  trajectory: e.trajectoryId,
  run: e.run,
  reason: e.reason,
  detail: e.detail,
  question: e.question === null ? null : e.question.replace(/\s+/g, " ").slice(0, 60),
});

export const exportSftCommand: Command = {
  name: "export-sft",
  summary: "write a dataset as SFT JSON lines (messages with per-message trainability)",
  usage: "--dataset NAME[@VERSION] --out FILE",
  options: {
    dataset: { type: "string", help: "dataset name, optionally @version (default: latest)" },
    out: { type: "string", help: "output .jsonl file on this machine, written by the CLI (atomically)" },
    ...jsonOption,
  },
  async run(args) {
    const ref = stringFlag(args, "dataset");
    const out = stringFlag(args, "out");
    if (!ref) throw new UsageError("export-sft: --dataset is required");
    if (!out) throw new UsageError("export-sft: --out is required");
    // The workbench sends the lines; this process writes them. The server writes no caller's path.
    const result = await withApi((api) => writeExport(api, ref, path.resolve(out)));
    if (args.values.json) return printJson(result);
    console.log(`Wrote ${result.records} examples to ${result.file}`);
  },
};

async function writeExport(api: Api, ref: string, file: string): Promise<{ records: number; file: string }> {
  const tmp = `${file}.${process.pid}.tmp`;
  let fd: number;
  try {
    fd = fs.openSync(tmp, "w"); // with the rights of whoever runs the CLI
  } catch (err) {
    throw new UsageError(`export-sft: cannot write ${file} (${(err as NodeJS.ErrnoException).code ?? "error"})`);
  }
  let records = 0;
  try {
    for (let offset: number | null = 0; offset !== null;) {
      const page: { lines: string[]; next: number | null } = await api.datasets.exportLines.query({ ref, offset });
      for (const line of page.lines) fs.writeSync(fd, line + "\n");
      records += page.lines.length;
      offset = page.next;
    }
    fs.fsyncSync(fd);
    fs.closeSync(fd);
  } catch (err) {
    fs.closeSync(fd);
    fs.rmSync(tmp, { force: true });
    throw err;
  }
  fs.renameSync(tmp, file);
  return { records, file };
}

export const importCommand: Command = {
  name: "import",
  summary: "import trajectories from a local file (sent as content): OpenAI chat JSONL, the paper's logs, or our own export",
  usage: "FILE [--run NAME]",
  options: { run: { type: "string", help: "run name for the imported trajectories" }, ...jsonOption },
  async run(args) {
    const file = args.positionals[0];
    if (!file) throw new UsageError("import: which FILE?");
    // Read here, on the caller's side, and uploaded as content: the server opens no path it is given.
    const content = readImportFile(file);
    const result = await withApi((api) =>
      api.datasets.import.mutate({ content, fileName: path.basename(file), run: stringFlag(args, "run") }),
    );
    if (args.values.json) return printJson(result);
    console.log(
      `Imported ${result.added} of ${result.records} trajectories (${result.formats.join(", ")}) into run "${result.run}"` +
        (result.added < result.records ? `; ${result.records - result.added} were already there` : ""),
    );
  },
};

/** The file's text, read with the rights of whoever runs the CLI (the server never reads it). */
function readImportFile(file: string): string {
  let size: number;
  try {
    size = fs.statSync(file).size;
  } catch {
    throw new UsageError(`import: cannot read ${file}`);
  }
  if (size > IMPORT_MAX_CHARS)
    throw new UsageError(`import: ${file} is larger than ${IMPORT_MAX_CHARS / 1024 / 1024} MB; split it into parts`);
  try {
    return fs.readFileSync(file, "utf8");
  } catch (err) {
    throw new UsageError(`import: cannot read ${file} (${(err as NodeJS.ErrnoException).code ?? "error"})`);
  }
}
