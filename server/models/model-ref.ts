// Which model directories the workbench may load when a caller names a model: the model cache
// (where `npx distillery setup` installs models; the worker's models.cache_dir()) and the data
// directory's models/ (the students this workbench trained). A role ("student"), a registry id
// or a registered student's name is fine; a path anywhere else is refused, so the API cannot be
// used to load (and echo errors about) arbitrary directories that hold a config.json.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { dataDir } from "@/db/client";
import { InputError } from "@/server/errors";

/** Mirrors worker/distillery_worker/weights/__init__.py cache_dir(). */
export function modelCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  const xdg = env.XDG_CACHE_HOME || path.join(os.homedir(), ".cache");
  const root = env.DISTILLERY_CACHE || path.join(xdg, "distillery");
  return path.resolve(root.replace(/^~(?=$|\/)/, os.homedir()), "models");
}

/** Where trained students live: <dataDir>/models/<name>/ (checkpoints, adapter/, data.jsonl). */
export function studentsDir(): string {
  return path.join(dataDir(), "models");
}

/** The directories a model or adapter path may resolve into. */
export function modelRoots(): string[] {
  return [modelCacheDir(), studentsDir()];
}

/** For the worker processes the workbench starts: the worker checks model paths against the same roots at load time. */
export function modelRootsEnv(): Record<string, string> {
  return { DISTILLERY_MODEL_ROOTS: modelRoots().join(path.delimiter) };
}

const MODEL_ID = /^[A-Za-z0-9][\w.:+-]{0,199}$/;

function looksLikePath(ref: string): boolean {
  return /[/\\]/.test(ref) || ref.startsWith(".") || ref.startsWith("~") || ref.endsWith(".gguf");
}

/** The real path of `p` (symlinks followed, as far as it exists), so a link cannot point outside. */
function realPath(p: string): string {
  const absolute = path.resolve(p);
  let existing = absolute;
  const rest: string[] = [];
  while (!fs.existsSync(existing)) {
    const parent = path.dirname(existing);
    if (parent === existing) break;
    rest.unshift(path.basename(existing));
    existing = parent;
  }
  return path.join(fs.realpathSync(existing), ...rest);
}

export function insideModelRoots(p: string): boolean {
  try {
    const real = realPath(p);
    return modelRoots().some((root) => {
      const relative = path.relative(realPath(root), real);
      return relative !== "" && !relative.startsWith("..") && !path.isAbsolute(relative);
    });
  } catch {
    return false; // a path this process cannot even resolve (EACCES, a link loop) is not a model root's
  }
}

/**
 * Check a model reference for the embedded server or the trainer: a plain id passes (the worker
 * resolves roles and registry ids and refuses unknown ones); a path must lie inside a model root.
 * Returns the reference to pass on (a path made absolute).
 */
export function checkModelRef(ref: string, field = "model"): string {
  if (!looksLikePath(ref)) {
    if (!MODEL_ID.test(ref)) throw new InputError(`${field}: not a model name (letters, digits and . _ : + - only, max 200)`);
    return ref;
  }
  return checkModelPath(ref, field);
}

/** A model or adapter directory: only inside the model cache or the data directory's models/. */
export function checkModelPath(p: string, field = "adapter"): string {
  if (!insideModelRoots(p)) {
    throw new InputError(
      `${field}: model directories are loaded only from the model cache or <data dir>/models/, not from ${path.basename(p) || p}`,
    );
  }
  return path.resolve(p);
}
