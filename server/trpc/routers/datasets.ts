import path from "node:path";
import { z } from "zod";
import { dataDir } from "@/db/client";
import { createDataset, datasetSpec, findDataset, listDatasets } from "@/server/datasets/create";
import { diffDatasets } from "@/server/datasets/diff";
import { datasetLines, datasetRecords, exportDatasetToDataDir } from "@/server/datasets/export";
import { IMPORT_MAX_CHARS, importTrajectories } from "@/server/runs/import-trajectories";
import { nameSchema } from "@/server/names";
import { researcherProcedure, viewerProcedure, router } from "../init";

export const datasetsRouter = router({
  list: viewerProcedure.query(({ ctx }) => listDatasets(ctx.db)),
  get: viewerProcedure.input(z.object({ ref: z.string() })).query(({ ctx, input }) => findDataset(ctx.db, input.ref)),
  /** What changed from version `a` to version `b` ("NAME@VERSION" each), with a reason per trajectory. */
  diff: viewerProcedure
    .input(z.object({ a: z.string().max(120), b: z.string().max(120) }))
    .query(({ ctx, input }) => diffDatasets(ctx.db, input.a, input.b)),
  create: researcherProcedure.input(datasetSpec).mutation(({ ctx, input }) => createDataset(ctx.db, input)),
  /** The first example of a dataset as exported (for the preview). */
  preview: viewerProcedure.input(z.object({ ref: z.string() })).query(async ({ ctx, input }) => {
    for await (const record of datasetRecords(ctx.db, input.ref)) return record;
    return null;
  }),
  export: researcherProcedure
    .input(z.strictObject({ ref: z.string().max(120) }))
    // Written under <dataDir>/exports/ only; the caller downloads it from `download`. Strict: a
    // caller still sending `out` (a server path) is told so, not silently ignored.
    .mutation(async ({ ctx, input }) => {
      const result = await exportDatasetToDataDir(ctx.db, input.ref);
      // The file's place inside the data directory only: callers need not learn the server's paths.
      const file = path.relative(dataDir(), result.file);
      return { ...result, file, download: `/api/datasets/${encodeURIComponent(result.dataset)}/export` };
    }),
  /** One page of the export as JSON lines: the CLI writes them to its own --out file. */
  exportLines: viewerProcedure
    .input(
      z.object({
        ref: z.string().max(120),
        offset: z.number().int().min(0).default(0),
        limit: z.number().int().min(1).max(500).default(200),
      }),
    )
    .query(({ ctx, input }) => datasetLines(ctx.db, input.ref, input.offset, input.limit)),
  import: researcherProcedure
    // The file's content, uploaded: the server reads no path a caller names.
    .input(
      z.strictObject({
        content: z.string().min(1).max(IMPORT_MAX_CHARS),
        fileName: z.string().max(255).optional(),
        run: nameSchema.optional(),
      }),
    )
    .mutation(({ ctx, input }) => importTrajectories(ctx.db, input)),
});
