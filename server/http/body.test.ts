import { describe, expect, it } from "vitest";
import { declaredLengthTooLarge, maxBatchCalls, maxBodyBytes, readBodyWithLimit } from "./body";

function chunkedStream(chunks: number, size: number) {
  let sent = 0;
  let cancelled = false;
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (sent === chunks) return controller.close();
      sent += 1;
      controller.enqueue(new Uint8Array(size).fill(120));
    },
    cancel() {
      cancelled = true;
    },
  });
  return { stream, sentChunks: () => sent, wasCancelled: () => cancelled };
}

describe("body limits", () => {
  it("reads a body within the limit whole", async () => {
    const read = await readBodyWithLimit(chunkedStream(4, 1000).stream, 4000);
    expect(read.ok && read.body.byteLength).toBe(4000);
  });

  it("stops reading and cancels the stream as soon as the limit is passed", async () => {
    const source = chunkedStream(1000, 1000);
    const read = await readBodyWithLimit(source.stream, 4000);
    expect(read.ok).toBe(false);
    expect(source.sentChunks()).toBeLessThan(10);
    expect(source.wasCancelled()).toBe(true);
  });

  it("judges a declared Content-Length only when it is a number", () => {
    expect(declaredLengthTooLarge("1048577", 1048576)).toBe(true);
    expect(declaredLengthTooLarge("1048576", 1048576)).toBe(false);
    expect(declaredLengthTooLarge(null, 10)).toBe(false);
    expect(declaredLengthTooLarge("lots", 10)).toBe(false);
  });

  it("takes limits from the environment and refuses nonsense, naming the variable", () => {
    expect(maxBodyBytes({})).toBe(1024 * 1024);
    expect(maxBodyBytes({ DISTILLERY_MAX_BODY_BYTES: "2048" })).toBe(2048);
    expect(maxBatchCalls({})).toBe(25);
    expect(() => maxBodyBytes({ DISTILLERY_MAX_BODY_BYTES: "1e12" })).toThrow(/DISTILLERY_MAX_BODY_BYTES/);
    expect(() => maxBatchCalls({ DISTILLERY_MAX_BATCH_CALLS: "-1" })).toThrow(/DISTILLERY_MAX_BATCH_CALLS/);
  });
});
