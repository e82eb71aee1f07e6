// `distillery serve-model [--model NAME|PATH] [--adapter NAME=PATH]... [--port N]` runs the
// embedded OpenAI-compatible model server (worker/: vLLM by default) on 127.0.0.1 until Ctrl-C.
import { existsSync } from "node:fs";
import path from "node:path";
import { connectApi } from "@/server/client/api";
import { studentSpec, type EmbeddedSpec } from "@/server/models/embedded";
import { workerPython } from "@/server/worker/interpreter";
import { startWorker } from "@/server/worker/process";
import { intFlag, jsonOption, stringFlag, UsageError, type Command, type ParsedArgs } from "../command";

export const DEFAULT_MODEL_PORT = 8400;

/** Validated `--adapter NAME=PATH` flags, as arguments for the Python server. */
export function adapterArgs(values: string[]): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const value of values) {
    const eq = value.indexOf("=");
    const name = eq > 0 ? value.slice(0, eq) : "";
    const dir = eq > 0 ? value.slice(eq + 1) : "";
    if (!name || !dir) throw new UsageError(`--adapter expects NAME=PATH, got "${value}"`);
    if (!/^[\w.-]+$/.test(name)) throw new UsageError(`--adapter name "${name}" may use letters, digits, "_", "-" and "." only`);
    if (seen.has(name)) throw new UsageError(`--adapter name "${name}" is given twice`);
    if (!existsSync(path.join(dir, "adapter_config.json"))) {
      throw new UsageError(`--adapter ${name}: ${dir} is not a LoRA adapter directory (no adapter_config.json)`);
    }
    seen.add(name);
    out.push("--adapter", `${name}=${path.resolve(dir)}`);
  }
  return out;
}

/**
 * `--model NAME` of a trained student: served as the workbench serves it (`studentSpec`). Roles,
 * paths and registry ids are the Python server's to resolve (null here).
 */
async function trainedStudent(model: string): Promise<EmbeddedSpec | null> {
  if (model === "student" || model === "teacher" || existsSync(model)) return null;
  const conn = await connectApi();
  try {
    const found = (await conn.api.training.students.query()).find((s) => s.name === model);
    return found ? studentSpec(found) : null;
  } finally {
    await conn.close();
  }
}

async function serverArgs(args: ParsedArgs): Promise<string[]> {
  const port = intFlag(args, "port", DEFAULT_MODEL_PORT, { min: 1, max: 65535 });
  const requested = stringFlag(args, "model") ?? "student";
  const adapters = adapterArgs((args.values.adapter as string[] | undefined) ?? []);
  const student = await trainedStudent(requested);
  for (const [name, dir] of Object.entries(student?.adapters ?? {})) adapters.push("--adapter", `${name}=${dir}`);
  const out = ["--model", student?.model ?? requested, "--port", String(port), ...adapters, "--exit-with-stdin"];
  if (student?.name) out.push("--name", student.name);
  const dtype = stringFlag(args, "dtype");
  if (dtype) {
    if (!["auto", "float32", "bfloat16", "float16"].includes(dtype)) {
      throw new UsageError(`--dtype must be auto, float32, bfloat16 or float16, got "${dtype}"`);
    }
    out.push("--dtype", dtype);
  }
  const quantize = stringFlag(args, "quantize");
  if (quantize) {
    if (!["none", "int8"].includes(quantize)) throw new UsageError(`--quantize must be none or int8, got "${quantize}"`);
    out.push("--quantize", quantize);
  }
  if (args.values.threads !== undefined) out.push("--threads", String(intFlag(args, "threads", 1, { min: 1 })));
  return out;
}

export const serveModelCommand: Command = {
  name: "serve-model",
  summary: "serve a model (student, teacher, a trained student, a directory) + LoRA adapters over the OpenAI API",
  usage: "[--model NAME|PATH] [--adapter NAME=PATH]... [--port N]",
  options: {
    model: {
      type: "string",
      help: "student | teacher | a model id | a trained student's name | a model directory (default student)",
    },
    adapter: { type: "string", multiple: true, help: "NAME=PATH of a PEFT LoRA directory; request it as <model>:NAME" },
    port: { type: "string", help: `port on 127.0.0.1 (default ${DEFAULT_MODEL_PORT})` },
    dtype: { type: "string", help: "auto | float32 | bfloat16 | float16 (default auto)" },
    quantize: {
      type: "string",
      help: "none | int8: serve the model's int8 (W8A8) copy (default none; the teacher's is $DISTILLERY_TEACHER_QUANTIZE)",
    },
    threads: { type: "string", help: "CPU threads for the model (default: every core)" },
    ...jsonOption,
  },
  async run(args) {
    const pythonArgs = await serverArgs(args);
    const json = args.values.json === true;
    // With --exit-with-stdin the server watches its lifeline: it goes when this process does.
    const server = startWorker({ module: "distillery_worker.serve", args: pythonArgs, stderr: "inherit", exitSignal: "SIGTERM" });
    const child = server.child;
    const show = (line: string) => {
      const event = parseEvent(line);
      if (!event) return void console.log(line);
      if (json) return void console.log(line);
      console.log(`model server listening at ${event.url} (${event.device}, ${event.dtype})`);
      console.log(`  models: ${event.models.join(", ")}`);
      console.log("  Ctrl-C to stop");
    };
    server.onStdoutLine(show);
    const stop = () => server.kill("SIGTERM");
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
    return new Promise<number>((resolve) => {
      child.on("error", (err) => {
        console.error(`distillery: cannot start ${workerPython()}: ${err.message} (run npm run setup)`);
        resolve(1);
      });
      child.on("exit", (code, signal) => {
        process.off("SIGINT", stop);
        process.off("SIGTERM", stop);
        resolve(signal === "SIGTERM" || signal === "SIGINT" ? 0 : (code ?? 1));
      });
    });
  },
};

type ListeningEvent = { event: "listening"; url: string; models: string[]; device: string; dtype: string };

function parseEvent(line: string): ListeningEvent | null {
  try {
    const value = JSON.parse(line) as Partial<ListeningEvent>;
    return value.event === "listening" && Array.isArray(value.models) ? (value as ListeningEvent) : null;
  } catch {
    return null;
  }
}
