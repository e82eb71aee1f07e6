// How a client process (the CLI, the experiment runner) reaches the data: through a workbench's
// API — the one named by DISTILLERY_URL or chosen by `distillery login`, or a local one holding
// the embedded database — otherwise in-process on a database it opens itself. Both give the same
// typed client. Over HTTP it sends the personal API token stored for that workbench (team mode),
// or else the display name (single-user mode).
import { createTRPCClient, httpBatchLink, unstable_localLink, type TRPCClient } from "@trpc/client";
import superjson from "superjson";
import { openDb, type Db, type DbHandle } from "@/db/client";
import { claimOwnership, readOwner, releaseOwnership } from "@/server/runtime/owner";
import { credentialsFile, readCredentials, tokenFor, workbenchKey } from "./credentials";
import { workbenchResponds } from "./health";
import { appRouter, type AppRouter } from "@/server/trpc/router";
import type { Env } from "@/server/runtime/mode";

export type Api = TRPCClient<AppRouter>;
/** `db` is set when this process holds the database itself (no workbench running). */
export type ApiConnection = { api: Api; via: string; db?: Db; close: () => Promise<void> };

const clientUser = () => process.env.DISTILLERY_USER ?? process.env.USER ?? "cli";

/** The workbench the user chose: DISTILLERY_URL, else the last `distillery login`. */
export function chosenWorkbench(env: Env = process.env): string | undefined {
  if (env.DISTILLERY_URL) return workbenchKey(env.DISTILLERY_URL);
  return readCredentials(credentialsFile(env)).default;
}

/** The API of the workbench at `url`, as the stored (or DISTILLERY_TOKEN) token's account. */
export function httpApi(url: string, env: Env = process.env): Api {
  const token = env.DISTILLERY_TOKEN || tokenFor(url, credentialsFile(env));
  return createTRPCClient<AppRouter>({
    links: [
      httpBatchLink({
        url: `${workbenchKey(url)}/api/trpc`,
        transformer: superjson,
        headers: token ? { authorization: `Bearer ${token}` } : { "x-distillery-user": clientUser() },
      }),
    ],
  });
}

export async function connectApi(): Promise<ApiConnection> {
  const chosen = chosenWorkbench();
  if (chosen) return { api: httpApi(chosen), via: `workbench at ${chosen}`, close: async () => {} };
  const owner = process.env.DATABASE_URL ? null : readOwner();
  if (owner?.kind === "server" && owner.url && (await workbenchResponds(owner.url))) {
    return { api: httpApi(owner.url), via: `workbench at ${owner.url}`, close: async () => {} };
  }
  if (!process.env.DATABASE_URL) await claimOwnership("cli");
  let handle: DbHandle;
  try {
    handle = await openDb();
  } catch (err) {
    releaseOwnership();
    throw err;
  }
  return {
    api: inProcessApi(handle.db),
    db: handle.db,
    via: handle.kind === "postgres" ? "Postgres (DATABASE_URL)" : "embedded database",
    close: async () => {
      await handle.close();
      releaseOwnership();
    },
  };
}

/** The API served in this process on a database it holds (no HTTP). */
export function inProcessApi(db: Db): Api {
  return createTRPCClient<AppRouter>({
    links: [
      unstable_localLink({
        router: appRouter,
        transformer: superjson,
        createContext: async () => ({ db, user: clientUser() }),
      }),
    ],
  });
}

/** Run `fn` with an API connection that is always closed afterwards. */
export async function withApi<T>(fn: (api: Api, via: string) => Promise<T>): Promise<T> {
  const conn = await connectApi();
  try {
    return await fn(conn.api, conn.via);
  } finally {
    await conn.close();
  }
}
