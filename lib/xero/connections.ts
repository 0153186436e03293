import { randomUUID } from "node:crypto";
import { and, desc, eq, isNull, lt, ne, notInArray, or, sql } from "drizzle-orm";
import type { Db } from "@/lib/db";
import { getConnectionByXeroUser, getCustomConnection, insertConnection, listXeroTenantIdsSharedElsewhere } from "@/lib/db/queries/connections";
import { getTenantById, upsertGrantedTenants, type GrantedTenant } from "@/lib/db/queries/tenants";
import { upsertUserByEmail } from "@/lib/db/queries/users";
import { logXeroSession } from "@/lib/db/queries/xero-sessions";
import { xeroAuthRequests, xeroConnections, xeroTenants, type XeroConnection, type XeroTenant } from "@/lib/db/schema";
import { getEnv } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { logServerError, redactSecrets } from "@/lib/log";
import { isXeroAuthError } from "./auth-errors";
import {
  authorizationCodeGrant,
  clientCredentialsGrant,
  authEventIdOf,
  authorizationEndpoint,
  deleteXeroConnection,
  identityConfigFromEnv,
  listXeroConnections,
  revokeRefreshToken,
  XeroOAuthError,
  type IdentityConfig,
  type XeroConnectionInfo,
  type XeroTokenSet,
} from "./identity";
import { assertSameIssuer, issuerOf, normalizeIssuer, XERO_ISSUER } from "./issuer";
import { decryptSecret, encryptSecret, isKeyConfigurationError, pkceChallenge, randomToken, sha256Hex } from "./token-crypto";
import { decryptTokenSet, getValidAccessToken, tokenSetColumns } from "./token-store";
import { XeroConnectError, type ConnectErrorReason } from "./connect-errors";

export { CONNECT_ERROR_MESSAGES, XeroConnectError, type ConnectErrorReason } from "./connect-errors";

/**
 * Connect Xero (OAuth 2.0 authorisation code + PKCE + OpenID Connect), disconnect, and the
 * Custom Connection. Route handlers are thin wrappers over these functions.
 *
 * Each attempt gets a fresh `state`, PKCE verifier and nonce. Only SHA-256(state) is stored; the
 * verifier and nonce are encrypted; the row is bound to the user, single-use and expires after
 * 10 minutes. The callback stores nothing unless every check and every call to Xero succeeded.
 */

export const AUTH_REQUEST_TTL_MS = 10 * 60_000;
/** Open Connect Xero attempts kept per user (each tab or reload starts one). */
export const MAX_PENDING_AUTH_REQUESTS = 10;

function configOrThrow(): IdentityConfig {
  try {
    return identityConfigFromEnv();
  } catch (error) {
    throw new XeroConnectError("not_configured", { cause: error });
  }
}

// ───────────────────────── start ─────────────────────────

/**
 * Starts a Connect Xero attempt for `userId`: stores its state hash, encrypted PKCE verifier and
 * nonce, logs an `authorize` session, and returns Xero's authorisation URL to redirect to.
 */
export async function startXeroConnect(db: Db, userId: string, options: { config?: IdentityConfig; scopes?: string[]; redirectUri?: string } = {}): Promise<{ url: string; sessionId: string }> {
  const env = getEnv();
  const config = options.config ?? configOrThrow();
  const scopes = options.scopes ?? env.scopes;
  const redirectUri = options.redirectUri ?? config.redirectUris[0] ?? env.redirectUri;
  let endpoint: string;
  try {
    endpoint = await authorizationEndpoint(config);
  } catch (error) {
    await logXeroSession(db, { userId, kind: "authorize", outcome: "error", error: "Xero's discovery document could not be read" });
    throw new XeroConnectError("xero_unavailable", { cause: error });
  }

  const state = randomToken(32);
  const verifier = randomToken(48); // 64 characters, within RFC 7636's 43..128
  const nonce = randomToken(24);
  const now = new Date();
  const stateHash = sha256Hex(state);
  let verifierEncrypted: string;
  let nonceEncrypted: string;
  try {
    // Bound to this attempt's row: a verifier copied into another attempt does not decrypt.
    verifierEncrypted = encryptSecret(verifier, "xero_pkce_verifier", stateHash);
    nonceEncrypted = encryptSecret(nonce, "xero_nonce", stateHash);
  } catch (error) {
    throw new XeroConnectError("not_configured", { cause: error }); // TOKEN_ENCRYPTION_KEY missing
  }

  const session = await db.transaction(async (tx) => {
    // Housekeeping: forget this user's attempts that can no longer be used, and keep at most
    // MAX_PENDING_AUTH_REQUESTS recent ones (reloading /api/xero/connect must not grow the table).
    await tx.delete(xeroAuthRequests).where(and(eq(xeroAuthRequests.userId, userId), lt(xeroAuthRequests.expiresAt, new Date(now.getTime() - AUTH_REQUEST_TTL_MS))));
    const keep = tx
      .select({ stateHash: xeroAuthRequests.stateHash })
      .from(xeroAuthRequests)
      .where(eq(xeroAuthRequests.userId, userId))
      .orderBy(desc(xeroAuthRequests.createdAt))
      .limit(MAX_PENDING_AUTH_REQUESTS - 1);
    await tx.delete(xeroAuthRequests).where(and(eq(xeroAuthRequests.userId, userId), notInArray(xeroAuthRequests.stateHash, keep)));
    const logged = await logXeroSession(tx, {
      userId,
      kind: "authorize",
      outcome: "success",
      detail: { scopes, redirectUri },
    });
    await tx.insert(xeroAuthRequests).values({
      stateHash,
      userId,
      codeVerifierEncrypted: verifierEncrypted,
      nonce: nonceEncrypted,
      sessionId: logged.id,
      createdAt: now,
      expiresAt: new Date(now.getTime() + AUTH_REQUEST_TTL_MS),
    });
    return logged;
  });

  const url = new URL(endpoint);
  url.search = new URLSearchParams({
    response_type: "code",
    client_id: config.clientId,
    redirect_uri: redirectUri,
    scope: scopes.join(" "),
    state,
    nonce,
    code_challenge: pkceChallenge(verifier),
    code_challenge_method: "S256",
  }).toString();
  return { url: url.toString(), sessionId: session.id };
}

// ───────────────────────── callback ─────────────────────────

export interface CallbackParams {
  state?: string | null;
  code?: string | null;
  error?: string | null;
  error_description?: string | null;
}

export interface ConnectResult {
  connection: XeroConnection;
  /** The organisations this consent granted (now active). */
  tenants: XeroTenant[];
  /** True when an existing grant of the same Xero user was updated. */
  reconnected: boolean;
}

/**
 * Completes a Connect Xero attempt (the redirect back from Xero) for the signed-in `userId`.
 * Validates the state (exists, this user's, unused, not expired; consumed now), exchanges the code
 * with the PKCE verifier, validates the id_token (signature, issuer, audience, nonce), reads
 * `/connections?authEventId=` to learn exactly which organisations this consent granted, and then,
 * in one transaction, upserts the connection (a reconnect updates the same row) and its tenants
 * (earlier tenants are kept). Logs a `callback` session either way. Throws XeroConnectError.
 */
export async function completeXeroConnect(db: Db, userId: string, params: CallbackParams, options: { config?: IdentityConfig; redirectUri?: string } = {}): Promise<ConnectResult> {
  const startedAt = new Date();
  let connectionIdForLog: string | null = null;
  try {
    const result = await completeInner(db, userId, params, options);
    connectionIdForLog = result.connection.id;
    await logXeroSession(db, {
      userId,
      connectionId: result.connection.id,
      kind: "callback",
      outcome: "success",
      startedAt,
      detail: {
        reconnected: result.reconnected,
        tenantsGranted: result.tenants.length,
        xeroTenantIds: result.tenants.map((t) => t.xeroTenantId),
      },
    });
    return result;
  } catch (error) {
    const connectError = error instanceof XeroConnectError ? error : new XeroConnectError("xero_unavailable", { cause: error });
    const detail: Record<string, unknown> = { reason: connectError.reason };
    if (connectError.reason === "access_denied" || connectError.reason === "xero_error") {
      // Xero's own error code and description, as it sent them (trimmed, redacted).
      if (params.error) detail.xeroError = redactSecrets(String(params.error)).slice(0, 100);
      if (params.error_description) detail.xeroErrorDescription = redactSecrets(String(params.error_description)).slice(0, 300);
    }
    const cause = connectError.cause;
    if (cause instanceof XeroOAuthError) {
      detail.status = cause.status;
      if (cause.oauthError) detail.oauthError = cause.oauthError;
    }
    await logXeroSession(db, {
      userId,
      connectionId: connectionIdForLog,
      kind: "callback",
      outcome: "error",
      startedAt,
      error: `${connectError.reason}: ${connectError.publicMessage}`,
      detail,
    }).catch(() => {});
    throw connectError;
  }
}

async function completeInner(db: Db, userId: string, params: CallbackParams, options: { config?: IdentityConfig; redirectUri?: string }): Promise<ConnectResult> {
  const state = typeof params.state === "string" ? params.state : "";
  if (!state) throw new XeroConnectError(params.error ? "xero_error" : "missing_state");

  // Consume the attempt atomically: only one callback can win it.
  const now = new Date();
  const stateHash = sha256Hex(state);
  const [consumed] = await db
    .update(xeroAuthRequests)
    .set({ usedAt: now })
    .where(and(eq(xeroAuthRequests.stateHash, stateHash), eq(xeroAuthRequests.userId, userId), isNull(xeroAuthRequests.usedAt)))
    .returning();
  if (!consumed) {
    const [existing] = await db
      .select({ usedAt: xeroAuthRequests.usedAt, userId: xeroAuthRequests.userId })
      .from(xeroAuthRequests)
      .where(eq(xeroAuthRequests.stateHash, stateHash));
    if (existing && existing.userId === userId && existing.usedAt) throw new XeroConnectError("reused_state");
    throw new XeroConnectError("invalid_state");
  }
  if (consumed.expiresAt.getTime() <= now.getTime()) throw new XeroConnectError("expired_state");

  if (params.error) throw new XeroConnectError(params.error === "access_denied" ? "access_denied" : "xero_error");
  const code = typeof params.code === "string" ? params.code : "";
  if (!code) throw new XeroConnectError("missing_code");

  const config = options.config ?? configOrThrow();
  const redirectUri = options.redirectUri ?? config.redirectUris[0] ?? getEnv().redirectUri;
  const verifier = decryptSecret(consumed.codeVerifierEncrypted, "xero_pkce_verifier", consumed.stateHash);
  const nonce = consumed.nonce ? decryptSecret(consumed.nonce, "xero_nonce", consumed.stateHash) : "";

  let tokenSet: XeroTokenSet;
  let claims: Record<string, unknown>;
  try {
    ({ tokenSet, claims } = await authorizationCodeGrant({ code, state, codeVerifier: verifier, nonce, redirectUri }, config));
  } catch (error) {
    const e = error instanceof XeroOAuthError ? error : undefined;
    const reason: ConnectErrorReason =
      e?.oauthError === "invalid_client" || e?.oauthError === "unauthorized_client"
        ? "not_configured"
        : e?.isVerificationFailure
          ? "invalid_id_token"
          : e && !e.isTransient
            ? "code_rejected"
            : "xero_unavailable";
    throw new XeroConnectError(reason, { cause: error });
  }
  const xeroUserId = typeof claims.xero_userid === "string" && claims.xero_userid ? claims.xero_userid : String(claims.sub);
  const authEventId = authEventIdOf(tokenSet.accessToken);

  let granted: XeroConnectionInfo[];
  try {
    // With the auth event id: exactly the organisations chosen in this consent. Without it (not a
    // JWT), every organisation of the grant, which is still correct, only less precise.
    granted = await listXeroConnections(tokenSet.accessToken, authEventId ? { authEventId } : {}, config);
  } catch (error) {
    throw new XeroConnectError("xero_unavailable", { cause: error });
  }

  const scopes = tokenSet.scope ?? getEnv().scopes.join(" ");
  const issuer = issuerOfConfig(config);
  return db.transaction(async (tx) => {
    const existing = await getConnectionByXeroUser(tx, userId, xeroUserId);
    let connection: XeroConnection;
    if (existing) {
      const [row] = await tx
        .update(xeroConnections)
        .set({ ...tokenSetColumns(existing.id, tokenSet), scopes, authEventId, issuer, status: "active", statusReason: null })
        .where(eq(xeroConnections.id, existing.id))
        .returning();
      connection = row!;
      // The grant works again: its tenants that were waiting for a reconnect are usable again.
      await tx
        .update(xeroTenants)
        .set({ status: "active", statusReason: null })
        .where(and(eq(xeroTenants.connectionId, existing.id), eq(xeroTenants.status, "needs_reconnect")));
    } else {
      // The id is chosen here because the token set is encrypted bound to it.
      const id = randomUUID();
      connection = await insertConnection(tx, {
        id,
        userId,
        grantType: "authorization_code",
        xeroUserId,
        authEventId,
        issuer,
        scopes,
        ...tokenSetColumns(id, tokenSet),
      });
    }
    const tenants = await upsertGrantedTenants(tx, userId, connection.id, granted.map(toGrantedTenant));
    return { connection, tenants, reconnected: Boolean(existing) };
  });
}

/** The issuer a grant obtained with `config` comes from (what xero_connections.issuer records). */
function issuerOfConfig(config: IdentityConfig): string {
  return normalizeIssuer(config.identityUrl ?? XERO_ISSUER);
}

function toGrantedTenant(c: XeroConnectionInfo): GrantedTenant {
  return { xeroTenantId: c.tenantId, xeroConnectionId: c.id, name: c.tenantName ?? "Unnamed organisation", tenantType: c.tenantType };
}

// ───────────────────────── disconnect ─────────────────────────

export interface DisconnectOptions {
  /** Delete the organisation's synced invoices, contacts and cursors too (default: keep them). */
  deleteData?: boolean;
  config?: IdentityConfig;
}

export interface DisconnectResult {
  /**
   * Whether Xero confirmed the removal: false when the grant was already dead, or when another
   * person of this app still uses the organisation through the same Xero login (local only).
   */
  removedInXero: boolean;
  dataDeleted: boolean;
}

/**
 * Disconnects one organisation of the user: DELETE /connections/{id} at Xero, then locally either
 * marks the tenant disconnected (keeping its synced data, browsable) or deletes it with its data.
 * Xero's connection is left alone while another active connection of the same Xero user still
 * uses the organisation: it is theirs too. A tenant of someone else is `not_found`. Logs a
 * `disconnect` session.
 */
export async function disconnectTenant(db: Db, userId: string, tenantId: string, options: DisconnectOptions = {}): Promise<DisconnectResult> {
  const tenant = await getTenantById(db, userId, tenantId);
  if (!tenant) throw new AppError("not_found", "Organisation not found.");
  const startedAt = new Date();
  let removedInXero = false;
  let note: string | undefined;
  const [connection] = await db.select({ id: xeroConnections.id, xeroUserId: xeroConnections.xeroUserId }).from(xeroConnections).where(eq(xeroConnections.id, tenant.connectionId));
  const shared = tenant.status !== "disconnected" && connection ? await listXeroTenantIdsSharedElsewhere(db, connection, [tenant.xeroTenantId]) : new Set<string>();
  if (shared.size > 0) {
    note = SHARED_NOTE;
  } else if (tenant.status !== "disconnected" && tenant.xeroConnectionId) {
    try {
      const { accessToken } = await getValidAccessToken(db, tenant.connectionId);
      await deleteXeroConnection(accessToken, tenant.xeroConnectionId, options.config ?? identityConfigFromEnv());
      removedInXero = true;
    } catch (error) {
      if (!isXeroAuthError(error)) {
        await logXeroSession(db, { userId, connectionId: tenant.connectionId, tenantId, kind: "disconnect", outcome: "error", startedAt, error: "Xero could not be reached to remove the organisation" });
        throw error instanceof AppError ? error : new AppError("xero_unavailable", "Xero could not be reached to remove the organisation; nothing was changed. Try again.", { cause: error });
      }
      // The grant is already dead: Xero cannot be told, but the person can still let go locally.
      note = "grant no longer valid; removed locally only";
    }
  }
  const deleteData = Boolean(options.deleteData);
  await db.transaction(async (tx) => {
    await logXeroSession(tx, {
      userId,
      connectionId: tenant.connectionId,
      tenantId: deleteData ? null : tenantId,
      kind: "disconnect",
      outcome: "success",
      startedAt,
      detail: { scope: "tenant", xeroTenantId: tenant.xeroTenantId, tenantName: tenant.name, removedInXero, dataDeleted: deleteData, ...(note ? { note } : {}) },
    });
    if (deleteData) {
      await tx.delete(xeroTenants).where(and(eq(xeroTenants.id, tenantId), eq(xeroTenants.userId, userId)));
    } else {
      await tx
        .update(xeroTenants)
        .set({ status: "disconnected", statusReason: "Disconnected by you.", disconnectedAt: new Date() })
        .where(and(eq(xeroTenants.id, tenantId), eq(xeroTenants.userId, userId)));
    }
  });
  return { removedInXero, dataDeleted: deleteData };
}

const SHARED_NOTE = "another user of this app still uses it with the same Xero login; left connected in Xero";

/**
 * Disconnects a whole grant: revokes its refresh token at Xero (which removes every organisation of
 * the grant), forgets the tokens, and marks its tenants disconnected (or deletes the connection
 * with all its tenants' synced data). When another active connection of the same Xero user still
 * uses one of its organisations, the refresh token is not revoked (that would cut the other person
 * off too): only the organisations nobody else uses are removed at Xero, one by one. Logs a
 * `disconnect` session.
 */
export async function disconnectConnection(db: Db, userId: string, connectionId: string, options: DisconnectOptions = {}): Promise<DisconnectResult> {
  const [connection] = await db
    .select()
    .from(xeroConnections)
    .where(and(eq(xeroConnections.id, connectionId), eq(xeroConnections.userId, userId)));
  if (!connection) throw new AppError("not_found", "Xero connection not found.");
  const startedAt = new Date();
  let removedInXero = false;
  let note: string | undefined;
  const live = await db
    .select({ xeroTenantId: xeroTenants.xeroTenantId, xeroConnectionId: xeroTenants.xeroConnectionId })
    .from(xeroTenants)
    .where(and(eq(xeroTenants.connectionId, connectionId), ne(xeroTenants.status, "disconnected")));
  const shared = await listXeroTenantIdsSharedElsewhere(db, connection, live.map((t) => t.xeroTenantId));
  if (shared.size > 0 && connection.status !== "revoked" && connection.tokenSetEncrypted) {
    note = SHARED_NOTE;
    try {
      const own = live.filter((t) => !shared.has(t.xeroTenantId) && t.xeroConnectionId);
      if (own.length) {
        const { accessToken } = await getValidAccessToken(db, connectionId);
        for (const t of own) await deleteXeroConnection(accessToken, t.xeroConnectionId!, options.config ?? identityConfigFromEnv());
        removedInXero = true;
      }
    } catch (error) {
      if (!isXeroAuthError(error)) {
        await logXeroSession(db, { userId, connectionId, kind: "disconnect", outcome: "error", startedAt, error: "Xero could not be reached to remove the organisations" });
        throw error instanceof AppError ? error : new AppError("xero_unavailable", "Xero could not be reached to remove the organisations; try again.", { cause: error });
      }
    }
  } else if (connection.status !== "revoked" && connection.grantType === "authorization_code" && connection.tokenSetEncrypted) {
    const refreshToken = safeDecrypt(connection.id, connection.tokenSetEncrypted)?.refreshToken;
    if (refreshToken) {
      const config = options.config ?? identityConfigFromEnv();
      // A refresh token goes only to the issuer it came from; refusing changes nothing here.
      assertSameIssuer(issuerOf(connection), issuerOfConfig(config));
      try {
        await revokeRefreshToken(refreshToken, config);
        removedInXero = true;
      } catch (error) {
        if (!(error instanceof XeroOAuthError) || error.isTransient) {
          await logXeroSession(db, { userId, connectionId, kind: "disconnect", outcome: "error", startedAt, error: "Xero could not be reached to revoke the connection" });
          throw new AppError("xero_unavailable", "Xero could not be reached to revoke the connection; nothing was changed. Try again.", { cause: error });
        }
        // 4xx: the token is already dead at Xero; nothing left to revoke.
      }
    }
  }
  const deleteData = Boolean(options.deleteData);
  await db.transaction(async (tx) => {
    await logXeroSession(tx, {
      userId,
      connectionId: deleteData ? null : connectionId,
      kind: "disconnect",
      outcome: "success",
      startedAt,
      detail: { scope: "connection", grantType: connection.grantType, removedInXero, dataDeleted: deleteData, ...(note ? { note } : {}) },
    });
    if (deleteData) {
      await tx.delete(xeroConnections).where(and(eq(xeroConnections.id, connectionId), eq(xeroConnections.userId, userId)));
      return;
    }
    await tx
      .update(xeroConnections)
      // The tokens are worthless now; keep none of them.
      .set({ status: "revoked", statusReason: "Disconnected by you.", tokenSetEncrypted: "", accessTokenExpiresAt: new Date(0), refreshTokenIssuedAt: null, updatedAt: new Date() })
      .where(eq(xeroConnections.id, connectionId));
    await tx
      .update(xeroTenants)
      .set({ status: "disconnected", statusReason: "Disconnected by you.", disconnectedAt: new Date() })
      .where(and(eq(xeroTenants.connectionId, connectionId), ne(xeroTenants.status, "disconnected")));
  });
  return { removedInXero, dataDeleted: deleteData };
}

function safeDecrypt(connectionId: string, encrypted: string): XeroTokenSet | undefined {
  try {
    return decryptTokenSet(connectionId, encrypted);
  } catch (error) {
    // This server lacking the key is no reason to skip revoking at Xero: say so instead.
    if (isKeyConfigurationError(error)) throw error;
    return undefined;
  }
}

// ───────────────────────── Xero took access away ─────────────────────────

/**
 * For the sync engine when Xero answers 403 for a tenant: asks Xero's /connections whether the
 * organisation is still part of the grant. Gone → the tenant is `disconnected` ("removed in
 * Xero"); still listed → `needs_reconnect` (the consent no longer covers what we read). Returns
 * the status set, or `unknown` when /connections could not be read (nothing is changed then).
 * Not scoped by user: the engine resolved the tenant itself.
 */
export async function recordTenantAccessLost(db: Db, tenantId: string, options: { config?: IdentityConfig } = {}): Promise<"disconnected" | "needs_reconnect" | "unknown"> {
  const [tenant] = await db.select().from(xeroTenants).where(eq(xeroTenants.id, tenantId));
  if (!tenant) throw new AppError("not_found", "Organisation not found.");
  let stillGranted: boolean;
  try {
    const { accessToken } = await getValidAccessToken(db, tenant.connectionId);
    const list = await listXeroConnections(accessToken, {}, options.config ?? identityConfigFromEnv());
    stillGranted = list.some((c) => c.tenantId === tenant.xeroTenantId);
  } catch (error) {
    // Cannot tell (a 5xx, a timeout, an unreadable answer, no usable token): marking the tenant
    // disconnected on a guess would stop its syncs for good, so leave it as it is.
    logServerError(`tenant ${tenantId}: reading /connections after a 403`, error);
    return "unknown";
  }
  if (stillGranted) {
    await db
      .update(xeroTenants)
      .set({ status: "needs_reconnect", statusReason: "Xero refused access to this organisation (403). Reconnect it to grant access again." })
      .where(eq(xeroTenants.id, tenantId));
    return "needs_reconnect";
  }
  await db
    .update(xeroTenants)
    .set({ status: "disconnected", statusReason: "This organisation was disconnected from the app in Xero.", disconnectedAt: new Date() })
    .where(eq(xeroTenants.id, tenantId));
  return "disconnected";
}

// ───────────────────────── Custom Connections ─────────────────────────

/** Owner of the Custom Connection when XERO_CUSTOM_CONNECTION_OWNER is not set. */
export const DEFAULT_CUSTOM_CONNECTION_OWNER = "custom-connection@xero-sync.local";

/**
 * With XERO_GRANT_TYPE=client_credentials (a Xero Custom Connection: one organisation, no
 * consent screen, no refresh token), makes sure the connection and its tenant exist. They belong
 * to the user with email XERO_CUSTOM_CONNECTION_OWNER (created when missing). Call at start-up;
 * safe to call repeatedly and from several processes at once. Returns null in the other mode.
 */
export async function ensureCustomConnection(db: Db, options: { config?: IdentityConfig } = {}): Promise<{ connection: XeroConnection; tenants: XeroTenant[] } | null> {
  const env = getEnv();
  if (env.XERO_GRANT_TYPE !== "client_credentials") return null;
  const config = options.config ?? identityConfigFromEnv();
  const owner = await upsertUserByEmail(db, env.XERO_CUSTOM_CONNECTION_OWNER ?? DEFAULT_CUSTOM_CONNECTION_OWNER, "Custom Connection");

  const tokenSet = await clientCredentialsGrant(config);
  const granted = await listXeroConnections(tokenSet.accessToken, {}, config);
  const scopes = tokenSet.scope ?? env.scopes.join(" ");

  const result = await db.transaction(async (tx) => {
    // Serialise concurrent start-ups (two processes): one creates, the other finds it.
    await tx.execute(sql`select pg_advisory_xact_lock(7316402952)`);
    const existing = await getCustomConnection(tx, owner.id);
    let connection: XeroConnection;
    if (existing) {
      const [row] = await tx
        .update(xeroConnections)
        .set({ ...tokenSetColumns(existing.id, tokenSet), scopes, issuer: issuerOfConfig(config), status: "active", statusReason: null })
        .where(eq(xeroConnections.id, existing.id))
        .returning();
      connection = row!;
    } else {
      const id = randomUUID();
      connection = await insertConnection(tx, {
        id,
        userId: owner.id,
        grantType: "client_credentials",
        xeroUserId: null,
        issuer: issuerOfConfig(config),
        scopes,
        ...tokenSetColumns(id, tokenSet),
      });
    }
    const tenants = await upsertGrantedTenants(tx, owner.id, connection.id, granted.map(toGrantedTenant));
    return { connection, tenants, created: !existing };
  });
  await logXeroSession(db, {
    userId: owner.id,
    connectionId: result.connection.id,
    kind: "callback",
    outcome: "success",
    trigger: "startup",
    detail: { grantType: "client_credentials", created: result.created, xeroTenantIds: result.tenants.map((t) => t.xeroTenantId) },
  });
  return { connection: result.connection, tenants: result.tenants };
}

/** Removes expired and used Connect Xero attempts older than a day (housekeeping for the worker). */
export async function purgeStaleAuthRequests(db: Db): Promise<void> {
  const dayAgo = new Date(Date.now() - 24 * 3_600_000);
  await db.delete(xeroAuthRequests).where(or(lt(xeroAuthRequests.expiresAt, dayAgo), lt(xeroAuthRequests.usedAt, dayAgo)));
}
