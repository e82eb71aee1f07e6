// `distillery sandbox run FILE` runs a Python file as one action of a fresh sandboxed episode;
// `distillery sandbox check` prints which isolation layers the kernel allows here.
import { readFileSync, statSync } from "node:fs";
import { intFlag, jsonOption, stringFlag, UsageError, type Command } from "../command";
import { printJson, table } from "../format";
import { checkSandbox, SandboxEpisode, type ActionResult } from "../../tools/sandbox/episode";
import { openRetriever, webSearch, type Retriever } from "../../tools/retrieval";

const LAYER_HELP: Record<string, string> = {
  separate_process: "model code runs in its own process, never in the host",
  net_namespace: "no network at all, not even the host's loopback",
  pid_namespace: "every process of the episode dies with it",
  mount_namespace: "private mount table",
  filesystem_view: "read-only Python + libs; writable scratch tmpfs only",
  unprivileged_uid: "code runs as a per-episode uid without capabilities",
  rlimits: "memory, CPU, file size, open files, processes",
  environment_scrubbed: "no host environment variables",
};

function readCode(file: string | undefined): string {
  if (!file) throw new UsageError("sandbox run: missing FILE (e.g. npx distillery sandbox run script.py)");
  try {
    if (!statSync(file).isFile()) throw new UsageError(`sandbox run: ${file} is not a file`);
    return readFileSync(file, "utf8");
  } catch (err) {
    if (err instanceof UsageError) throw err;
    throw new UsageError(`sandbox run: cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
}

async function runFile(file: string | undefined, timeoutS: number, retrieverSpec: string, json: boolean): Promise<number> {
  const code = readCode(file);
  let retriever: Retriever | undefined;
  const episode = await SandboxEpisode.start({
    timeoutS,
    tools: ["web_search"],
    onToolCall: async (name, args, kwargs) => {
      if (name !== "web_search") throw new Error(`unknown tool ${name}`);
      retriever ??= openRetriever(retrieverSpec);
      return webSearch(retriever, String(args[0] ?? kwargs.query ?? ""));
    },
  });
  let result: ActionResult;
  try {
    result = await episode.exec(code, { timeoutS });
  } finally {
    await episode.close();
  }
  const out = {
    ok: result.ok,
    stdout: result.stdout,
    value: result.value_repr,
    final_answer: result.final_answer ?? null,
    error: result.error ?? null,
  };
  if (json) {
    printJson(out);
  } else {
    if (out.stdout) process.stdout.write(out.stdout.endsWith("\n") ? out.stdout : out.stdout + "\n");
    if (out.value !== null) console.log(`value: ${out.value}`);
    if (result.final_answer !== undefined) console.log(`final_answer: ${JSON.stringify(out.final_answer)}`);
    if (out.error) console.error(out.error.traceback || `${out.error.type}: ${out.error.message}`);
  }
  return out.ok ? 0 : 1;
}

async function check(json: boolean): Promise<number> {
  const report = await checkSandbox();
  if (json) {
    printJson(report);
  } else {
    const rows = Object.entries(report.layers).map(([layer, on]) => ({
      layer,
      status: on ? "on" : "OFF",
      meaning: on ? (LAYER_HELP[layer] ?? "") : (report.notes[layer] ?? "unavailable"),
    }));
    console.log(table(rows, ["layer", "status", "meaning"]));
    const off = rows.filter((r) => r.status === "OFF").length;
    console.log(off ? `${off} isolation layer(s) OFF: model code is less contained than designed.` : "All isolation layers are on.");
  }
  return Object.values(report.layers).every(Boolean) ? 0 : 1;
}

export const sandboxCommand: Command = {
  name: "sandbox",
  summary: "run a Python file in the code tool's sandbox, or check its isolation layers",
  usage: "run FILE [--json] [--timeout S] | check [--json]",
  subcommands: ["run", "check"],
  options: {
    timeout: { type: "string", help: "wall-clock seconds for the action (default 10)" },
    retriever: { type: "string", help: 'backend of web_search() inside the code: "bm25" (default) or a URL' },
    ...jsonOption,
  },
  async run(args) {
    const json = args.values.json === true;
    if (args.positionals[0] === "check") return check(json);
    const timeoutS = intFlag(args, "timeout", 10, { min: 1, max: 600 });
    return runFile(args.positionals[1], timeoutS, stringFlag(args, "retriever") ?? "bm25", json);
  },
};
