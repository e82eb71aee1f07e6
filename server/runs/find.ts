// Runs named in a request (a dataset's or an annotation rule's `run` list): all of them, or an
// input error naming the first one that does not exist.
import { inArray } from "drizzle-orm";
import type { Db } from "@/db/client";
import { runs } from "@/db/schema";
import { InputError } from "@/server/errors";

export async function findRunsByName(db: Db, names: string[]) {
  const rows = await db.select({ id: runs.id, name: runs.name, mode: runs.mode }).from(runs).where(inArray(runs.name, names));
  const missing = names.find((name) => !rows.some((r) => r.name === name));
  if (missing !== undefined) throw new InputError(`no run named "${missing}" (npx distillery runs list)`);
  return rows;
}
