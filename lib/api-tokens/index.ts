import { createHash, randomBytes } from "node:crypto";
import { and, desc, eq, isNull, sql } from "drizzle-orm";
import { z } from "zod";
import type { CurrentUser } from "@/lib/auth/session";
import { queryRows, type Db } from "@/lib/db";
import { apiTokens, xeroTenants, type ApiToken } from "@/lib/db/schema";
import { AppError } from "@/lib/errors";

/**
 * Personal API tokens (`Authorization: Bearer xs_…`) for programs reading /api/v1 without a
 * browser session. 32 random bytes; only their SHA-256 is stored, so a database dump does not leak
 * usable tokens. A token reads what its user can see in the dashboard, or one organisation of
 * theirs; it starts syncs only when made read-write; it may expire; and it has a rate limit.
 */

const PREFIX = "xs_";
const TOKEN_RE = /^xs_[A-Za-z0-9_-]{43}$/;

/** The rate limit's window: a fixed minute per token, begun by its first request. */
export const RATE_WINDOW_SECONDS = 60;

export function hashToken(token: string): string {
  return createHash("sha256").update(token, "utf8").digest("hex");
}

/** Expiry choices offered when creating a token, in days ("never": no expiry). */
export const TOKEN_EXPIRY_CHOICES = ["30", "90", "365", "never"] as const;

/**
 * What a new token may do: its name, the one organisation it reads (empty: all of the user's),
 * read-only or read-write, and when it expires. Form values (strings, an absent checkbox) accepted.
 */
export const apiTokenOptionsSchema = z.object({
  name: z.string().trim().min(1, "Give the token a name").max(80),
  tenantId: z.union([z.literal("").transform(() => null), z.uuid("Pick one of your organisations")]).nullish().transform((v) => v ?? null),
  access: z.enum(["read", "read_write"], "Choose read-only or read-write").default("read"),
  expiresInDays: z.enum(TOKEN_EXPIRY_CHOICES, "Choose when the token expires").default("90"),
});

export type ApiTokenView = Pick<ApiToken, "id" | "name" | "prefix" | "createdAt" | "lastUsedAt" | "revokedAt" | "tenantId" | "readOnly" | "expiresAt"> & {
  /** The name of the organisation a limited token reads. */
  tenantName: string | null;
};

/**
 * Creates a token; the plaintext is returned once and never stored. An organisation that is not
 * the user's is a 404, as everywhere else.
 */
export async function createApiToken(db: Db, userId: string, input: z.input<typeof apiTokenOptionsSchema>, now = new Date()): Promise<{ token: string; row: ApiTokenView }> {
  const options = apiTokenOptionsSchema.parse(input);
  const { tenantId } = options;
  let tenantName: string | null = null;
  if (tenantId) {
    const [tenant] = await db.select({ name: xeroTenants.name }).from(xeroTenants).where(and(eq(xeroTenants.id, tenantId), eq(xeroTenants.userId, userId)));
    if (!tenant) throw new AppError("not_found", "No such organisation.");
    tenantName = tenant.name;
  }
  const expiresAt = options.expiresInDays === "never" ? null : new Date(now.getTime() + Number(options.expiresInDays) * 86_400_000);
  const token = `${PREFIX}${randomBytes(32).toString("base64url")}`;
  const [row] = await db
    .insert(apiTokens)
    .values({
      userId,
      name: options.name.trim().slice(0, 80) || "API token",
      tokenHash: hashToken(token),
      prefix: token.slice(0, 7),
      tenantId,
      readOnly: options.access === "read",
      expiresAt,
      createdAt: now,
    })
    .returning();
  const { id, name, prefix, createdAt, lastUsedAt, revokedAt, readOnly } = row!;
  return { token, row: { id, name, prefix, createdAt, lastUsedAt, revokedAt, tenantId, readOnly, expiresAt, tenantName } };
}

export async function listApiTokens(db: Db, userId: string): Promise<ApiTokenView[]> {
  return db
    .select({
      id: apiTokens.id,
      name: apiTokens.name,
      prefix: apiTokens.prefix,
      createdAt: apiTokens.createdAt,
      lastUsedAt: apiTokens.lastUsedAt,
      revokedAt: apiTokens.revokedAt,
      tenantId: apiTokens.tenantId,
      readOnly: apiTokens.readOnly,
      expiresAt: apiTokens.expiresAt,
      tenantName: xeroTenants.name,
    })
    .from(apiTokens)
    .leftJoin(xeroTenants, eq(xeroTenants.id, apiTokens.tenantId))
    .where(eq(apiTokens.userId, userId))
    .orderBy(desc(apiTokens.createdAt));
}

/** Revokes one of the user's tokens; false when it is not theirs or already revoked. */
export async function revokeApiToken(db: Db, userId: string, id: string, now = new Date()): Promise<boolean> {
  const rows = await db
    .update(apiTokens)
    .set({ revokedAt: now })
    .where(and(eq(apiTokens.id, id), eq(apiTokens.userId, userId), isNull(apiTokens.revokedAt)))
    .returning({ id: apiTokens.id });
  return rows.length > 0;
}

/** Where a request stands in its token's window, as the RateLimit-* headers say it. */
export interface RateState {
  limit: number;
  remaining: number;
  /** Seconds until the window ends. */
  resetSeconds: number;
  exceeded: boolean;
}

/** The user behind a valid token, with what the token is allowed. */
export interface TokenCaller extends CurrentUser {
  tokenId: string;
  /** The token's one organisation, or null: all of the user's. */
  tenantIds: string[] | null;
  readOnly: boolean;
}

export type BearerCheck =
  | { kind: "invalid" }
  | { kind: "revoked" }
  | { kind: "expired"; expiresAt: Date }
  | { kind: "ok"; caller: TokenCaller; rate: RateState };

/**
 * Checks a bearer token and counts the request against its rate limit, in one statement (one
 * round trip, on PostgreSQL and PGlite alike): the token's row is read, and, when the token is
 * neither revoked nor expired, its window is renewed or its count raised, and its last use
 * written at most once a minute. The count lives in the token's row, so every process shares one
 * budget; concurrent requests of one token queue on that row for the moment of the update, and
 * PostgreSQL re-reads the row after the wait, so none is lost. Nothing is cached: a revocation or
 * an expiry holds from the very next request.
 */
export async function checkBearer(db: Db, authorization: string | null, options: { limit: number; now?: Date }): Promise<BearerCheck> {
  const m = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? "");
  if (!m || !TOKEN_RE.test(m[1]!)) return { kind: "invalid" };
  const now = options.now ?? new Date();
  const at = now.toISOString();
  const windowFloor = new Date(now.getTime() - RATE_WINDOW_SECONDS * 1000).toISOString();
  const minuteAgo = new Date(now.getTime() - 60_000).toISOString();
  const [row] = await queryRows<{
    id: string;
    user_id: string;
    tenant_id: string | null;
    read_only: boolean;
    revoked_at: Date | string | null;
    expires_at: Date | string | null;
    name: string | null;
    email: string | null;
    window_started_at: Date | string | null;
    count: number | null;
  }>(
    db,
    sql`with t as (
          select k.id, k.user_id, k.tenant_id, k.read_only, k.revoked_at, k.expires_at, u.name, u.email
          from api_tokens k join users u on u.id = k.user_id
          where k.token_hash = ${hashToken(m[1]!)}
        ), hit as (
          update api_tokens as k set
            rate_window_started_at = case when k.rate_window_started_at is null or k.rate_window_started_at <= ${windowFloor}::timestamptz
              then ${at}::timestamptz else k.rate_window_started_at end,
            rate_count = case when k.rate_window_started_at is null or k.rate_window_started_at <= ${windowFloor}::timestamptz
              then 1 else k.rate_count + 1 end,
            last_used_at = case when k.last_used_at is null or k.last_used_at < ${minuteAgo}::timestamptz
              then ${at}::timestamptz else k.last_used_at end
          from t
          where k.id = t.id and t.revoked_at is null and (t.expires_at is null or t.expires_at > ${at}::timestamptz)
          returning k.rate_window_started_at as window_started_at, k.rate_count as count
        )
        select t.*, hit.window_started_at, hit.count from t left join hit on true`,
  );
  if (!row) return { kind: "invalid" };
  if (row.revoked_at) return { kind: "revoked" };
  if (row.window_started_at === null || row.count === null) return { kind: "expired", expiresAt: new Date(row.expires_at!) };
  const count = Number(row.count);
  const windowEnds = new Date(row.window_started_at).getTime() + RATE_WINDOW_SECONDS * 1000;
  return {
    kind: "ok",
    caller: { id: row.user_id, name: row.name, email: row.email, tokenId: row.id, tenantIds: row.tenant_id ? [row.tenant_id] : null, readOnly: row.read_only },
    rate: {
      limit: options.limit,
      remaining: Math.max(0, options.limit - count),
      resetSeconds: Math.max(1, Math.ceil((windowEnds - now.getTime()) / 1000)),
      exceeded: count > options.limit,
    },
  };
}

/** The RateLimit-* headers of a token-authenticated answer (IETF httpapi-ratelimit-headers: Reset in seconds). */
export function rateLimitHeaders(rate: RateState): Record<string, string> {
  return { "ratelimit-limit": String(rate.limit), "ratelimit-remaining": String(rate.remaining), "ratelimit-reset": String(rate.resetSeconds) };
}

const BEARER_REALM = 'Bearer realm="xero-sync"';

function invalidToken(message: string): AppError {
  return new AppError("unauthorized", message, { headers: { "www-authenticate": `${BEARER_REALM}, error="invalid_token", error_description="${message}"` } });
}

/**
 * The caller behind an Authorization header, with the RateLimit-* headers its answer owes, or
 * the AppError to answer with: 401 (with WWW-Authenticate) for a malformed, unknown, revoked or
 * expired token, 429 (with Retry-After) past the token's rate limit.
 */
export async function callerFromBearer(db: Db, authorization: string, options: { limit: number; now?: Date }): Promise<{ caller: TokenCaller; headers: Record<string, string> }> {
  const check = await checkBearer(db, authorization, options);
  switch (check.kind) {
    case "invalid":
      throw invalidToken("The API token is not valid.");
    case "revoked":
      throw invalidToken("The API token was revoked.");
    case "expired":
      throw invalidToken(`The API token expired on ${check.expiresAt.toISOString().slice(0, 10)}.`);
    case "ok": {
      const headers = rateLimitHeaders(check.rate);
      if (check.rate.exceeded) {
        throw new AppError("rate_limited", `This token made more than ${check.rate.limit} requests this minute; try again in ${check.rate.resetSeconds} s.`, {
          headers: { ...headers, "retry-after": String(check.rate.resetSeconds) },
        });
      }
      return { caller: check.caller, headers };
    }
  }
}

/** The WWW-Authenticate challenge of a 401 to a caller that sent no credentials. */
export const BEARER_CHALLENGE = BEARER_REALM;
