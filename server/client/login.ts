// `distillery login`: turn a user name and password (or a token made in the browser) into a
// personal API token for the CLI, checked against the workbench before it is stored. A password
// opens a short Better Auth session only to create the token; the session is ended right after.
import os from "node:os";
import { createTRPCClient, httpLink } from "@trpc/client";
import superjson from "superjson";
import type { AppRouter } from "@/server/trpc/router";
import { workbenchKey } from "./credentials";

export type LoginResult = { token: string; user: string; role: string };

export class LoginError extends Error {}

function apiWith(url: string, headers: Record<string, string>) {
  return createTRPCClient<AppRouter>({
    links: [httpLink({ url: `${workbenchKey(url)}/api/trpc`, transformer: superjson, headers })],
  });
}

/** The workbench's mode, from its public health check; a clear error when nothing answers. */
export async function workbenchMode(url: string): Promise<"team" | "single-user"> {
  let res: Response;
  try {
    res = await fetch(`${workbenchKey(url)}/api/health`, { signal: AbortSignal.timeout(10_000) });
  } catch {
    throw new LoginError(`no workbench answers at ${workbenchKey(url)}`);
  }
  const body = (await res.json().catch(() => ({}))) as { mode?: string };
  return body.mode === "team" ? "team" : "single-user";
}

/** Check a token by asking the workbench who it belongs to. */
export async function loginWithToken(url: string, token: string): Promise<LoginResult> {
  try {
    const me = await apiWith(url, { authorization: `Bearer ${token}` }).users.me.query();
    return { token, user: me.name, role: me.role };
  } catch {
    throw new LoginError(`the workbench at ${workbenchKey(url)} does not accept that token`);
  }
}

/** Sign in with a password, create a personal API token, end the session. */
export async function loginWithPassword(url: string, user: string, password: string): Promise<LoginResult> {
  const origin = workbenchKey(url);
  const signIn = await fetch(`${origin}/api/auth/sign-in/username`, {
    method: "POST",
    headers: { "content-type": "application/json", origin },
    body: JSON.stringify({ username: user, password }),
  });
  if (!signIn.ok) throw new LoginError(`sign-in as "${user}" at ${origin} failed: wrong user name or password`);
  const cookie = signIn.headers
    .getSetCookie()
    .map((c) => c.split(";")[0])
    .join("; ");
  try {
    const api = apiWith(url, { cookie, origin });
    const me = await api.users.me.query();
    const created = await api.users.createToken.mutate({ label: `cli on ${os.hostname()}` });
    return { token: created.token, user: me.name, role: me.role };
  } finally {
    await fetch(`${origin}/api/auth/sign-out`, { method: "POST", headers: { cookie, origin } }).catch(() => undefined);
  }
}

/** Revoke a token on the workbench, found among its owner's tokens by its visible prefix. */
export async function revokeOwnToken(url: string, token: string): Promise<boolean> {
  const api = apiWith(url, { authorization: `Bearer ${token}` });
  const mine = (await api.users.tokens.query()).find((t) => token.startsWith(t.prefix));
  return mine ? (await api.users.revokeToken.mutate({ id: mine.id })).revoked : false;
}
