// The one rule for the names people give things: runs, datasets, trained students, experiments.
// Names end up in URLs, file names under the data directory (exports, models/<student>/) and CLI
// arguments, so the rule keeps them to one safe alphabet: no slashes, no leading dot (so never
// "." or ".."), no spaces, at most 100 characters. zod-only, so the browser's forms use it too.
import { z } from "zod";

export const NAME_MAX = 100;
export const NAME_PATTERN = /^[A-Za-z0-9][\w.:@+-]{0,99}$/;
export const NAME_RULE = "letters, digits and . _ : @ + - only, starting with a letter or digit (max 100)";

/** A name as every input schema takes it; the length check runs first, so a 5 MB name gets a short answer. */
export const nameSchema = z.string().max(NAME_MAX, `at most ${NAME_MAX} characters`).regex(NAME_PATTERN, NAME_RULE);

export function isName(value: string): boolean {
  return value.length <= NAME_MAX && NAME_PATTERN.test(value);
}

/** A name derived from other text (a file name, a model id): unsafe characters become "_". */
export function toName(text: string, fallback = "unnamed"): string {
  const cleaned = text
    .replace(/[^\w.:@+-]/g, "_")
    .replace(/^[^A-Za-z0-9]+/, "")
    .slice(0, NAME_MAX);
  return cleaned || fallback;
}
