// GET /api/datasets/<name>[@version]/export: download a dataset as SFT JSON lines (the file is
// written under <dataDir>/exports/ first; no caller chooses a server path). Viewers may download,
// as they may preview the dataset.
import { authorize } from "@/server/auth/request";
import { datasetDownload } from "@/server/datasets/download";
import { getServerDb } from "@/server/runtime/db";

export const dynamic = "force-dynamic";

export async function GET(req: Request, { params }: { params: Promise<{ ref: string }> }) {
  const { db } = await getServerDb();
  const { refusal } = await authorize(req, db, "viewer");
  if (refusal) return refusal;
  const { ref } = await params;
  return datasetDownload(db, decodedRef(ref));
}

/** Next hands the segment over decoded in some versions and encoded in others ("@" as %40). */
function decodedRef(ref: string): string {
  try {
    return decodeURIComponent(ref);
  } catch {
    return ref;
  }
}
