import { createHash, randomBytes } from "node:crypto";
import { and, desc, eq, isNull, lt, or } from "drizzle-orm";
import type { CurrentUser } from "@/lib/auth/session";
import type { Db } from "@/lib/db";
import { apiTokens, users, type ApiToken } from "@/lib/db/schema";

/**
 * Personal read-API tokens (`Authorization: Bearer xs_…`) for programs reading /api/v1 without a
 * browser session. 32 random bytes; only their SHA-256 is stored, so a database dump does not leak
 * usable tokens. A token reads exactly what its user can see in the dashboard.
 */

const PREFIX = "xs_";
const TOKEN_RE = /^xs_[A-Za-z0-9_-]{43}$/;

export function hashToken(token: string): string {
  return createHash("sha256").update(token, "utf8").digest("hex");
}

export type ApiTokenView = Pick<ApiToken, "id" | "name" | "prefix" | "createdAt" | "lastUsedAt" | "revokedAt">;

/** Creates a token; the plaintext is returned once and never stored. */
export async function createApiToken(db: Db, userId: string, name: string): Promise<{ token: string; row: ApiTokenView }> {
  const token = `${PREFIX}${randomBytes(32).toString("base64url")}`;
  const [row] = await db
    .insert(apiTokens)
    .values({ userId, name: name.trim().slice(0, 80) || "API token", tokenHash: hashToken(token), prefix: token.slice(0, 7) })
    .returning();
  return { token, row: row! };
}

export async function listApiTokens(db: Db, userId: string): Promise<ApiTokenView[]> {
  return db
    .select({ id: apiTokens.id, name: apiTokens.name, prefix: apiTokens.prefix, createdAt: apiTokens.createdAt, lastUsedAt: apiTokens.lastUsedAt, revokedAt: apiTokens.revokedAt })
    .from(apiTokens)
    .where(eq(apiTokens.userId, userId))
    .orderBy(desc(apiTokens.createdAt));
}

/** Revokes one of the user's tokens; false when it is not theirs or already revoked. */
export async function revokeApiToken(db: Db, userId: string, id: string): Promise<boolean> {
  const rows = await db
    .update(apiTokens)
    .set({ revokedAt: new Date() })
    .where(and(eq(apiTokens.id, id), eq(apiTokens.userId, userId), isNull(apiTokens.revokedAt)))
    .returning({ id: apiTokens.id });
  return rows.length > 0;
}

/** The user a bearer token belongs to, or null (malformed, unknown or revoked). */
export async function userFromBearer(db: Db, authorization: string | null, now = new Date()): Promise<CurrentUser | null> {
  const m = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? "");
  if (!m || !TOKEN_RE.test(m[1]!)) return null;
  const [row] = await db
    .select({ tokenId: apiTokens.id, id: users.id, name: users.name, email: users.email, lastUsedAt: apiTokens.lastUsedAt })
    .from(apiTokens)
    .innerJoin(users, eq(users.id, apiTokens.userId))
    .where(and(eq(apiTokens.tokenHash, hashToken(m[1]!)), isNull(apiTokens.revokedAt)));
  if (!row) return null;
  // Last use, at most once a minute per token (no write per request).
  const minuteAgo = new Date(now.getTime() - 60_000);
  if (!row.lastUsedAt || row.lastUsedAt < minuteAgo) {
    await db
      .update(apiTokens)
      .set({ lastUsedAt: now })
      .where(and(eq(apiTokens.id, row.tokenId), or(isNull(apiTokens.lastUsedAt), lt(apiTokens.lastUsedAt, minuteAgo))));
  }
  return { id: row.id, name: row.name, email: row.email };
}
