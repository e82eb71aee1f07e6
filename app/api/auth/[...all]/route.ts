// Better Auth's endpoints (sign-in, sign-out, session, OIDC callback) in team mode. In
// single-user mode there are no accounts, so there is nothing here.
import { getAuth } from "@/server/auth/request";
import { getServerDb } from "@/server/runtime/db";
import { serverMode } from "@/server/runtime/mode";

export const dynamic = "force-dynamic";

async function handler(req: Request): Promise<Response> {
  if (serverMode() !== "team") return Response.json({ error: "no accounts in single-user mode" }, { status: 404 });
  const { db } = await getServerDb();
  return getAuth(db).handler(req);
}

export { handler as GET, handler as POST };
