// The repository root: where worker/, .venv/ and the bundled prompts live. It is found from this
// module's own file (tsx, vitest and Next.js all report the source path), never from the working
// directory, so a command started from elsewhere still finds its Python side.
import { existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

/** A file only a Distillery checkout has, next to its package.json. */
const MARKER = path.join("worker", "distillery_worker", "__init__.py");

let cached: string | undefined;

/** The nearest directory at or above `start` that holds a Distillery checkout. */
export function findRepoRoot(start: string): string {
  for (let dir = path.resolve(start); ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, MARKER)) && existsSync(path.join(dir, "package.json"))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`no Distillery checkout at or above ${start} (looked for ${MARKER})`);
  }
}

/** The repository root this code runs from. */
export function repoRoot(): string {
  cached ??= findRepoRoot(path.dirname(fileURLToPath(import.meta.url)));
  return cached;
}

/** A path inside the repository, e.g. repoPath("server", "agent", "prompts"). */
export function repoPath(...parts: string[]): string {
  return path.join(repoRoot(), ...parts);
}
