// The database of the server process, opened once and shared by every request.
import { openDb, type DbHandle } from "@/db/client";
import { claimOwnership } from "./owner";

const globalForDb = globalThis as unknown as { distilleryDb?: Promise<DbHandle> };

export function serverUrl(): string {
  const host = !process.env.HOST || process.env.HOST === "0.0.0.0" ? "127.0.0.1" : process.env.HOST;
  return `http://${host}:${process.env.PORT ?? "3000"}`;
}

export function getServerDb(): Promise<DbHandle> {
  globalForDb.distilleryDb ??= (async () => {
    if (!process.env.DATABASE_URL) await claimOwnership("server", serverUrl());
    return openDb();
  })();
  return globalForDb.distilleryDb;
}
