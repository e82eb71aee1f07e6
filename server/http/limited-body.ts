// The part of the boundary that must happen while the body is read, in the route handler: the
// proxy can only check the declared Content-Length, which a chunked request does not send.
import { NextRequest } from "next/server";
import { readBodyWithLimit } from "./body";
import { httpPolicy } from "./guard";
import { refusal } from "./refusal";
import { bodyLimitFor, bodyTooLarge } from "./trpc-request";

type Handler<Rest extends unknown[]> = (req: NextRequest, ...rest: Rest) => Promise<Response>;

/** Wraps the tRPC route handler so it sees a body only once it is known to be within its limit (else 413). */
export function withTrpcBodyLimit<Rest extends unknown[]>(handler: Handler<Rest>): Handler<Rest> {
  return async (req, ...rest) => {
    const limit = bodyLimitFor(new URL(req.url), httpPolicy());
    const read = await readBodyWithLimit(req.body, limit);
    if (!read.ok) {
      const { status, message } = bodyTooLarge(limit);
      return refusal(status, message);
    }
    const buffered = new NextRequest(req.url, { method: req.method, headers: req.headers, body: read.body, signal: req.signal });
    return handler(buffered, ...rest);
  };
}
