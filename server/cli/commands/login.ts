// `distillery login` / `logout`: store (or forget) a personal API token for a team-mode
// workbench in ~/.config/distillery/credentials.json (mode 0600); later commands send it as
// `Authorization: Bearer …` (server/client/api.ts).
import readline from "node:readline";
import { chosenWorkbench } from "@/server/client/api";
import { removeCredential, saveCredential, tokenFor, workbenchKey } from "@/server/client/credentials";
import { LoginError, loginWithPassword, loginWithToken, revokeOwnToken, workbenchMode } from "@/server/client/login";
import { readOwner } from "@/server/runtime/owner";
import { stringFlag, UsageError, type Command } from "../command";

/** The workbench a login is for: the argument, DISTILLERY_URL, the last login, a local server. */
function targetUrl(positional: string | undefined): string {
  const url = positional ?? chosenWorkbench() ?? readOwner()?.url ?? "http://127.0.0.1:3000";
  try {
    return workbenchKey(url);
  } catch {
    throw new UsageError(`login: "${url}" is not a URL (e.g. http://workbench.example:3000)`);
  }
}

/** One line from the terminal with echo off, or from a pipe. */
async function readSecret(prompt: string): Promise<string> {
  const rl = readline.createInterface({ input: process.stdin, output: process.stderr, terminal: process.stdin.isTTY });
  if (process.stdin.isTTY) {
    process.stderr.write(prompt);
    // Echo nothing while the secret is typed.
    (rl as unknown as { _writeToOutput: (s: string) => void })._writeToOutput = () => {};
  }
  try {
    const line = await new Promise<string>((resolve) => rl.once("line", resolve).once("close", () => resolve("")));
    if (process.stdin.isTTY) process.stderr.write("\n");
    return line.trim();
  } finally {
    rl.close();
  }
}

export const loginCommand: Command = {
  name: "login",
  summary: "sign the CLI in to a team-mode workbench: stores a personal API token for its URL",
  usage: "[URL] [--user NAME | --token TOKEN]",
  options: {
    user: { type: "string", help: "sign in with this user name; the password is asked for (or DISTILLERY_PASSWORD)" },
    token: { type: "string", help: "a personal API token made in the workbench (or given on stdin)" },
  },
  async run(args) {
    const url = targetUrl(args.positionals[0]);
    const user = stringFlag(args, "user");
    let token = stringFlag(args, "token");
    if (user && token) throw new UsageError("login: give --user or --token, not both");
    try {
      if ((await workbenchMode(url)) !== "team") {
        throw new UsageError(`login: the workbench at ${url} has no accounts (single-user mode); the CLI needs no login there`);
      }
      let result;
      if (user) {
        const password = process.env.DISTILLERY_PASSWORD || (await readSecret(`password for ${user} at ${url}: `));
        if (!password) throw new UsageError("login: no password given");
        result = await loginWithPassword(url, user, password);
      } else {
        token ??= await readSecret(`API token for ${url}: `);
        if (!token) throw new UsageError("login: no token given (--token, stdin, or --user NAME to sign in with a password)");
        result = await loginWithToken(url, token);
      }
      saveCredential(url, { token: result.token, user: result.user });
      console.log(`Signed in to ${url} as ${result.user} (${result.role}). Commands now go to this workbench.`);
    } catch (err) {
      if (err instanceof LoginError) throw new UsageError(`login: ${err.message}`);
      throw err;
    }
  },
};

export const logoutCommand: Command = {
  name: "logout",
  summary: "revoke the CLI's token for a workbench and forget it",
  usage: "[URL]",
  options: {},
  async run(args) {
    const url = targetUrl(args.positionals[0]);
    const token = tokenFor(url);
    if (!token) return console.log(`No token stored for ${url}.`);
    // Revoked on the server first; a workbench that cannot be reached still gets it forgotten here.
    const revoked = await revokeOwnToken(url, token).catch(() => false);
    removeCredential(url);
    console.log(revoked ? `Revoked and forgot the token for ${url}.` : `Forgot the token for ${url} (the workbench did not revoke it).`);
  },
};
