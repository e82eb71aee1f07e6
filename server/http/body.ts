// Request body limits. Content-Length is only a hint (a chunked request has none, and a client
// may lie), so the limit is enforced on the bytes actually read from the stream.

import type { Env } from "@/server/runtime/mode";
import { wholeNumberSetting } from "@/server/runtime/settings";

export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;
/** Uploads (a dataset file's content, JSON-escaped) may be larger than any other request. */
export const DEFAULT_MAX_UPLOAD_BYTES = 64 * 1024 * 1024;
// Next buffers a request body for its proxy up to experimental.proxyClientMaxBodySize and
// silently truncates beyond it, so no limit here may exceed it (next.config.js sets it to this).
export const PROXY_BUFFER_BYTES = 64 * 1024 * 1024;

/** Largest request body, in bytes (DISTILLERY_MAX_BODY_BYTES, default 1 MiB). */
export function maxBodyBytes(env: Env = process.env): number {
  return wholeNumberSetting(env, "DISTILLERY_MAX_BODY_BYTES", DEFAULT_MAX_BODY_BYTES, 1, PROXY_BUFFER_BYTES);
}

/** Largest body of an upload procedure, in bytes (DISTILLERY_MAX_UPLOAD_BYTES, default 64 MiB). */
export function maxUploadBytes(env: Env = process.env): number {
  return wholeNumberSetting(env, "DISTILLERY_MAX_UPLOAD_BYTES", DEFAULT_MAX_UPLOAD_BYTES, 1, PROXY_BUFFER_BYTES);
}

export const DEFAULT_MAX_BATCH_CALLS = 25;

/** Most calls one batched tRPC request may carry (DISTILLERY_MAX_BATCH_CALLS, default 25). */
export function maxBatchCalls(env: Env = process.env): number {
  return wholeNumberSetting(env, "DISTILLERY_MAX_BATCH_CALLS", DEFAULT_MAX_BATCH_CALLS, 1, 1000);
}

/** A declared Content-Length over the limit (a missing or malformed one is judged while reading). */
export function declaredLengthTooLarge(contentLength: string | null, limit: number): boolean {
  if (contentLength === null || !/^\d+$/.test(contentLength.trim())) return false;
  return Number(contentLength) > limit;
}

export type BodyRead = { ok: true; body: Uint8Array<ArrayBuffer> } | { ok: false };

/** Reads the whole body, stopping (and cancelling the stream) as soon as it passes `limit` bytes. */
export async function readBodyWithLimit(body: ReadableStream<Uint8Array> | null, limit: number): Promise<BodyRead> {
  if (!body) return { ok: true, body: new Uint8Array(0) };
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => {});
      return { ok: false };
    }
    chunks.push(value);
  }
  const joined = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    joined.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return { ok: true, body: joined };
}
