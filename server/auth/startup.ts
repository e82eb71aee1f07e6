// The start-up checks of the server's security mode (called from instrumentation.ts): refuse to
// serve the network without accounts, refuse malformed HTTP-boundary settings or a half-made auth
// configuration, and tell the operator how to make the first admin. Each refusal is one line; the server then exits.
import type { Db } from "@/db/client";
import { InputError } from "@/server/errors";
import { httpPolicy } from "@/server/http/guard";
import { embeddedServerPolicy } from "@/server/models/embedded";
import { bindAddresses } from "@/server/runtime/bind";
import { bindRefusal, serverMode, type Env } from "@/server/runtime/mode";
import { authConfig } from "./config";
import { countUsers } from "./users";

/** The line to exit with before serving anything, or null: the bind addresses, the HTTP boundary's settings, team mode's config. */
export function startupRefusal(env: Env = process.env, addresses = bindAddresses()): string | null {
  for (const address of addresses) {
    const refusal = bindRefusal(address, env);
    if (refusal) return refusal;
  }
  try {
    httpPolicy(env); // a malformed DISTILLERY_ALLOWED_HOSTS or limit stops the start, not every request
    embeddedServerPolicy(env); // likewise the embedded model servers' idle period and resident bound
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
  if (serverMode(env) === "team") {
    try {
      authConfig(env);
    } catch (err) {
      if (err instanceof InputError) return err.message;
      throw err;
    }
  }
  return null;
}

/** Print the refusal and end the process (exit code 2) when it must not serve. */
export function exitIfUnsafeToServe(): void {
  const refusal = startupRefusal();
  if (!refusal) return;
  console.error(`[distillery] ${refusal}`);
  process.exit(2);
}

/** A hint for the log once the database is open: team mode with no account yet. */
export async function firstAdminHint(db: Db, env: Env = process.env): Promise<string | null> {
  if (serverMode(env) !== "team" || (await countUsers(db)) > 0) return null;
  return "team mode has no accounts yet: stop the server and run `npx distillery users add NAME --role admin`";
}
