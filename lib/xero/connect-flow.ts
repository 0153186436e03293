import { randomUUID } from "node:crypto";
import { and, desc, eq, isNull, lt, notInArray, or } from "drizzle-orm";
import type { Db } from "@/lib/db";
import { getConnectionByXeroUser, insertConnection } from "@/lib/db/queries/connections";
import { upsertGrantedTenants, type GrantedTenant } from "@/lib/db/queries/tenants";
import { logXeroSession } from "@/lib/db/queries/xero-sessions";
import { xeroAuthRequests, xeroTenants, type XeroConnection, type XeroTenant } from "@/lib/db/schema";
import { getEnv } from "@/lib/env";
import { redactSecrets } from "@/lib/log";
import { flushUsage } from "@/lib/usage/meter";
import { planNamed } from "@/lib/usage/plans";
import { countConnectedOrganisations } from "@/lib/usage/read-model";
import { XeroConnectError, type ConnectErrorReason } from "./connect-errors";
import {
  authEventIdOf,
  authorizationCodeGrant,
  authorizationEndpoint,
  listXeroConnections,
  xeroConfigFromEnv,
  XeroOAuthError,
  type XeroConfig,
  type XeroTenantConnection,
  type XeroTokenSet,
} from "./identity";
import { issuerOfConfig } from "./issuer";
import { decryptSecret, encryptSecret, pkceChallenge, randomToken, sha256Hex } from "./token-crypto";
import { saveTokenSet, tokenSetColumns } from "./token-store";

/**
 * Connect Xero (OAuth 2.0 authorisation code + PKCE + OpenID Connect): start an attempt, complete
 * it when Xero redirects back. The route handlers /api/xero/connect and /api/xero/callback are thin
 * wrappers over these functions; failures are XeroConnectError (./connect-errors.ts).
 *
 * Each attempt gets a fresh `state`, PKCE verifier and nonce. Only SHA-256(state) is stored; the
 * verifier and nonce are encrypted; the row is bound to the user, single-use and expires after
 * 10 minutes. The callback stores nothing unless every check and every call to Xero succeeded.
 */

export const AUTH_REQUEST_TTL_MS = 10 * 60_000;
/** Open Connect Xero attempts kept per user (each tab or reload starts one). */
export const MAX_PENDING_AUTH_REQUESTS = 10;

function configOrThrow(): XeroConfig {
  try {
    return xeroConfigFromEnv();
  } catch (error) {
    throw new XeroConnectError("not_configured", { cause: error });
  }
}

// ───────────────────────── start ─────────────────────────

/**
 * Starts a Connect Xero attempt for `userId`: stores its state hash, encrypted PKCE verifier and
 * nonce, logs an `authorize` session, and returns Xero's authorisation URL to redirect to.
 */
export async function startXeroConnect(db: Db, userId: string, options: { config?: XeroConfig; scopes?: string[]; redirectUri?: string } = {}): Promise<{ url: string; sessionId: string }> {
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
export async function completeXeroConnect(db: Db, userId: string, params: CallbackParams, options: { config?: XeroConfig; redirectUri?: string } = {}): Promise<ConnectResult> {
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
    if (connectError.reason === "access_denied" || connectError.reason === "xero_error" || connectError.reason === "connection_limit") {
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
  } finally {
    await flushUsage(db, [""]); // the /connections call of the callback
  }
}

/**
 * Xero refuses a consent that would take the app over its plan's connection cap (organisations
 * connected to the app, across its users); its consent page disables the organisations beyond it
 * and the person comes back with an error. We call it the connection limit when the app is at the
 * cap by our own count (XERO_PLAN's), or when Xero's answer carries its limit advice, exactly (the
 * wording of its OAuth 1 `oauth_problem_advice`, which the simulator sends too): another
 * installation with the same app credentials fills the cap without our count seeing it.
 */
async function refusedAtConnectionLimit(db: Db, params: CallbackParams): Promise<boolean> {
  const advice = typeof params.error_description === "string" ? params.error_description.trim().toLowerCase() : "";
  if (advice === CONNECTION_LIMIT_ADVICE) return true;
  return (await countConnectedOrganisations(db)) >= planNamed(getEnv().XERO_PLAN).connections;
}

/** Xero's advice when the app's connection cap is reached (lower-cased). */
const CONNECTION_LIMIT_ADVICE = "maximum number of tenants already connected";

async function completeInner(db: Db, userId: string, params: CallbackParams, options: { config?: XeroConfig; redirectUri?: string }): Promise<ConnectResult> {
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

  if (params.error) {
    if (await refusedAtConnectionLimit(db, params)) throw new XeroConnectError("connection_limit");
    throw new XeroConnectError(params.error === "access_denied" ? "access_denied" : "xero_error");
  }
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

  let granted: XeroTenantConnection[];
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
      connection = await saveTokenSet(tx, existing.id, tokenSet, { scopes, authEventId, issuer });
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

/** An organisation Xero says a grant reaches, as xero_tenants stores it. */
export function toGrantedTenant(c: XeroTenantConnection): GrantedTenant {
  return { xeroTenantId: c.tenantId, xeroConnectionId: c.id, name: c.tenantName ?? "Unnamed organisation", tenantType: c.tenantType };
}

/** Removes expired and used Connect Xero attempts older than a day (housekeeping for the worker). */
export async function purgeStaleAuthRequests(db: Db): Promise<void> {
  const dayAgo = new Date(Date.now() - 24 * 3_600_000);
  await db.delete(xeroAuthRequests).where(or(lt(xeroAuthRequests.expiresAt, dayAgo), lt(xeroAuthRequests.usedAt, dayAgo)));
}
