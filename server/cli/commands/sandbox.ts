// `distillery sandbox run FILE` runs a Python file as one action of a fresh sandboxed episode;
// `distillery sandbox check` prints which isolation layers the kernel allows here, and whether
// the sandbox would refuse to run code (a required layer off) without the explicit opt-out.
import { readFileSync, statSync } from "node:fs";
import { intFlag, jsonOption, stringFlag, UsageError, type Command } from "../command";
import { printJson, table } from "../format";
import { checkSandbox, SandboxSession, type ActionResult } from "../../tools/sandbox/session";
import { OPT_OUT_ENV, OPT_OUT_FLAG, sandboxOptedOut, SandboxRefused } from "../../tools/sandbox/policy";
import { openRetriever, webSearch, type Retriever } from "../../tools/retrieval";

const LAYER_HELP: Record<string, string> = {
  separate_process: "model code runs in its own process, never in the host",
  net_namespace: "no network at all, not even the host's loopback",
  pid_namespace: "every process of the episode dies with it",
  mount_namespace: "private mount table",
  filesystem_view: "read-only Python + libs; writable scratch tmpfs only",
  unprivileged_uid: "as root a per-episode uid; otherwise the user's uid in its own user namespace",
  no_capabilities: "no capabilities at all, no way to regain any (no_new_privs)",
  landlock: "kernel-enforced: read Python paths, write scratch only; no TCP; no signals out",
  seccomp: "no ptrace, mount, namespaces, bpf, io_uring, keyrings, modules…",
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

async function runFile(
  file: string | undefined,
  timeoutS: number,
  retrieverSpec: string,
  json: boolean,
  allowUnsafe: boolean,
): Promise<number> {
  const code = readCode(file);
  let retriever: Retriever | undefined;
  const episode = await SandboxSession.start({
    timeoutS,
    allowUnsafe,
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

/** 0: every layer on; 1: only optional fences (Landlock, seccomp) off; 2: the sandbox refuses. */
async function check(json: boolean): Promise<number> {
  const report = await checkSandbox({ allowUnsafe: true }); // report everything, run nothing
  const missing = report.required.filter((layer) => !report.layers[layer]);
  if (json) {
    printJson({ ...report, missing, refuses: missing.length > 0 });
  } else {
    const rows = Object.entries(report.layers).map(([layer, on]) => ({
      layer,
      status: on ? "on" : report.required.includes(layer) ? "OFF (required)" : "OFF",
      meaning: on ? (LAYER_HELP[layer] ?? "") : (report.notes[layer] ?? "unavailable"),
    }));
    console.log(table(rows, ["layer", "status", "meaning"]));
    const off = report.layersOff.length;
    if (missing.length) {
      console.log(
        `The sandbox refuses to run model code here (missing: ${missing.join(", ")}); ` +
          `${OPT_OUT_FLAG} or ${OPT_OUT_ENV} runs it anyway, less contained.`,
      );
    } else {
      console.log(off ? `${off} optional isolation layer(s) OFF.` : "All isolation layers are on.");
    }
  }
  return missing.length ? 2 : report.layersOff.length ? 1 : 0;
}

export const sandboxCommand: Command = {
  name: "sandbox",
  summary: "run a Python file in the code tool's sandbox, or check its isolation layers",
  usage: "run FILE [--json] [--timeout S] [--unsafe-no-sandbox] | check [--json]",
  subcommands: ["run", "check"],
  options: {
    timeout: { type: "string", help: "wall-clock seconds for the action (default 10)" },
    retriever: { type: "string", help: 'backend of web_search() inside the code: "bm25" (default) or a URL' },
    "unsafe-no-sandbox": { type: "boolean", help: "run even if isolation layers are missing (less contained)" },
    ...jsonOption,
  },
  async run(args) {
    const json = args.values.json === true;
    if (args.positionals[0] === "check") return check(json);
    const timeoutS = intFlag(args, "timeout", 10, { min: 1, max: 600 });
    const allowUnsafe = sandboxOptedOut(args.values["unsafe-no-sandbox"] === true);
    try {
      return await runFile(args.positionals[1], timeoutS, stringFlag(args, "retriever") ?? "bm25", json, allowUnsafe);
    } catch (err) {
      if (!(err instanceof SandboxRefused)) throw err;
      console.error(`distillery: ${err.message}`);
      return 2;
    }
  },
};
