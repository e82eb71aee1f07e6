// Runs once when the Next.js server starts: open (and migrate) the database eagerly, so the
// embedded database is claimed and a CLI finds this server before the first page is requested.
export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs" || process.env.NEXT_PHASE === "phase-production-build") return;
  const { getServerDb } = await import("./server/runtime/db");
  await getServerDb();
}
