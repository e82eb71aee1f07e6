import { sql } from "drizzle-orm";
import { getServerDb } from "@/server/runtime/db";

export const dynamic = "force-dynamic";

export async function GET() {
  const { db, kind } = await getServerDb();
  await db.execute(sql`select 1`);
  return Response.json({ ok: true, database: kind, pid: process.pid });
}
