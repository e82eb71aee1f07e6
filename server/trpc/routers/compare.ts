import { compareInput, compareRuns, lossCurvesInput } from "@/server/compare/compare";
import { listTrainJobs, lossCurves } from "@/server/compare/loss";
import { viewerProcedure, router } from "../init";

export const compareRouter = router({
  /** The selected runs with the data of the accuracy, matrix, FTP, SAG and token charts. */
  runs: viewerProcedure.input(compareInput).query(({ ctx, input }) => compareRuns(ctx.db, input)),
  /** Loss curves of the train jobs behind the runs' models, plus train jobs picked directly. */
  lossCurves: viewerProcedure.input(lossCurvesInput).query(({ ctx, input }) => lossCurves(ctx.db, input)),
  trainJobs: viewerProcedure.query(({ ctx }) => listTrainJobs(ctx.db)),
});
