import { z } from "zod";
import { createDataset, datasetSpec, findDataset, listDatasets } from "@/server/datasets/create";
import { datasetRecords, exportDataset } from "@/server/datasets/export";
import { importSftFile } from "@/server/datasets/import";
import { publicProcedure, router } from "../init";

export const datasetsRouter = router({
  list: publicProcedure.query(({ ctx }) => listDatasets(ctx.db)),
  get: publicProcedure.input(z.object({ ref: z.string() })).query(({ ctx, input }) => findDataset(ctx.db, input.ref)),
  create: publicProcedure.input(datasetSpec).mutation(({ ctx, input }) => createDataset(ctx.db, input)),
  /** The first example of a dataset as exported (for the preview). */
  preview: publicProcedure.input(z.object({ ref: z.string() })).query(async ({ ctx, input }) => {
    for await (const record of datasetRecords(ctx.db, input.ref)) return record;
    return null;
  }),
  export: publicProcedure
    .input(z.object({ ref: z.string(), out: z.string().min(1) }))
    .mutation(({ ctx, input }) => exportDataset(ctx.db, input.ref, input.out)),
  import: publicProcedure
    .input(z.object({ file: z.string().min(1), run: z.string().optional() }))
    .mutation(({ ctx, input }) => importSftFile(ctx.db, input.file, input.run)),
});
