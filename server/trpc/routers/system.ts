import { sql } from "drizzle-orm";
import { publicProcedure, router } from "../init";

export const systemRouter = router({
  /** Liveness plus which database this server holds (the CLI uses it to find a running server). */
  health: publicProcedure.query(async ({ ctx }) => {
    await ctx.db.execute(sql`select 1`);
    return { ok: true as const, pid: process.pid };
  }),
});
