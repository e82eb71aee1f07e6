// The dataset spec on its own (zod only), so the Datasets page form validates with the very schema
// the tRPC input and the CLI use, without pulling the database code into the browser bundle.
import { z } from "zod";
import { nameSchema } from "@/server/names";

/** What a trajectory's own record must show to be kept (annotation rules reuse these checks). */
export const trajectoryChecks = z.object({
  correctOnly: z.boolean().default(false),
  noParseErrors: z.boolean().default(false),
  finishedOnly: z.boolean().default(false),
  maxTokens: z.number().int().positive().optional(),
});
export type TrajectoryChecks = z.infer<typeof trajectoryChecks>;

/** The fields alone (recipes reuse them without `name`; zod cannot omit from a refined object). */
export const datasetFields = z.object({
  name: nameSchema,
  run: z.array(z.string().min(1)).min(1, "at least one --run"),
  ...trajectoryChecks.shape,
  acceptedOnly: z.boolean().default(false),
  excludeRejected: z.boolean().default(false),
});

export const datasetSpec = datasetFields.refine((s) => !(s.acceptedOnly && s.excludeRejected), {
  message: "use either acceptedOnly or excludeRejected, not both",
  path: ["acceptedOnly"],
});
export type DatasetSpec = z.input<typeof datasetSpec>;
