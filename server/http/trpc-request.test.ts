import { describe, expect, it } from "vitest";
import { bodyLimitFor, calledProcedures, mediaType, trpcRequestProblem } from "./trpc-request";

const limits = { maxBodyBytes: 1000, maxUploadBytes: 5000, maxBatchCalls: 3 };
const url = (path: string) => new URL(`http://127.0.0.1:3000/api/trpc/${path}`);
const json = new Headers({ "content-type": "Application/JSON; charset=utf-8" });

describe("tRPC request shape", () => {
  it("reads the called procedures from the path, batched or not", () => {
    expect(calledProcedures(url("runs.list,jobs.get?batch=1"))).toEqual(["runs.list", "jobs.get"]);
    expect(calledProcedures(url("runs.list%2Cjobs.get?batch=1"))).toEqual(["runs.list", "jobs.get"]);
    expect(calledProcedures(url("runs.list,jobs.get"))).toEqual(["runs.list,jobs.get"]);
    expect(mediaType(" multipart/form-data; boundary=x")).toBe("multipart/form-data");
  });

  it("gives the upload limit only to a request whose every call is an upload", () => {
    expect(bodyLimitFor(url("datasets.import?batch=1"), limits)).toBe(5000);
    expect(bodyLimitFor(url("datasets.import,datasets.import?batch=1"), limits)).toBe(5000);
    expect(bodyLimitFor(url("datasets.import,experiments.start?batch=1"), limits)).toBe(1000);
  });

  it("refuses oversized batches, non-JSON POSTs and declared oversized bodies", () => {
    expect(trpcRequestProblem("GET", url("a,b,c,d?batch=1"), new Headers(), limits)?.status).toBe(400);
    expect(trpcRequestProblem("GET", url("a,b,c?batch=1"), new Headers(), limits)).toBeNull();
    expect(trpcRequestProblem("POST", url("a"), new Headers({ "content-type": "application/octet-stream" }), limits)?.status).toBe(415);
    expect(trpcRequestProblem("POST", url("a"), new Headers({ "content-type": "application/json-seq" }), limits)?.status).toBe(415);
    expect(trpcRequestProblem("POST", url("a"), json, limits)).toBeNull();
    const declared = new Headers({ "content-type": "application/json", "content-length": "2000" });
    expect(trpcRequestProblem("POST", url("a?batch=1"), declared, limits)?.status).toBe(413);
    expect(trpcRequestProblem("POST", url("datasets.import?batch=1"), declared, limits)).toBeNull();
  });
});
