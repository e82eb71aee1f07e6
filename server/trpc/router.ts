// The whole API: one router per feature, in pipeline order.
import { router } from "./init";
import { benchmarksRouter } from "./routers/benchmarks";
import { compareRouter } from "./routers/compare";
import { annotationsRouter } from "./routers/annotations";
import { datasetPreviewRouter } from "./routers/dataset-preview";
import { datasetsRouter } from "./routers/datasets";
import { experimentsRouter } from "./routers/experiments";
import { jobsRouter } from "./routers/jobs";
import { reviewRouter } from "./routers/review";
import { runsRouter } from "./routers/runs";
import { systemRouter } from "./routers/system";
import { trainingRouter } from "./routers/training";
import { trajectoriesRouter } from "./routers/trajectories";
import { usersRouter } from "./routers/users";

export const appRouter = router({
  system: systemRouter,
  benchmarks: benchmarksRouter,
  runs: runsRouter,
  jobs: jobsRouter,
  trajectories: trajectoriesRouter,
  annotations: annotationsRouter,
  review: reviewRouter,
  datasets: datasetsRouter,
  datasetPreview: datasetPreviewRouter,
  training: trainingRouter,
  compare: compareRouter,
  experiments: experimentsRouter,
  users: usersRouter,
});

export type AppRouter = typeof appRouter;
