import { and, eq, ne } from "drizzle-orm";
import { databaseKindOf, type Db } from "@/lib/db";
import { logXeroSession } from "@/lib/db/queries/xero-sessions";
import { xeroConnections, xeroTenants, type XeroConnection } from "@/lib/db/schema";
import { getEnv } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { XeroAuthError } from "./auth-errors";
import { clientCredentialsGrant, refreshTokenGrant, XeroOAuthError, type XeroTokenSet } from "./identity";
import { assertSameIssuer, issuerOf } from "./issuer";
import { decryptSecret, encryptSecret, TokenCryptoError } from "./token-crypto";

/**
 * The token store: Xero token sets encrypted at rest (bound to their connection row), refreshed a
 * minute before they expire, one refresh per connection at a time across processes.
 *
 * Why the lock: Xero's refresh tokens are single-use and rotate. Two processes refreshing the same
 * connection at once would both send the same refresh token; the loser gets a fresh pair it then
 * overwrites (or invalid_grant), and the grant can be lost. So the refresh holds the connection's
 * lock (withConnectionTokenLock), re-reads the row under it (someone else may have refreshed while
 * we waited) and stores the rotated pair before letting go.
 *
 * The lock never freezes the app while Xero answers: on PostgreSQL it is a row lock, which blocks
 * only writers of that one row; on PGlite, where any open transaction is exclusive and would stop
 * every page for as long as Xero's token endpoint takes, it is a per-process mutex (PGlite is one
 * process) and the database is written only after Xero answered, in a short transaction.
 */

/** Refresh this long before the access token expires (Xero's tokens last 30 minutes). */
export const REFRESH_MARGIN_MS = 60_000;

/** The calls to Xero's token endpoint, injectable for unit tests. */
export interface TokenGrants {
  refresh(refreshToken: string): Promise<XeroTokenSet>;
  clientCredentials(): Promise<XeroTokenSet>;
}

const defaultGrants: TokenGrants = {
  refresh: (refreshToken) => refreshTokenGrant(refreshToken),
  clientCredentials: () => clientCredentialsGrant(),
};

interface StoredTokenSet {
  access_token: string;
  refresh_token?: string;
  id_token?: string;
  token_type: string;
  /** epoch milliseconds */
  expires_at: number;
  scope?: string;
}

/** Encrypts a token set for xero_connections.token_set_encrypted of the row `connectionId`. */
export function encryptTokenSet(connectionId: string, tokenSet: XeroTokenSet): string {
  const stored: StoredTokenSet = {
    access_token: tokenSet.accessToken,
    refresh_token: tokenSet.refreshToken,
    id_token: tokenSet.idToken,
    token_type: tokenSet.tokenType,
    expires_at: tokenSet.expiresAt.getTime(),
    scope: tokenSet.scope,
  };
  return encryptSecret(JSON.stringify(stored), "xero_token_set", connectionId);
}

/** Decrypts xero_connections.token_set_encrypted of the row `connectionId`. */
export function decryptTokenSet(connectionId: string, encrypted: string): XeroTokenSet {
  const s = JSON.parse(decryptSecret(encrypted, "xero_token_set", connectionId)) as StoredTokenSet;
  return {
    accessToken: s.access_token,
    refreshToken: s.refresh_token,
    idToken: s.id_token,
    tokenType: s.token_type,
    expiresAt: new Date(s.expires_at),
    scope: s.scope,
  };
}

/**
 * The columns a new token set writes (for inserts and updates of xero_connections). An insert
 * chooses the row's id first (randomUUID) and passes it here and as `id`.
 */
export function tokenSetColumns(connectionId: string, tokenSet: XeroTokenSet, now = new Date()) {
  return {
    tokenSetEncrypted: encryptTokenSet(connectionId, tokenSet),
    accessTokenExpiresAt: tokenSet.expiresAt,
    refreshTokenIssuedAt: tokenSet.refreshToken ? now : null,
    updatedAt: now,
  };
}

/**
 * Stores a new token set on a connection and makes it active again (a reconnect, a Custom
 * Connection's new token), with what the new grant says about scopes, consent and issuer.
 * Pass a transaction to make it part of a larger write.
 */
export async function saveTokenSet(
  db: Db,
  connectionId: string,
  tokenSet: XeroTokenSet,
  extra: { scopes?: string; authEventId?: string | null; issuer?: string } = {},
): Promise<XeroConnection> {
  const [row] = await db
    .update(xeroConnections)
    .set({
      ...tokenSetColumns(connectionId, tokenSet),
      status: "active",
      statusReason: null,
      ...(extra.scopes !== undefined ? { scopes: extra.scopes } : {}),
      ...(extra.authEventId !== undefined ? { authEventId: extra.authEventId } : {}),
      ...(extra.issuer !== undefined ? { issuer: extra.issuer } : {}),
    })
    .where(eq(xeroConnections.id, connectionId))
    .returning();
  if (!row) throw new AppError("not_found", "Xero connection not found.");
  return row;
}

/**
 * Marks a connection (and its tenants that are not already disconnected) as needing a reconnect.
 * `reason` is shown to the person: keep it free of secrets.
 */
export async function markConnectionNeedsReconnect(db: Db, connectionId: string, reason: string): Promise<void> {
  const now = new Date();
  await db.update(xeroConnections).set({ status: "needs_reconnect", statusReason: reason, updatedAt: now }).where(eq(xeroConnections.id, connectionId));
  await db
    .update(xeroTenants)
    .set({ status: "needs_reconnect", statusReason: reason })
    .where(and(eq(xeroTenants.connectionId, connectionId), ne(xeroTenants.status, "disconnected")));
}

export interface ValidAccessToken {
  accessToken: string;
  connection: XeroConnection;
}

export interface GetValidAccessTokenOptions {
  /**
   * Refresh even if the stored token looks valid (e.g. Xero answered 401 to it). Several callers
   * forcing at once still cause one refresh: a caller whose token was replaced while it waited for
   * the lock takes the replacement.
   */
  forceRefresh?: boolean;
  /**
   * With forceRefresh: the access token Xero rejected. The refresh happens only if the locked row
   * still holds it, so a caller that read the row after another process had already rotated the
   * pair takes that pair instead of rotating again.
   */
  rejectedAccessToken?: string;
  grants?: TokenGrants;
  /** The identity issuer this server talks to (default XERO_IDENTITY_URL). */
  issuer?: string;
  now?: () => Date;
}

/**
 * A usable access token for a connection, refreshing it (under a row lock) when it expires within
 * a minute. Throws XeroAuthError when the connection needs a reconnect (invalid_grant, revoked),
 * AppError("xero_unavailable") when Xero's token endpoint failed transiently (retry later),
 * XeroIssuerMismatchError when the connection's grant came from another issuer than the configured
 * one (nothing is sent anywhere and the connection keeps its state), and AppError("not_found")
 * when the connection does not exist.
 *
 * Not scoped by user: it is called by the sync engine for connections it already resolved through
 * a user-scoped query. Never expose its result to a client.
 */
export async function getValidAccessToken(db: Db, connectionId: string, opts: GetValidAccessTokenOptions = {}): Promise<ValidAccessToken> {
  const now = opts.now ?? (() => new Date());
  const grants = opts.grants ?? defaultGrants;
  const issuer = opts.issuer ?? getEnv().XERO_IDENTITY_URL;

  // Fast path without a lock: most calls find a valid token.
  const [seen] = await db.select().from(xeroConnections).where(eq(xeroConnections.id, connectionId));
  if (!seen) throw new AppError("not_found", "Xero connection not found.");
  assertUsable(seen);
  assertSameIssuer(issuerOf(seen), issuer);
  const seenTokens = readTokenSet(seen);
  if (!seenTokens) {
    await db.transaction((tx) => flagUnreadable(tx, seen));
    throw new XeroAuthError("token_unreadable", connectionId);
  }
  if (!opts.forceRefresh && isFresh(seen, now())) return { accessToken: seenTokens.accessToken, connection: seen };

  const startedAt = now();
  type Outcome =
    | { kind: "token"; accessToken: string; connection: XeroConnection }
    | { kind: "auth"; error: XeroAuthError }
    | { kind: "failed"; error: XeroOAuthError | AppError; connection: XeroConnection };

  const outcome: Outcome = await withConnectionTokenLock(db, connectionId, async (ldb, locked) => {
    assertUsable(locked);
    assertSameIssuer(issuerOf(locked), issuer);
    const current = readTokenSet(locked);
    if (!current) {
      await ldb.transaction((tx) => flagUnreadable(tx, locked));
      return { kind: "auth", error: new XeroAuthError("token_unreadable", connectionId) };
    }
    // Someone refreshed while we waited for the lock (or, when forced, since we read the row).
    // Compared by token, not ciphertext: a re-encryption changes the ciphertext only.
    const replaced = current.accessToken !== seenTokens.accessToken;
    const stillRejected = opts.rejectedAccessToken !== undefined ? current.accessToken === opts.rejectedAccessToken : !replaced;
    if (isFresh(locked, now()) && (!opts.forceRefresh || !stillRejected)) {
      return { kind: "token", accessToken: current.accessToken, connection: locked };
    }

    const clientCredentials = locked.grantType === "client_credentials";
    let next: XeroTokenSet;
    try {
      if (clientCredentials) {
        next = await grants.clientCredentials();
      } else {
        if (!current.refreshToken) {
          throw new XeroOAuthError("the stored token set has no refresh token", 400, "invalid_grant");
        }
        next = await grants.refresh(current.refreshToken);
        // Xero always rotates; should it not, the old refresh token is still the valid one.
        if (!next.refreshToken) next = { ...next, refreshToken: current.refreshToken };
      }
    } catch (error) {
      const oauth = error instanceof XeroOAuthError ? error : undefined;
      if (oauth?.isInvalidGrant && !clientCredentials) {
        const reason = "Xero no longer accepts this connection's authorisation (the refresh token was revoked, already used, or unused for 60 days). Reconnect to resume syncing.";
        await ldb.transaction(async (tx) => {
          await markConnectionNeedsReconnect(tx, connectionId, reason);
          await logXeroSession(tx, {
            userId: locked.userId,
            connectionId,
            kind: "token_refresh",
            outcome: "error",
            startedAt,
            error: "invalid_grant: reconnect required",
            detail: { grantType: locked.grantType, oauthError: "invalid_grant", status: oauth.status },
          });
        });
        return { kind: "auth", error: new XeroAuthError("invalid_grant", connectionId, { cause: error }) };
      }
      if (oauth && (oauth.oauthError === "invalid_client" || oauth.oauthError === "unauthorized_client")) {
        // The app's own credentials are wrong: nothing the person can fix by reconnecting, so the
        // connection keeps its state; the log says what to fix.
        await logXeroSession(ldb, {
          userId: locked.userId,
          connectionId,
          kind: "token_refresh",
          outcome: "error",
          startedAt,
          error: `${oauth.oauthError}: Xero rejected XERO_CLIENT_ID / XERO_CLIENT_SECRET`,
          detail: { grantType: locked.grantType, oauthError: oauth.oauthError, status: oauth.status },
        });
        return { kind: "auth", error: new XeroAuthError("invalid_client", connectionId, { cause: error }) };
      }
      return {
        kind: "failed",
        connection: locked,
        error:
          oauth ?? (error instanceof AppError ? error : new AppError("xero_unavailable", undefined, { cause: error })),
      };
    }

    const at = now();
    return ldb.transaction(async (tx): Promise<Outcome> => {
      // Re-checked after Xero answered. Under PostgreSQL's row lock nothing can have changed; with
      // PGlite's in-process lock a reconnect or a disconnect may have written meanwhile: theirs wins.
      const [row] = await tx.select().from(xeroConnections).where(eq(xeroConnections.id, connectionId));
      if (!row) throw new AppError("not_found", "Xero connection not found.");
      if (row.tokenSetEncrypted !== locked.tokenSetEncrypted) {
        assertUsable(row);
        const theirs = readTokenSet(row);
        if (theirs && theirs.refreshToken !== current.refreshToken) return { kind: "token", accessToken: theirs.accessToken, connection: row };
      }
      const [updated] = await tx
        .update(xeroConnections)
        .set({
          ...tokenSetColumns(connectionId, next, at),
          // A client_credentials set has no refresh token: keep the column meaningful (issued-at of the grant).
          refreshTokenIssuedAt: clientCredentials ? locked.refreshTokenIssuedAt : at,
        })
        .where(eq(xeroConnections.id, connectionId))
        .returning();
      await logXeroSession(tx, {
        userId: locked.userId,
        connectionId,
        kind: "token_refresh",
        outcome: "success",
        startedAt,
        detail: {
          grantType: locked.grantType,
          forced: Boolean(opts.forceRefresh),
          accessTokenExpiresAt: next.expiresAt.toISOString(),
        },
      });
      return { kind: "token", accessToken: next.accessToken, connection: updated! };
    });
  });

  if (outcome.kind === "token") return { accessToken: outcome.accessToken, connection: outcome.connection };
  if (outcome.kind === "auth") throw outcome.error;

  // A transient failure changed nothing: the stored pair is still the valid one. Log it outside
  // the (already finished) transaction.
  const error = outcome.error;
  const status = error instanceof XeroOAuthError ? error.status : undefined;
  await logXeroSession(db, {
    userId: outcome.connection.userId,
    connectionId,
    kind: "token_refresh",
    outcome: "error",
    startedAt,
    error: error.message,
    detail: { grantType: outcome.connection.grantType, status, oauthError: error instanceof XeroOAuthError ? error.oauthError : undefined },
  });
  if (error instanceof AppError) throw error;
  throw new AppError(status === 429 ? "rate_limited" : "xero_unavailable", "Xero's sign-in service did not answer; the token refresh will be retried.", {
    cause: error,
  });
}

/**
 * The connection's token set, or null when the stored value itself is unreadable (the right key,
 * but tampered or copied from another row). When this server lacks the key (missing, or not the
 * one the value names), the TokenCryptoError is thrown: a configuration error marks nothing.
 */
function readTokenSet(connection: XeroConnection): XeroTokenSet | null {
  try {
    return decryptTokenSet(connection.id, connection.tokenSetEncrypted);
  } catch (error) {
    if (error instanceof TokenCryptoError && error.kind === "unreadable") return null;
    throw error;
  }
}

/**
 * Tokens that the right key cannot open are as good as none: say so on the connection (visible,
 * with a Reconnect button) instead of failing every sync with an internal error. Reconnecting
 * stores a new pair. Never used for a key this server lacks: that is the operator's to fix.
 */
async function flagUnreadable(db: Db, connection: XeroConnection): Promise<void> {
  await markConnectionNeedsReconnect(
    db,
    connection.id,
    "The stored Xero authorisation is damaged and cannot be read. Reconnect to resume syncing.",
  );
  await logXeroSession(db, {
    userId: connection.userId,
    connectionId: connection.id,
    kind: "token_refresh",
    outcome: "error",
    error: "token_unreadable: the stored token set does not authenticate with its key (tampered, or copied from another row)",
    detail: { grantType: connection.grantType },
  });
}

function isFresh(connection: XeroConnection, now: Date): boolean {
  return connection.accessTokenExpiresAt.getTime() - REFRESH_MARGIN_MS > now.getTime();
}

function assertUsable(connection: XeroConnection): void {
  if (connection.status === "needs_reconnect") throw new XeroAuthError("needs_reconnect", connection.id);
  if (connection.status === "revoked") throw new XeroAuthError("revoked", connection.id);
}

/**
 * Runs `fn` holding connection `connectionId`'s token lock, with the row as read under the lock,
 * and a handle to write through. Everything that rewrites a stored token set from what it read
 * (the refresh, `npm run tokens:reencrypt`) goes through it.
 * - PostgreSQL: a transaction holding `SELECT … FOR UPDATE` on the row, across processes; `fn`'s
 *   writes join it (its own transactions become savepoints).
 * - PGlite: a per-process mutex per connection, and `fn` gets the database itself: a PGlite
 *   transaction is exclusive, so one held across a call to Xero would freeze every page.
 */
export async function withConnectionTokenLock<T>(db: Db, connectionId: string, fn: (db: Db, locked: XeroConnection) => Promise<T>): Promise<T> {
  if (databaseKindOf(db) === "pglite") {
    return inProcessLock(connectionId, async () => {
      const [locked] = await db.select().from(xeroConnections).where(eq(xeroConnections.id, connectionId));
      if (!locked) throw new AppError("not_found", "Xero connection not found.");
      return fn(db, locked);
    });
  }
  return db.transaction(async (tx) => {
    const [locked] = await tx.select().from(xeroConnections).where(eq(xeroConnections.id, connectionId)).for("update");
    if (!locked) throw new AppError("not_found", "Xero connection not found.");
    return fn(tx, locked);
  });
}

// On globalThis: Next may load this module once per route bundle, and all copies share one PGlite.
const globalForLocks = globalThis as unknown as { __xeroSyncTokenLocks?: Map<string, Promise<void>> };

/** Runs `fn` after every earlier holder of `key` in this process has finished. */
async function inProcessLock<T>(key: string, fn: () => Promise<T>): Promise<T> {
  const locks = (globalForLocks.__xeroSyncTokenLocks ??= new Map());
  const previous = locks.get(key) ?? Promise.resolve();
  let release!: () => void;
  const mine = new Promise<void>((resolve) => (release = resolve));
  const tail = previous.then(() => mine);
  locks.set(key, tail);
  await previous;
  try {
    return await fn();
  } finally {
    release();
    if (locks.get(key) === tail) locks.delete(key);
  }
}
