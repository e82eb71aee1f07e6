// How a client process (the CLI, the experiment runner) reaches the data: through a running
// workbench's API when one holds the embedded database, otherwise in-process on a database it
// opens itself. Both give the same typed client.
import { createTRPCClient, httpBatchLink, unstable_localLink, type TRPCClient } from "@trpc/client";
import superjson from "superjson";
import { openDb, type Db, type DbHandle } from "@/db/client";
import { claimOwnership, readOwner, releaseOwnership } from "@/server/runtime/owner";
import { workbenchResponds } from "./health";
import { appRouter, type AppRouter } from "@/server/trpc/router";

export type Api = TRPCClient<AppRouter>;
/** `db` is set when this process holds the database itself (no workbench running). */
export type ApiConnection = { api: Api; via: string; db?: Db; close: () => Promise<void> };

const clientUser = () => process.env.DISTILLERY_USER ?? process.env.USER ?? "cli";

export async function connectApi(): Promise<ApiConnection> {
  const owner = process.env.DATABASE_URL ? null : readOwner();
  if (owner?.kind === "server" && owner.url && (await workbenchResponds(owner.url))) {
    const api = createTRPCClient<AppRouter>({
      links: [
        httpBatchLink({
          url: `${owner.url}/api/trpc`,
          transformer: superjson,
          headers: { "x-distillery-user": clientUser() },
        }),
      ],
    });
    return { api, via: `workbench at ${owner.url}`, close: async () => {} };
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
