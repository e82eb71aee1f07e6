// GET /api/datasets/<name>[@version]/export: download a dataset as SFT JSON lines (the file is
// written under <dataDir>/exports/ first; no caller chooses a server path).
import { authorize } from "@/server/auth/request";
import { datasetDownload } from "@/server/datasets/download";
import { getServerDb } from "@/server/runtime/db";

export const dynamic = "force-dynamic";

export async function GET(req: Request, { params }: { params: Promise<{ ref: string }> }) {
  const { db } = await getServerDb();
  // Reading a dataset is a viewer's right; in team mode that needs a session or an API token.
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
