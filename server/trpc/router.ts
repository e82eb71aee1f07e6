// The whole API: one router per feature, in pipeline order.
import { router } from "./init";
import { benchmarksRouter } from "./routers/benchmarks";
import { systemRouter } from "./routers/system";

export const appRouter = router({
  system: systemRouter,
  benchmarks: benchmarksRouter,
});

export type AppRouter = typeof appRouter;
