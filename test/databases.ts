// The databases integration tests run against: always a fresh embedded PGlite, plus Postgres
// when DISTILLERY_TEST_DATABASE_URL points at a reachable server (CI starts a throwaway one).
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import postgres from "postgres";
import { openDb, type DbHandle } from "@/db/client";

export type TestDatabase = { name: string; open: () => Promise<DbHandle> };

export function testDatabases(): TestDatabase[] {
  const list: TestDatabase[] = [{ name: "pglite", open: openFreshPglite }];
  const url = process.env.DISTILLERY_TEST_DATABASE_URL;
  if (url) list.push({ name: "postgres", open: () => openFreshPostgres(url) });
  return list;
}

/** A new embedded database in a directory of its own, removed when it closes (each held ~40 MB). */
async function openFreshPglite(): Promise<DbHandle> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "distillery-test-"));
  const handle = await openDb({ url: "", dir });
  return {
    ...handle,
    close: async () => {
      await handle.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A new database on the test server per call, so tests never see each other's rows. */
async function openFreshPostgres(serverUrl: string): Promise<DbHandle> {
  const name = `distillery_test_${process.pid}_${Date.now()}_${Math.floor(Math.random() * 1e6)}`;
  const admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  await admin.end();
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const handle = await openDb({ url: url.toString() });
  return {
    ...handle,
    close: async () => {
      await handle.close();
      const cleanup = postgres(serverUrl, { max: 1, onnotice: () => {} });
      await cleanup.unsafe(`drop database if exists ${name}`);
      await cleanup.end();
    },
  };
}
