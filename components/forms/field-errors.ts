// Client-side validation with the server's own zod schemas: issues become one message per form
// field, so each input shows what is wrong with it.
import type { ZodError } from "zod";

export type FieldErrors = Partial<Record<string, string>>;

/** The first issue per top-level field; issues without a path go under "form". */
export function fieldErrors(error: ZodError): FieldErrors {
  const errors: FieldErrors = {};
  for (const issue of error.issues) {
    const key = issue.path.length > 0 ? String(issue.path[0]) : "form";
    errors[key] ??= issue.message;
  }
  return errors;
}

/** A number input's text as the schema should see it: blank → absent, anything else → Number
 *  (NaN for junk, which the schema rejects with a message). */
export function optionalNumber(text: string): number | undefined {
  const trimmed = text.trim();
  return trimmed === "" ? undefined : Number(trimmed);
}
