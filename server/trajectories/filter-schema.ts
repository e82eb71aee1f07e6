// The one filter of trajectory lists, the review queue and neighbour navigation: a zod schema
// that is the tRPC input and the URL's query keys. Plain data, so the browser can import it;
// filters.ts turns it into SQL.
import { z } from "zod";

export const trajectoryFilter = z.object({
  /** Run name; omitted means every run (the review queue may span runs). */
  run: z.string().min(1).optional(),
  benchmark: z.string().min(1).optional(),
  outcome: z.enum(["correct", "incorrect", "unscored"]).optional(),
  status: z.enum(["finished", "max_steps", "error"]).optional(),
  /** "any" = a parse or an execution error somewhere in the trajectory. */
  error: z.enum(["parse", "exec", "any", "none"]).optional(),
  /** Latest verdict; "none" = not annotated yet. */
  verdict: z.enum(["accept", "reject", "none"]).optional(),
  ftp: z.enum(["on", "off"]).optional(),
  /** Case-insensitive text in the question, the gold answer or the final answer. */
  q: z.string().max(200).optional(),
});
export type TrajectoryFilter = z.infer<typeof trajectoryFilter>;

/** The URL query keys of a filter, in a stable order (so links and cache keys agree). */
export const FILTER_KEYS = ["run", "benchmark", "outcome", "status", "error", "verdict", "ftp", "q"] as const;

/** Parse URL search params into a filter, silently dropping values the schema does not know. */
export function filterFromParams(params: Record<string, string | string[] | undefined>): TrajectoryFilter {
  const out: Record<string, string> = {};
  for (const key of FILTER_KEYS) {
    const value = params[key];
    const first = Array.isArray(value) ? value[0] : value;
    if (!first) continue;
    const single = trajectoryFilter.shape[key].safeParse(first);
    if (single.success && single.data !== undefined) out[key] = single.data;
  }
  return out as TrajectoryFilter;
}

export function filterToParams(filter: TrajectoryFilter): URLSearchParams {
  const params = new URLSearchParams();
  for (const key of FILTER_KEYS) {
    const value = filter[key];
    if (value) params.set(key, value);
  }
  return params;
}
