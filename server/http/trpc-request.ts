// What a request to the tRPC endpoint may look like. tRPC also accepts multipart/form-data and
// octet-stream bodies; a page on another origin can send those (and text/plain or urlencoded
// forms) without a CORS preflight, so only JSON bodies are taken. Batches are capped so one
// request can't fan out into thousands of procedure calls, and bodies are capped in size.
import { declaredLengthTooLarge } from "./body";

export const TRPC_ENDPOINT = "/api/trpc";
/** Procedures whose input is an uploaded file's content; they get the larger upload limit. */
export const UPLOAD_PROCEDURES: ReadonlySet<string> = new Set(["datasets.import"]);

export type Problem = { status: number; message: string };
export type TrpcLimits = { maxBodyBytes: number; maxUploadBytes: number; maxBatchCalls: number };

export function isTrpcPath(pathname: string): boolean {
  return pathname === TRPC_ENDPOINT || pathname.startsWith(`${TRPC_ENDPOINT}/`);
}

/** The media type of a Content-Type header, lower-cased, without parameters (charset, boundary). */
export function mediaType(contentType: string | null): string | null {
  return contentType?.split(";", 1)[0]?.trim().toLowerCase() || null;
}

/** The procedure paths a URL calls (`/api/trpc/a,b?batch=1` calls a and b). */
export function calledProcedures(url: URL): string[] {
  let path = url.pathname.slice(TRPC_ENDPOINT.length + 1);
  try {
    path = decodeURIComponent(path);
  } catch {
    // tRPC itself will answer a malformed path
  }
  return url.searchParams.get("batch") === "1" ? path.split(",") : [path];
}

/** The body limit for a tRPC request: the upload limit only when every call is an upload. */
export function bodyLimitFor(url: URL, limits: TrpcLimits): number {
  const uploadsOnly = calledProcedures(url).every((p) => UPLOAD_PROCEDURES.has(p));
  return uploadsOnly ? limits.maxUploadBytes : limits.maxBodyBytes;
}

export function bodyTooLarge(limit: number): Problem {
  return { status: 413, message: `request body over the limit of ${limit} bytes` };
}

/** Why a request to the tRPC endpoint is refused, or null. The body itself is measured while it is read (route handler). */
export function trpcRequestProblem(method: string, url: URL, headers: Headers, limits: TrpcLimits): Problem | null {
  const calls = calledProcedures(url).length;
  if (calls > limits.maxBatchCalls)
    return { status: 400, message: `a batch may hold at most ${limits.maxBatchCalls} calls (this one has ${calls})` };
  if (method.toUpperCase() !== "POST") return null;
  const type = mediaType(headers.get("content-type"));
  if (type !== "application/json") {
    return {
      status: 415,
      message: `the API takes JSON request bodies only (Content-Type: application/json), not ${type?.slice(0, 60) ?? "no Content-Type"}`,
    };
  }
  const limit = bodyLimitFor(url, limits);
  if (declaredLengthTooLarge(headers.get("content-length"), limit)) return bodyTooLarge(limit);
  return null;
}
