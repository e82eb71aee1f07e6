// One call of a worker program that prints one JSON object and exits: the token preview, the task
// generator. Exit 2 with an "error: …" line on stderr is the user's mistake (an InputError, shown
// as is); any other failure is ours, with the end of stderr.
import { InputError } from "@/server/errors";
import { workerPython } from "./interpreter";
import { startWorker, type WorkerSpec } from "./process";

export type WorkerCall = Omit<WorkerSpec, "lifeline"> & {
  /** Written to its stdin, which is then closed. */
  input?: string;
  timeoutMs: number;
  /** What it is, for messages: "the token preview". */
  what: string;
};

export function runWorkerJson<T>(call: WorkerCall): Promise<T> {
  const { input, timeoutMs, what, ...spec } = call;
  const worker = startWorker(spec);
  const deadline = worker.deadline(timeoutMs, `${what} took longer than ${timeoutMs / 1000} s`);
  let stdout = "";
  worker.child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  worker.child.stdin.end(input ?? "");
  return new Promise((resolve, reject) => {
    worker.child.on("error", (err) => reject(new Error(`could not start the worker's Python (${workerPython()}): ${err.message}`)));
    worker.child.on("close", (code) => {
      deadline.cancel();
      if (code === 0) {
        try {
          return resolve(JSON.parse(stdout) as T);
        } catch {
          return reject(new Error(`${what} printed no JSON`));
        }
      }
      const stderr = worker.stderr.value;
      const errorLine = stderr.split("\n").find((l) => l.startsWith("error: "));
      if (code === 2 && errorLine) return reject(new InputError(errorLine.slice("error: ".length)));
      reject(new Error(`${what} failed (exit ${code}): ${stderr.trim().split("\n").at(-1) ?? ""}`));
    });
  });
}
