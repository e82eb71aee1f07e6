// What an API error reply carries. Our own messages (InputError, zod issues, NOT_FOUND …) are
// meant for the caller and kept; a 5xx comes from something unexpected — a database error
// quotes the SQL and its parameters — so its message is replaced (see reportInternalError).
// Stack traces are never sent, in development either.
import { reportInternalError } from "@/server/errors";

type Shape = { message: string; data: { httpStatus: number; stack?: string } };

export function publicErrorShape<S extends Shape>(shape: S, error: { cause?: unknown }, path: string | undefined): S {
  const { stack: _stack, ...data } = shape.data;
  const message =
    shape.data.httpStatus >= 500 ? reportInternalError(error.cause ?? error, `API call ${path ?? "(unknown)"}`) : shape.message;
  return { ...shape, message, data };
}
