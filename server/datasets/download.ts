// The browser's download of a dataset export: the file is (re)written under <dataDir>/exports/
// and streamed back as an attachment. The route handler is a thin shell around this.
import fs from "node:fs";
import path from "node:path";
import { Readable } from "node:stream";
import type { Db } from "@/db/client";
import { InputError } from "@/server/errors";
import { exportDatasetToDataDir } from "./export";

export async function datasetDownload(db: Db, ref: string): Promise<Response> {
  let exported: Awaited<ReturnType<typeof exportDatasetToDataDir>>;
  try {
    exported = await exportDatasetToDataDir(db, ref);
  } catch (err) {
    if (err instanceof InputError) return Response.json({ error: err.message }, { status: 404 });
    throw err;
  }
  const stream = Readable.toWeb(fs.createReadStream(exported.file)) as ReadableStream<Uint8Array>;
  return new Response(stream, {
    headers: {
      "content-type": "application/jsonl; charset=utf-8",
      "content-length": String(fs.statSync(exported.file).size),
      "content-disposition": `attachment; filename="${path.basename(exported.file).replace(/"/g, "_")}"`,
      "x-distillery-records": String(exported.records),
      "cache-control": "no-store",
    },
  });
}
