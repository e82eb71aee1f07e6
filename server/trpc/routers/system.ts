import { sql } from "drizzle-orm";
import { viewerProcedure, router } from "../init";

export const systemRouter = router({
  /** Liveness plus which database this server holds (the CLI uses it to find a running server). */
  health: viewerProcedure.query(async ({ ctx }) => {
    await ctx.db.execute(sql`select 1`);
    return { ok: true as const, pid: process.pid };
  }),
});
