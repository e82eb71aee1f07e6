// Who sent an HTTP request, for the tRPC handler and every route handler under app/api.
// Single-user mode: the owner, under the display name the browser sends (it is their machine;
// the Host/Origin checks keep other pages out). Team mode: the account of a personal API token
// (`Authorization: Bearer dst_…`) or of a Better Auth session cookie; the name header is ignored.
import type { Db } from "@/db/client";
import { serverMode, type Env } from "@/server/runtime/mode";
import type { Actor } from "./actor";
import { createAuth, type Auth } from "./better-auth";
import { authConfig } from "./config";
import { isRole, roleAllows, type Role } from "./roles";
import { userForApiToken } from "./tokens";

/** The header the single-user browser and CLI send their display name in. */
export const DISPLAY_NAME_HEADER = "x-distillery-user";

const auths = new WeakMap<Db, Auth>();

/** The Better Auth instance of this database (team mode only), made on first use. */
export function getAuth(db: Db, env: Env = process.env): Auth {
  let auth = auths.get(db);
  if (!auth) {
    auth = createAuth(db, authConfig(env));
    auths.set(db, auth);
  }
  return auth;
}

/** The caller of a request; null in team mode when it carries no valid token or session. */
export async function actorOfRequest(req: Request, db: Db, env: Env = process.env): Promise<Actor | null> {
  if (serverMode(env) === "single-user") {
    const name = req.headers.get(DISPLAY_NAME_HEADER)?.trim().slice(0, 64);
    return { name: name || "anonymous", role: "admin", userId: null };
  }
  const authorization = req.headers.get("authorization");
  if (authorization) {
    // A token that is wrong is an error, never a fall-back to the cookie.
    const token = /^Bearer\s+(\S+)$/i.exec(authorization)?.[1];
    const user = token ? await userForApiToken(db, token) : null;
    return user ? actorOfUser(user) : null;
  }
  const session = await getAuth(db, env).api.getSession({ headers: req.headers });
  return session ? actorOfUser(session.user as AccountRow) : null;
}

type AccountRow = { id: string; email: string; username?: string | null; role?: string | null };

function actorOfUser(user: AccountRow): Actor {
  return { name: user.username ?? user.email, role: isRole(user.role) ? user.role : "viewer", userId: user.id };
}

/**
 * For route handlers: the actor when it may do what `least` may, otherwise the 401/403 reply
 * to send. `authorize(req, db, "researcher")` at the top of a handler is the whole check.
 */
export async function authorize(
  req: Request,
  db: Db,
  least: Role,
): Promise<{ actor: Actor; refusal?: undefined } | { actor?: undefined; refusal: Response }> {
  const actor = await actorOfRequest(req, db);
  if (!actor) return { refusal: Response.json({ error: "sign in first (CLI: npx distillery login)" }, { status: 401 }) };
  if (!roleAllows(actor.role, least)) {
    return { refusal: Response.json({ error: `needs the ${least} role; ${actor.name} is ${actor.role}` }, { status: 403 }) };
  }
  return { actor };
}
