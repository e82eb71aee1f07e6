// Personal API tokens for the CLI and scripts: `dst_` + 32 random bytes (base64url), shown once
// when created. Only their SHA-256 is stored, so a copy of the database reveals no usable token;
// a fast hash is enough because the token itself is long and random (no guessing to slow down).
import { createHash, randomBytes, randomUUID } from "node:crypto";
import { and, eq } from "drizzle-orm";
import type { Db } from "@/db/client";
import { apiTokens, users } from "@/db/schema";

const TOKEN_PREFIX = "dst_";
const LAST_USED_RESOLUTION_MS = 60_000;

export type TokenInfo = { id: string; label: string; prefix: string; createdAt: Date; lastUsedAt: Date | null };

const hashToken = (token: string) => createHash("sha256").update(token).digest("hex");

/** Create a token for the user; the returned `token` is the only copy there will ever be. */
export async function createApiToken(db: Db, userId: string, label: string): Promise<TokenInfo & { token: string }> {
  const token = TOKEN_PREFIX + randomBytes(32).toString("base64url");
  const [row] = await db
    .insert(apiTokens)
    .values({ id: randomUUID(), userId, label, tokenHash: hashToken(token), prefix: token.slice(0, TOKEN_PREFIX.length + 6) })
    .returning();
  return { token, ...tokenInfo(row!) };
}

/** The account a presented token belongs to, or null for an unknown (or revoked) token. */
export async function userForApiToken(db: Db, token: string) {
  if (!token.startsWith(TOKEN_PREFIX)) return null;
  const [found] = await db
    .select({ tokenId: apiTokens.id, lastUsedAt: apiTokens.lastUsedAt, user: users })
    .from(apiTokens)
    .innerJoin(users, eq(users.id, apiTokens.userId))
    .where(eq(apiTokens.tokenHash, hashToken(token)))
    .limit(1);
  if (!found) return null;
  // Every API call checks its token: record the use at most once a minute, not a write per call.
  const now = new Date();
  if (!found.lastUsedAt || now.getTime() - found.lastUsedAt.getTime() > LAST_USED_RESOLUTION_MS) {
    await db.update(apiTokens).set({ lastUsedAt: now }).where(eq(apiTokens.id, found.tokenId));
  }
  return found.user;
}

export async function listApiTokens(db: Db, userId: string): Promise<TokenInfo[]> {
  return (await db.select().from(apiTokens).where(eq(apiTokens.userId, userId)).orderBy(apiTokens.createdAt)).map(tokenInfo);
}

/** Revoke one of the user's own tokens; false when the user has no such token. */
export async function revokeApiToken(db: Db, userId: string, tokenId: string): Promise<boolean> {
  const removed = await db
    .delete(apiTokens)
    .where(and(eq(apiTokens.id, tokenId), eq(apiTokens.userId, userId)))
    .returning({ id: apiTokens.id });
  return removed.length > 0;
}

function tokenInfo(row: typeof apiTokens.$inferSelect): TokenInfo {
  return { id: row.id, label: row.label, prefix: row.prefix, createdAt: row.createdAt, lastUsedAt: row.lastUsedAt };
}
