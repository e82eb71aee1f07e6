// The Datasets page's token preview: the first exported example of a dataset, tokenised under a
// base model's chat template by the trainer's own masking code (worker train/preview.py), so
// what is highlighted as trainable is exactly what the trainer would learn.
import { z } from "zod";
import { findDataset } from "@/server/datasets/create";
import { datasetRecords } from "@/server/datasets/export";
import { formatSftRecord } from "@/server/datasets/sft-format";
import { InputError } from "@/server/errors";
import { checkModelRef, modelRootsEnv } from "@/server/models/model-ref";
import { runWorkerJson } from "@/server/worker/run-json";
import { viewerProcedure, router } from "../init";

export type TokenPreview = {
  dataset: string;
  recordId: string | null;
  model: string;
  /** [text, trainable] per token, covering the rendered chat without gaps (first `shown` tokens). */
  tokens: [string, boolean][];
  total: number;
  trainable: number;
  trainable_fraction: number;
  shown: number;
  /** Why the trainer would reject this sample's mask, if it would. */
  mask_error: string | null;
};

const PREVIEW_TIMEOUT_MS = 180_000;
const MAX_CACHED = 32;
// Datasets are frozen, so a preview never changes for a (dataset version, base model) pair.
const cache = new Map<string, Promise<TokenPreview>>();

function runPreview(record: string, base: string): Promise<Omit<TokenPreview, "dataset" | "recordId">> {
  return runWorkerJson({
    module: "distillery_worker.train.preview",
    args: ["--base", base],
    env: modelRootsEnv(),
    input: record,
    timeoutMs: PREVIEW_TIMEOUT_MS,
    what: "the token preview",
  });
}

async function previewTokens(db: Parameters<typeof findDataset>[0], ref: string, base: string): Promise<TokenPreview> {
  const dataset = await findDataset(db, ref);
  const exact = `${dataset.name}@${dataset.version}`;
  for await (const record of datasetRecords(db, exact)) {
    const result = await runPreview(formatSftRecord(record), base);
    return { dataset: exact, recordId: record.id ?? null, ...result };
  }
  throw new InputError(`dataset "${exact}" has no examples`);
}

export const datasetPreviewRouter = router({
  /** The first example of a dataset, tokenised, with each token's trainability under `base`. */
  tokens: viewerProcedure
    .input(z.object({ ref: z.string().min(1), base: z.string().min(1).default("student") }))
    .query(async ({ ctx, input }) => {
      const base = checkModelRef(input.base, "base"); // only the model cache or a trained student's directory
      const dataset = await findDataset(ctx.db, input.ref);
      const key = `${dataset.id}\u0000${base}`;
      let pending = cache.get(key);
      if (!pending) {
        pending = previewTokens(ctx.db, `${dataset.name}@${dataset.version}`, base);
        pending.catch(() => cache.delete(key)); // failures are not cached
        if (cache.size >= MAX_CACHED) cache.delete(cache.keys().next().value!);
        cache.set(key, pending);
      }
      return pending;
    }),
});
