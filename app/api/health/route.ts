import { sql } from "drizzle-orm";
import { getServerDb } from "@/server/runtime/db";
import { serverMode } from "@/server/runtime/mode";

export const dynamic = "force-dynamic";

export async function GET() {
  const { db, kind } = await getServerDb();
  await db.execute(sql`select 1`);
  // Public on purpose (the CLI and start scripts probe it before signing in), so in team mode it
  // says no more than that the workbench is up and wants sign-in.
  if (serverMode() === "team") return Response.json({ ok: true, mode: "team" });
  return Response.json({ ok: true, mode: "single-user", database: kind, pid: process.pid });
}
