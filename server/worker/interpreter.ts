// Which Python runs the worker: the project venv (created by `npm run setup`) and, first on its
// path, this checkout's worker package, whatever the venv's editable install points at.
import path from "node:path";
import { repoPath } from "./root";

/** The project venv's interpreter; every Python child process (sandbox, trainer, server) uses it. */
export function workerPython(): string {
  return repoPath(".venv", "bin", "python");
}

/** PYTHONPATH for a worker process: the checkout's worker/ first, then what was inherited. */
export function workerPythonPath(inherited: string | undefined = process.env.PYTHONPATH): string {
  return [repoPath("worker"), inherited].filter(Boolean).join(path.delimiter);
}
