/** Bad input the user can fix (a malformed file, an unknown name): reported as one clear line. */
export class InputError extends Error {}

/**
 * An unexpected failure, as a client may see it: a generic line with a short id, while the
 * detail (which may hold SQL, its parameters, paths or a stack) goes only to the server's log.
 */
export function reportInternalError(error: unknown, where: string): string {
  const id = globalThis.crypto.randomUUID().slice(0, 8);
  console.error(`[distillery] internal error ${id} in ${where}:`, error);
  return `internal error (id ${id}); the details are in the server log`;
}
