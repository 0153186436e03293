import { getEnv } from "@/lib/env";

/**
 * The OAuth 2.0 endpoints of Xero's identity server that the token store and the connect flow call
 * directly: token (refresh_token, client_credentials), revocation, and the `/connections` API.
 *
 * Why not xero-node: it hard-codes https://identity.xero.com and https://api.xero.com for exactly
 * these calls (SETUP.md), and its `refreshToken()` keeps the token set in a mutable client
 * instance, while the token store must refresh under a database row lock and persist the rotated
 * pair itself. These are small form POSTs; URLs come from the discovery document of
 * XERO_IDENTITY_URL and from XERO_API_URL, so they work against Xero and against the simulator.
 *
 * Errors are classified by HTTP status and the OAuth `error` field, never by message text.
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
  createdDateUtc: string | null;
  updatedDateUtc: string | null;
}

/** A failed call to Xero's identity server or /connections, classified. */
export class XeroOAuthError extends Error {
  constructor(
    message: string,
    /** HTTP status, or 0 when no response arrived (network error, timeout). */
    readonly status: number,
    /** The OAuth error code (`invalid_grant`, `invalid_client`, …) when Xero sent one. */
    readonly oauthError?: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = "XeroOAuthError";
  }

  /** The refresh token (or authorisation code) is dead: only a new consent helps. */
  get isInvalidGrant(): boolean {
    return this.oauthError === "invalid_grant";
  }

  /** Worth retrying later: no answer, a timeout, 429 or a 5xx. */
  get isTransient(): boolean {
    return this.status === 0 || this.status === 429 || this.status >= 500;
  }
}

export interface IdentityConfig {
  identityUrl: string;
  apiUrl: string;
  clientId: string;
  clientSecret: string;
  timeoutMs: number;
}

export function identityConfigFromEnv(): IdentityConfig {
  const env = getEnv();
  if (!env.XERO_CLIENT_ID || !env.XERO_CLIENT_SECRET) {
    throw new XeroOAuthError("XERO_CLIENT_ID / XERO_CLIENT_SECRET are not configured", 0, "invalid_client");
  }
  return {
    identityUrl: env.XERO_IDENTITY_URL,
    apiUrl: env.XERO_API_URL,
    clientId: env.XERO_CLIENT_ID,
    clientSecret: env.XERO_CLIENT_SECRET,
    timeoutMs: env.XERO_TIMEOUT_MS,
  };
}

export interface DiscoveryDocument {
  issuer: string;
  authorization_endpoint: string;
  token_endpoint: string;
  jwks_uri: string;
  revocation_endpoint?: string;
  userinfo_endpoint?: string;
}

const discoveryCache = new Map<string, Promise<DiscoveryDocument>>();

/** The OpenID discovery document of `identityUrl` (cached per process; a failure is not cached). */
export function discover(config: Pick<IdentityConfig, "identityUrl" | "timeoutMs">): Promise<DiscoveryDocument> {
  const url = `${config.identityUrl}/.well-known/openid-configuration`;
  let pending = discoveryCache.get(url);
  if (!pending) {
    pending = (async () => {
      const res = await send(url, { method: "GET", headers: { accept: "application/json" } }, config.timeoutMs, "discovery");
      const doc = (await readJson(res, "discovery")) as Partial<DiscoveryDocument>;
      if (!doc.token_endpoint || !doc.authorization_endpoint || !doc.issuer || !doc.jwks_uri) {
        throw new XeroOAuthError("Xero's discovery document lacks endpoints", res.status);
      }
      return doc as DiscoveryDocument;
    })();
    pending.catch(() => discoveryCache.delete(url));
    discoveryCache.set(url, pending);
  }
  return pending;
}

/** Trades a refresh token for a new pair (Xero rotates refresh tokens: the old one is spent). */
export async function refreshTokenGrant(refreshToken: string, config = identityConfigFromEnv()): Promise<XeroTokenSet> {
  return tokenRequest(config, { grant_type: "refresh_token", refresh_token: refreshToken });
}

/** A Custom Connection's access token (no refresh token: ask for a new one when it expires). */
export async function clientCredentialsGrant(config = identityConfigFromEnv(), scopes?: string[]): Promise<XeroTokenSet> {
  const body: Record<string, string> = { grant_type: "client_credentials" };
  if (scopes?.length) body.scope = scopes.join(" ");
  return tokenRequest(config, body);
}

/** Exchanges an authorisation code with its PKCE verifier (RFC 7636). The caller validates the id_token. */
export async function authorizationCodeGrant(
  params: { code: string; codeVerifier: string; redirectUri: string },
  config = identityConfigFromEnv(),
): Promise<XeroTokenSet> {
  return tokenRequest(config, {
    grant_type: "authorization_code",
    code: params.code,
    code_verifier: params.codeVerifier,
    redirect_uri: params.redirectUri,
  });
}

/** Revokes a refresh token: Xero then removes every connection of that grant. */
export async function revokeRefreshToken(refreshToken: string, config = identityConfigFromEnv()): Promise<void> {
  const doc = await discover(config);
  const endpoint = doc.revocation_endpoint ?? `${config.identityUrl}/connect/revocation`;
  const res = await send(
    endpoint,
    { method: "POST", headers: formHeaders(config), body: new URLSearchParams({ token: refreshToken, token_type_hint: "refresh_token" }) },
    config.timeoutMs,
    "revocation",
  );
  if (!res.ok) throw await oauthFailure(res, "revocation");
}

/** GET /connections (optionally only those of one consent, `?authEventId=`). */
export async function listXeroConnections(
  accessToken: string,
  options: { authEventId?: string } = {},
  config: Pick<IdentityConfig, "apiUrl" | "timeoutMs"> = identityConfigFromEnv(),
): Promise<XeroConnectionInfo[]> {
  const url = new URL(`${config.apiUrl}/connections`);
  if (options.authEventId) url.searchParams.set("authEventId", options.authEventId);
  const res = await send(url.toString(), { method: "GET", headers: { authorization: `Bearer ${accessToken}`, accept: "application/json" } }, config.timeoutMs, "connections");
  if (!res.ok) throw await oauthFailure(res, "connections");
  const body = await readJson(res, "connections");
  if (!Array.isArray(body)) throw new XeroOAuthError("Xero's /connections did not return a list", res.status);
  return body.map((c: Record<string, unknown>) => ({
    id: String(c.id ?? ""),
    tenantId: String(c.tenantId ?? ""),
    tenantType: typeof c.tenantType === "string" ? c.tenantType : "ORGANISATION",
    tenantName: typeof c.tenantName === "string" ? c.tenantName : null,
    authEventId: typeof c.authEventId === "string" ? c.authEventId : null,
    createdDateUtc: typeof c.createdDateUtc === "string" ? c.createdDateUtc : null,
    updatedDateUtc: typeof c.updatedDateUtc === "string" ? c.updatedDateUtc : null,
  })).filter((c) => c.id && c.tenantId);
}

/** DELETE /connections/{id}: removes one organisation from the grant. 404 means it is already gone. */
export async function deleteXeroConnection(
  accessToken: string,
  xeroConnectionId: string,
  config: Pick<IdentityConfig, "apiUrl" | "timeoutMs"> = identityConfigFromEnv(),
): Promise<void> {
  const res = await send(
    `${config.apiUrl}/connections/${encodeURIComponent(xeroConnectionId)}`,
    { method: "DELETE", headers: { authorization: `Bearer ${accessToken}` } },
    config.timeoutMs,
    "connections",
  );
  if (!res.ok && res.status !== 404) throw await oauthFailure(res, "connections");
}

// ───────────────────────── internals ─────────────────────────

function formHeaders(config: IdentityConfig): Record<string, string> {
  const basic = Buffer.from(`${encodeURIComponent(config.clientId)}:${encodeURIComponent(config.clientSecret)}`).toString("base64");
  return { authorization: `Basic ${basic}`, "content-type": "application/x-www-form-urlencoded", accept: "application/json" };
}

async function tokenRequest(config: IdentityConfig, body: Record<string, string>): Promise<XeroTokenSet> {
  const doc = await discover(config);
  const res = await send(doc.token_endpoint, { method: "POST", headers: formHeaders(config), body: new URLSearchParams(body) }, config.timeoutMs, "token");
  if (!res.ok) throw await oauthFailure(res, "token");
  const json = (await readJson(res, "token")) as Record<string, unknown>;
  if (typeof json.access_token !== "string" || !json.access_token) {
    throw new XeroOAuthError("Xero's token endpoint returned no access token", res.status);
  }
  const expiresIn = typeof json.expires_in === "number" ? json.expires_in : Number(json.expires_in ?? 1800);
  return {
    accessToken: json.access_token,
    refreshToken: typeof json.refresh_token === "string" ? json.refresh_token : undefined,
    idToken: typeof json.id_token === "string" ? json.id_token : undefined,
    tokenType: typeof json.token_type === "string" ? json.token_type : "Bearer",
    expiresAt: new Date(Date.now() + (Number.isFinite(expiresIn) ? expiresIn : 1800) * 1000),
    scope: typeof json.scope === "string" ? json.scope : undefined,
  };
}

async function send(url: string, init: RequestInit, timeoutMs: number, what: string): Promise<Response> {
  try {
    return await fetch(url, { ...init, signal: AbortSignal.timeout(timeoutMs), redirect: "manual", cache: "no-store" });
  } catch (error) {
    // Only the endpoint kind goes into the message: never a URL with a query, header or body.
    const timedOut = error instanceof Error && (error.name === "TimeoutError" || error.name === "AbortError");
    throw new XeroOAuthError(`Xero's ${what} endpoint ${timedOut ? "timed out" : "could not be reached"}`, 0, undefined, { cause: error });
  }
}

async function readJson(res: Response, what: string): Promise<unknown> {
  try {
    return await res.json();
  } catch (error) {
    throw new XeroOAuthError(`Xero's ${what} endpoint returned invalid JSON`, res.status, undefined, { cause: error });
  }
}

/** Builds the error of a non-2xx answer from its status and OAuth `error` code (the only text kept). */
async function oauthFailure(res: Response, what: string): Promise<XeroOAuthError> {
  let code: string | undefined;
  try {
    const body = (await res.json()) as Record<string, unknown>;
    if (typeof body.error === "string" && /^[a-z_]{1,64}$/.test(body.error)) code = body.error;
  } catch {
    // not JSON: the status says enough
  }
  return new XeroOAuthError(`Xero's ${what} endpoint answered ${res.status}${code ? ` ${code}` : ""}`, res.status, code);
}
