import { z } from "zod";
import { createDataset, datasetSpec, findDataset, listDatasets } from "@/server/datasets/create";
import { datasetRecords, exportDataset } from "@/server/datasets/export";
import { importSftFile } from "@/server/datasets/import";
import { researcherProcedure, viewerProcedure, router } from "../init";

export const datasetsRouter = router({
  list: viewerProcedure.query(({ ctx }) => listDatasets(ctx.db)),
  get: viewerProcedure.input(z.object({ ref: z.string() })).query(({ ctx, input }) => findDataset(ctx.db, input.ref)),
  create: researcherProcedure.input(datasetSpec).mutation(({ ctx, input }) => createDataset(ctx.db, input)),
  /** The first example of a dataset as exported (for the preview). */
  preview: viewerProcedure.input(z.object({ ref: z.string() })).query(async ({ ctx, input }) => {
    for await (const record of datasetRecords(ctx.db, input.ref)) return record;
    return null;
  }),
  export: researcherProcedure
    .input(z.object({ ref: z.string(), out: z.string().min(1) }))
    .mutation(({ ctx, input }) => exportDataset(ctx.db, input.ref, input.out)),
  import: researcherProcedure
    .input(z.object({ file: z.string().min(1), run: z.string().optional() }))
    .mutation(({ ctx, input }) => importSftFile(ctx.db, input.file, input.run)),
});
