// Where the Python side lives: the project venv (created by `npm run setup`) and the worker package.
import path from "node:path";

/** The project venv's interpreter; every Python child process (sandbox, trainer, server) uses it. */
export function workerPython(): string {
  return path.join(/*turbopackIgnore: true*/ process.cwd(), ".venv/bin/python");
}
