// Where the CLI keeps its personal API tokens: ~/.config/distillery/credentials.json (or under
// $XDG_CONFIG_HOME), one token per workbench URL plus the URL `login` chose last. The file is
// written atomically with mode 0600 in a 0700 directory: a token is as good as a password.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Env } from "@/server/runtime/mode";

export type Credential = { token: string; user: string; savedAt: string };
export type Credentials = { default?: string; workbenches: Record<string, Credential> };

export function credentialsFile(env: Env = process.env): string {
  const configHome = env.XDG_CONFIG_HOME || path.join(os.homedir(), ".config");
  return path.join(configHome, "distillery", "credentials.json");
}

/** A workbench URL in one spelling: scheme, host and port, no trailing slash or path. */
export function workbenchKey(url: string): string {
  const parsed = new URL(url);
  return parsed.origin;
}

export function readCredentials(file = credentialsFile()): Credentials {
  try {
    const parsed = JSON.parse(fs.readFileSync(file, "utf8")) as Partial<Credentials>;
    return { default: parsed.default, workbenches: parsed.workbenches ?? {} };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return { workbenches: {} };
    throw new Error(`cannot read ${file}: ${(err as Error).message}`);
  }
}

export function writeCredentials(credentials: Credentials, file = credentialsFile()): void {
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const temp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(temp, JSON.stringify(credentials, null, 2) + "\n", { mode: 0o600 });
  fs.chmodSync(temp, 0o600); // the mode option does not apply when the file already existed
  fs.renameSync(temp, file);
}

/** Store the token for a workbench and make it the one the CLI talks to. */
export function saveCredential(url: string, credential: Omit<Credential, "savedAt">, file = credentialsFile()): void {
  const credentials = readCredentials(file);
  const key = workbenchKey(url);
  credentials.workbenches[key] = { ...credential, savedAt: new Date().toISOString() };
  credentials.default = key;
  writeCredentials(credentials, file);
}

/** Forget a workbench's token; true when there was one. */
export function removeCredential(url: string, file = credentialsFile()): boolean {
  const credentials = readCredentials(file);
  const key = workbenchKey(url);
  const had = key in credentials.workbenches;
  delete credentials.workbenches[key];
  if (credentials.default === key) delete credentials.default;
  if (had) writeCredentials(credentials, file);
  return had;
}

export function tokenFor(url: string, file = credentialsFile()): string | undefined {
  return readCredentials(file).workbenches[workbenchKey(url)]?.token;
}
