import { getEnv } from "@/lib/env";
import {
  clientCredentialsToken,
  completeAuthorization,
  decodeAccessToken,
  deleteConnection,
  getOpenIdClient,
  listConnections,
  refreshTokenSet,
  revokeRefreshToken as revokeAtXero,
  toXeroApiError,
  type XeroConfig,
} from "./client";

/**
 * The identity-side calls of the token store and the Connect Xero flow, over lib/xero/client.ts
 * (the one place that builds Xero clients: openid-client for PKCE, id_token validation and
 * refresh; fetch for what xero-node hard-codes). This module adds two things the callers need:
 * - one token-set shape (`XeroTokenSet`, with an absolute expiry) that the token store encrypts;
 * - one error (`XeroOAuthError`) classified by status, OAuth error code and kind — never by text —
 *   whose message is safe to log (no token, code, verifier or secret).
 */

/** A token set as we keep it (encrypted) in xero_connections.token_set_encrypted. */
export interface XeroTokenSet {
  accessToken: string;
  /** Absent for client_credentials (Custom Connections get a new access token instead). */
  refreshToken?: string;
  idToken?: string;
  tokenType: string;
  expiresAt: Date;
  scope?: string;
}

/** One organisation of a grant, from GET /connections. */
export interface XeroConnectionInfo {
  /** Xero's connection id (for DELETE /connections/{id}). */
  id: string;
  tenantId: string;
  tenantType: string;
  tenantName: string | null;
  authEventId: string | null;
}

/** A failed call to Xero's identity server or /connections, classified. */
export class XeroOAuthError extends Error {
  constructor(
    message: string,
    /** HTTP status, or 0 when no response arrived (network error, timeout) or a local check failed. */
    readonly status: number,
    /** The OAuth error code (`invalid_grant`, `invalid_client`, …) when Xero sent one. */
    readonly oauthError?: string,
    options?: { cause?: unknown; kind?: string },
  ) {
    super(message, { cause: options?.cause });
    this.name = "XeroOAuthError";
    this.kind = options?.kind ?? (status === 0 ? "network" : "http");
  }

  /** client.ts's classification: "oauth", "network", "server", "client" (a check on our side failed: state, nonce, id_token)… */
  readonly kind: string;

  /** The refresh token (or authorisation code) is dead: only a new consent helps. */
  get isInvalidGrant(): boolean {
    return this.oauthError === "invalid_grant";
  }

  /** Our own verification of Xero's answer failed (id_token signature, nonce, state…). */
  get isVerificationFailure(): boolean {
    return this.kind === "client";
  }

  /** Worth retrying later: no answer, a timeout, 429 or a 5xx. */
  get isTransient(): boolean {
    return this.kind === "network" || this.status === 429 || this.status >= 500;
  }
}

/** Anything client.ts (or openid-client below it) threw → XeroOAuthError with a safe message. */
export function toOAuthError(error: unknown, what: string): XeroOAuthError {
  if (error instanceof XeroOAuthError) return error;
  const e = toXeroApiError(error);
  const code = e.oauthError && /^[a-z_]{1,64}$/.test(e.oauthError) ? e.oauthError : undefined;
  const message =
    e.kind === "network"
      ? `Xero's ${what} endpoint could not be reached`
      : e.kind === "client"
        ? `Xero's ${what} answer failed verification`
        : `Xero's ${what} endpoint answered ${e.status}${code ? ` ${code}` : ""}`;
  return new XeroOAuthError(message, e.status, code, { cause: e, kind: e.kind });
}

export type IdentityConfig = XeroConfig & { clientId: string; clientSecret: string };

/** The Xero app of this installation, from the environment. */
export function identityConfigFromEnv(): IdentityConfig {
  const env = getEnv();
  if (!env.XERO_CLIENT_ID || !env.XERO_CLIENT_SECRET) {
    throw new XeroOAuthError("XERO_CLIENT_ID / XERO_CLIENT_SECRET are not configured", 0, "invalid_client", { kind: "config" });
  }
  return {
    clientId: env.XERO_CLIENT_ID,
    clientSecret: env.XERO_CLIENT_SECRET,
    redirectUris: [env.redirectUri],
    scopes: env.scopes,
    identityUrl: env.XERO_IDENTITY_URL,
    apiUrl: env.XERO_API_URL,
    timeoutMs: env.XERO_TIMEOUT_MS,
  };
}

/** Scopes a client_credentials request may carry (no OpenID / offline_access scopes). */
export function apiScopes(scopes: string[]): string[] {
  return scopes.filter((s) => !["openid", "profile", "email", "offline_access"].includes(s));
}

/** The authorisation endpoint (from discovery), for building the consent URL. */
export async function authorizationEndpoint(config: IdentityConfig): Promise<string> {
  try {
    const client = await getOpenIdClient(config);
    const endpoint = client.issuer.metadata.authorization_endpoint;
    if (!endpoint) throw new XeroOAuthError("Xero's discovery document has no authorization_endpoint", 0, undefined, { kind: "server" });
    return endpoint;
  } catch (error) {
    throw toOAuthError(error, "discovery");
  }
}

/**
 * Exchanges an authorisation code with its PKCE verifier; openid-client validates the answer
 * (state, id_token signature / issuer / audience / expiry, nonce, at_hash).
 */
export async function authorizationCodeGrant(
  params: { code: string; state: string; codeVerifier: string; nonce: string; redirectUri: string },
  config = identityConfigFromEnv(),
): Promise<{ tokenSet: XeroTokenSet; claims: Record<string, unknown> }> {
  const callbackUrl = new URL(params.redirectUri);
  callbackUrl.searchParams.set("code", params.code);
  callbackUrl.searchParams.set("state", params.state);
  try {
    const set = await completeAuthorization(config, callbackUrl.toString(), {
      state: params.state,
      nonce: params.nonce,
      codeVerifier: params.codeVerifier,
      redirectUri: params.redirectUri,
    });
    if (!set.id_token) throw new XeroOAuthError("Xero's token answer has no id_token (is the openid scope requested?)", 0, undefined, { kind: "client" });
    return { tokenSet: fromOpenId(set), claims: set.claims() as Record<string, unknown> };
  } catch (error) {
    throw toOAuthError(error, "token");
  }
}

/** Trades a refresh token for a new pair (Xero rotates refresh tokens: the old one is spent). */
export async function refreshTokenGrant(refreshToken: string, config = identityConfigFromEnv()): Promise<XeroTokenSet> {
  try {
    return fromOpenId(await refreshTokenSet(config, refreshToken));
  } catch (error) {
    throw toOAuthError(error, "token");
  }
}

/** A Custom Connection's access token (no refresh token: ask for a new one when it expires). */
export async function clientCredentialsGrant(config = identityConfigFromEnv(), scopes = apiScopes(config.scopes)): Promise<XeroTokenSet> {
  try {
    const set = await clientCredentialsToken(config, scopes);
    if (typeof set.access_token !== "string" || !set.access_token) throw new XeroOAuthError("Xero's token endpoint returned no access token", 200, undefined, { kind: "server" });
    return {
      accessToken: set.access_token,
      tokenType: set.token_type ?? "Bearer",
      expiresAt: new Date(Date.now() + (Number(set.expires_in) || 1800) * 1000),
      scope: set.scope,
    };
  } catch (error) {
    throw toOAuthError(error, "token");
  }
}

/** Revokes a refresh token: Xero then removes every connection of that grant. */
export async function revokeRefreshToken(refreshToken: string, config = identityConfigFromEnv()): Promise<void> {
  try {
    await revokeAtXero(config, refreshToken);
  } catch (error) {
    throw toOAuthError(error, "revocation");
  }
}

/** GET /connections (optionally only those of one consent, `?authEventId=`). */
export async function listXeroConnections(accessToken: string, options: { authEventId?: string } = {}, config = identityConfigFromEnv()): Promise<XeroConnectionInfo[]> {
  let rows;
  try {
    rows = await listConnections(config, accessToken, options);
  } catch (error) {
    throw toOAuthError(error, "connections");
  }
  if (!Array.isArray(rows)) throw new XeroOAuthError("Xero's /connections did not return a list", 200, undefined, { kind: "server" });
  return rows
    .filter((c) => c && typeof c.id === "string" && typeof c.tenantId === "string")
    .map((c) => ({
      id: c.id,
      tenantId: c.tenantId,
      tenantType: typeof c.tenantType === "string" ? c.tenantType : "ORGANISATION",
      tenantName: typeof c.tenantName === "string" && c.tenantName ? c.tenantName : null,
      authEventId: typeof c.authEventId === "string" ? c.authEventId : null,
    }));
}

/** DELETE /connections/{id}: removes one organisation from the grant. 404 means it is already gone. */
export async function deleteXeroConnection(accessToken: string, xeroConnectionId: string, config = identityConfigFromEnv()): Promise<void> {
  try {
    await deleteConnection(config, accessToken, xeroConnectionId);
  } catch (error) {
    const e = toOAuthError(error, "connections");
    if (e.status === 404) return;
    throw e;
  }
}

/** `authentication_event_id` of a Xero access token (a JWT), or null. */
export function authEventIdOf(accessToken: string): string | null {
  try {
    const v = decodeAccessToken(accessToken).authentication_event_id;
    return typeof v === "string" && v ? v : null;
  } catch {
    return null;
  }
}

function fromOpenId(set: { access_token?: string; refresh_token?: string; id_token?: string; token_type?: string; expires_at?: number; expires_in?: number; scope?: string }): XeroTokenSet {
  if (!set.access_token) throw new XeroOAuthError("Xero's token answer has no access token", 200, undefined, { kind: "server" });
  const expiresAt = set.expires_at ? new Date(set.expires_at * 1000) : new Date(Date.now() + (set.expires_in ?? 1800) * 1000);
  return {
    accessToken: set.access_token,
    refreshToken: set.refresh_token,
    idToken: set.id_token,
    tokenType: set.token_type ?? "Bearer",
    expiresAt,
    scope: set.scope,
  };
}
