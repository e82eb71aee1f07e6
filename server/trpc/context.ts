// The context of one HTTP request to the API: the database and who is calling
// (server/auth/request.ts). Roles are then checked per procedure (init.ts).
import type { Db } from "@/db/client";
import { actorOfRequest } from "@/server/auth/request";
import type { Context } from "./init";

export async function createRequestContext(req: Request, db: Db): Promise<Context> {
  const actor = await actorOfRequest(req, db);
  return { db, user: actor?.name ?? "anonymous", actor };
}
