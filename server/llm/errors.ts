// What can go wrong talking to a model endpoint, each with a message a user can act on.

/** Base class: every failure of a chat request. */
export class LlmError extends Error {
  constructor(
    message: string,
    readonly url: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** Nothing answered at the URL (connection refused, DNS, reset) after all retries. */
export class LlmUnreachableError extends LlmError {}

/** The endpoint accepted the connection but did not answer within the timeout. */
export class LlmTimeoutError extends LlmError {}

/** The endpoint answered with an error status (4xx: our request is wrong; 5xx after retries). */
export class LlmHttpError extends LlmError {
  constructor(
    message: string,
    url: string,
    readonly status: number,
    readonly param: string | null,
    readonly code: string | null,
  ) {
    super(message, url);
  }
}

/** The endpoint answered 200 with a body that is not a chat completion. */
export class LlmProtocolError extends LlmError {}

export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 429 || status >= 500;
}

/** The low-level reason behind a failed fetch (undici wraps it in `cause`). */
export function networkReason(err: unknown): string {
  const cause = (err as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? (err as Error).message ?? String(err);
}
