// Runs once when the Next.js server starts: refuse to serve the network without accounts
// (server/auth/startup.ts), open (and migrate) the database eagerly, so the embedded database is
// claimed and a CLI finds this server before the first page is requested, then start the loop
// that runs queued jobs (runs, evaluations) in this process.
export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs" || process.env.NEXT_PHASE === "phase-production-build") return;
  // Serving the network without accounts is refused before the database is even opened.
  const { exitIfUnsafeToServe, firstAdminHint } = await import("./server/auth/startup");
  exitIfUnsafeToServe();
  const { getServerDb } = await import("./server/runtime/db");
  const { startJobLoop } = await import("./server/jobs/runner");
  const { jobHandlers } = await import("./server/wiring/job-handlers");
  const { db } = await getServerDb();
  const hint = await firstAdminHint(db);
  if (hint) console.warn(`[distillery] ${hint}`);
  startJobLoop(db, jobHandlers());
}
