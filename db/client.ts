// Opens the one database of this process: PGlite under .data/ by default, Postgres when
// DATABASE_URL is set. Committed migrations are applied on open, so a fresh clone and an
// existing database both end up at the current schema.
import fs from "node:fs";
import path from "node:path";
import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";
import { repoPath } from "../server/worker/root";
import * as schema from "./schema";

export type Db = PgDatabase<PgQueryResultHKT, typeof schema>;
export type DbHandle = { db: Db; kind: "pglite" | "postgres"; close: () => Promise<void> };

const migrationsFolder = repoPath("db", "migrations");

export function dataDir(): string {
  return path.resolve(/*turbopackIgnore: true*/ process.env.DISTILLERY_DATA_DIR ?? repoPath(".data"));
}

/** Open a database. `url` wins over DATABASE_URL; neither means embedded PGlite in `dir`. */
export async function openDb(opts: { url?: string; dir?: string } = {}): Promise<DbHandle> {
  const url = opts.url ?? process.env.DATABASE_URL;
  if (url) {
    const { default: postgres } = await import("postgres");
    const { drizzle } = await import("drizzle-orm/postgres-js");
    const { migrate } = await import("drizzle-orm/postgres-js/migrator");
    const client = postgres(url, { max: 10, onnotice: () => {} });
    const db = drizzle(client, { schema });
    await migrate(db, { migrationsFolder });
    return { db: db as unknown as Db, kind: "postgres", close: () => client.end() };
  }
  const dir = opts.dir ?? path.join(dataDir(), "pglite");
  const inMemory = dir === ":memory:";
  if (!inMemory) fs.mkdirSync(dir, { recursive: true });
  const { PGlite } = await import("@electric-sql/pglite");
  const { drizzle } = await import("drizzle-orm/pglite");
  const { migrate } = await import("drizzle-orm/pglite/migrator");
  const client = await PGlite.create(inMemory ? undefined : dir);
  const db = drizzle(client, { schema });
  await migrate(db, { migrationsFolder });
  return { db: db as unknown as Db, kind: "pglite", close: () => client.close() };
}

export { schema };
