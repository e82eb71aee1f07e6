// GET /api/datasets/<name>[@version]/export: download a dataset as SFT JSON lines (the file is
// written under <dataDir>/exports/ first; no caller chooses a server path).
import { datasetDownload } from "@/server/datasets/download";
import { getServerDb } from "@/server/runtime/db";

export const dynamic = "force-dynamic";

export async function GET(_req: Request, { params }: { params: Promise<{ ref: string }> }) {
  const { ref } = await params;
  return datasetDownload((await getServerDb()).db, decodedRef(ref));
}

/** Next hands the segment over decoded in some versions and encoded in others ("@" as %40). */
function decodedRef(ref: string): string {
  try {
    return decodeURIComponent(ref);
  } catch {
    return ref;
  }
}
