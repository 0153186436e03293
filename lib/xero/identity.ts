/**
 * Xero's identity side: OAuth 2.0 and OpenID Connect (discovery, consent with PKCE, the token
 * endpoint for codes, refresh tokens and client credentials, revocation) and the /connections list
 * of what a grant reaches. Every call to those endpoints is made here; Accounting API calls go
 * through the xero-node client of ./client.ts.
 *
 * xero-node 20 hard-codes Xero's hosts for all of these (`initialize()` discovers
 * `https://identity.xero.com`, `tokenRequest()` posts to its token endpoint, `updateTenants()` /
 * `disconnect()` call `https://api.xero.com/connections`), so, to run against the simulator as well
 * as Xero, this module builds an openid-client `Client` from the configured identity service's
 * discovery document itself (PKCE, id_token validation, refresh) and calls the rest with fetch over
 * the configured base URLs. It never calls openid-client's global `custom.setHttpOptionsDefaults`
 * (as xero-node's `initialize()` would), which would change the timeout for every openid-client user
 * in the process (next-auth too).
 *
 * What callers get:
 * - one token-set shape (`XeroTokenSet`, with an absolute expiry) that the token store encrypts;
 * - one error (`XeroOAuthError`) classified by status, OAuth error code and kind — never by text —
 *   whose message is safe to log (no token, code, verifier or secret).
 */
import { type Client, Issuer, type TokenSet, custom } from "openid-client";
import { IDENTITY_SCOPES } from "@/lib/entities/scopes";
import { getEnv } from "@/lib/env";
import { meterAnswer, meterCall } from "@/lib/usage/meter";
import { toXeroApiError, xeroErrorFrom } from "./errors";
import { accessTokenClaims, assertAccessTokenFor, issuerOfConfig } from "./issuer";

export type { TokenSet } from "openid-client";

export const XERO_API_URL = "https://api.xero.com";

/** The Xero app of this installation and the Xero (or simulator) it talks to. */
export interface XeroConfig {
  clientId: string;
  clientSecret: string;
  /** The first one is used for authorization requests unless another is given. */
  redirectUris: string[];
  scopes: string[];
  /** Default https://identity.xero.com (the simulator's URL in demo mode and tests). */
  identityUrl?: string;
  /** Default https://api.xero.com. */
  apiUrl?: string;
  /** Per-request timeout for every call to Xero (default 30 s). */
  timeoutMs?: number;
}

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

/**
 * One organisation a grant reaches: an item of Xero's GET /connections. (Not a row of
 * xero_connections, which is one grant of a user: `XeroConnection` in lib/db/schema.)
 */
export interface XeroTenantConnection {
  /** Xero's connection id (for DELETE /connections/{id}). */
  id: string;
  tenantId: string;
  tenantType: string;
  tenantName: string | null;
  authEventId: string | null;
  /** Xero sends UTC without a zone designator ("2019-12-07T18:46:19.5165400"); parse with parseXeroUtc. */
  createdDateUtc: string | null;
  updatedDateUtc: string | null;
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

  /** XeroApiError's classification: "oauth", "network", "server", "client" (a check on our side failed: state, nonce, id_token)… */
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

/** Anything openid-client or fetch threw → XeroOAuthError with a safe message. */
function toOAuthError(error: unknown, what: string): XeroOAuthError {
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

/** The Xero app of this installation, from the environment. */
export function xeroConfigFromEnv(): XeroConfig {
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

const DEFAULT_TIMEOUT_MS = 30_000;

/** The per-request timeout of a config. */
export function timeoutOf(config: Pick<XeroConfig, "timeoutMs">): number {
  return config.timeoutMs ?? DEFAULT_TIMEOUT_MS;
}

/** The endpoints of Xero (or the simulator) for a config. */
export function xeroEndpoints(config: Pick<XeroConfig, "identityUrl" | "apiUrl">) {
  const identity = issuerOfConfig(config);
  const api = (config.apiUrl ?? XERO_API_URL).replace(/\/+$/, "");
  return {
    issuer: identity,
    wellKnown: `${identity}/.well-known/openid-configuration`,
    token: `${identity}/connect/token`,
    revocation: `${identity}/connect/revocation`,
    userinfo: `${identity}/connect/userinfo`,
    connections: `${api}/connections`,
    accounting: `${api}/api.xro/2.0`,
  };
}

/** Scopes a client_credentials request may carry (no OpenID / offline_access scopes). */
export function apiScopes(scopes: string[]): string[] {
  return scopes.filter((s) => !(IDENTITY_SCOPES as readonly string[]).includes(s));
}

// ---------------------------------------------------------------- discovery and the openid-client Client

const issuers = new Map<string, Promise<Issuer>>();

/** Discovers (once per identity URL) with our own fetch, so no global openid-client option is touched. */
async function discover(config: Pick<XeroConfig, "identityUrl" | "timeoutMs">): Promise<Issuer> {
  const { issuer: identityUrl, wellKnown } = xeroEndpoints(config);
  const timeoutMs = timeoutOf(config);
  let p = issuers.get(identityUrl);
  if (!p) {
    p = (async () => {
      let res: Response;
      try {
        res = await fetch(wellKnown, { signal: AbortSignal.timeout(timeoutMs) });
      } catch (e) {
        throw toXeroApiError(e);
      }
      if (!res.ok) throw xeroErrorFrom(res.status, Object.fromEntries(res.headers), await res.text());
      const issuer = new Issuer((await res.json()) as ConstructorParameters<typeof Issuer>[0]);
      issuer[custom.http_options] = (_url, options) => ({ ...options, timeout: timeoutMs });
      return issuer;
    })();
    issuers.set(identityUrl, p);
    p.catch(() => issuers.delete(identityUrl));
  }
  return p;
}

/** An openid-client Client for Xero's identity service (PKCE, id_token validation, refresh). */
export async function getOpenIdClient(config: XeroConfig): Promise<Client> {
  const timeoutMs = timeoutOf(config);
  const issuer = await discover(config);
  const client = new issuer.Client({
    client_id: config.clientId,
    client_secret: config.clientSecret,
    redirect_uris: config.redirectUris,
    response_types: ["code"],
    token_endpoint_auth_method: "client_secret_basic",
  });
  client[custom.http_options] = (_url, options) => ({ ...options, timeout: timeoutMs });
  client[custom.clock_tolerance] = 5; // seconds, as xero-node's default
  return client;
}

/** The authorisation endpoint (from discovery), for building the consent URL. */
export async function authorizationEndpoint(config: XeroConfig): Promise<string> {
  try {
    const client = await getOpenIdClient(config);
    const endpoint = client.issuer.metadata.authorization_endpoint;
    if (!endpoint) throw new XeroOAuthError("Xero's discovery document has no authorization_endpoint", 0, undefined, { kind: "server" });
    return endpoint;
  } catch (error) {
    throw toOAuthError(error, "discovery");
  }
}

// ---------------------------------------------------------------- authorization code + PKCE
// The consent URL is built by startXeroConnect (./connect-flow.ts), which stores the attempt.

/**
 * Exchanges the callback's code for tokens; openid-client validates the answer (state, id_token
 * signature / issuer / audience / expiry, nonce, at_hash). Rejects with a XeroApiError.
 */
export async function completeAuthorization(
  config: XeroConfig,
  callbackUrl: string,
  request: { state: string; nonce: string; codeVerifier: string; redirectUri: string },
): Promise<TokenSet> {
  const client = await getOpenIdClient(config);
  const params = client.callbackParams(callbackUrl);
  try {
    return await client.callback(request.redirectUri, params, { state: request.state, nonce: request.nonce, code_verifier: request.codeVerifier });
  } catch (e) {
    throw toXeroApiError(e);
  }
}

/** completeAuthorization for the Connect Xero callback: our token-set shape, XeroOAuthError, an id_token required. */
export async function authorizationCodeGrant(
  params: { code: string; state: string; codeVerifier: string; nonce: string; redirectUri: string },
  config = xeroConfigFromEnv(),
): Promise<{ tokenSet: XeroTokenSet; claims: Record<string, unknown> }> {
  const callbackUrl = new URL(params.redirectUri);
  callbackUrl.searchParams.set("code", params.code);
  callbackUrl.searchParams.set("state", params.state);
  try {
    const set = await completeAuthorization(config, callbackUrl.toString(), params);
    if (!set.id_token) throw new XeroOAuthError("Xero's token answer has no id_token (is the openid scope requested?)", 0, undefined, { kind: "client" });
    return { tokenSet: fromOpenId(set), claims: set.claims() as Record<string, unknown> };
  } catch (error) {
    throw toOAuthError(error, "token");
  }
}

// ---------------------------------------------------------------- token endpoint, revocation, connections

async function call(url: string, init: RequestInit, timeoutMs: number): Promise<Response> {
  let res: Response;
  try {
    res = await fetch(url, { ...init, signal: AbortSignal.timeout(timeoutMs) });
  } catch (e) {
    throw toXeroApiError(e);
  }
  if (!res.ok) throw xeroErrorFrom(res.status, Object.fromEntries(res.headers), await res.text().catch(() => ""));
  return res;
}

/**
 * `call` for api.xero.com (/connections), metered as a call about no one organisation. fetch
 * inflates compressed bodies without saying how long they were, so a compressed answer counts
 * its Content-Length (the bytes sent), otherwise the body's own length.
 */
async function meteredCall(url: string, init: RequestInit, timeoutMs: number): Promise<string> {
  meterCall("");
  let res: Response;
  try {
    res = await fetch(url, { ...init, signal: AbortSignal.timeout(timeoutMs) });
  } catch (e) {
    throw toXeroApiError(e);
  }
  const text = await res.text().catch(() => "");
  const headers = Object.fromEntries(res.headers);
  const sent = Number(headers["content-length"]);
  meterAnswer("", headers["content-encoding"] && Number.isFinite(sent) ? sent : Buffer.byteLength(text), headers);
  if (!res.ok) throw xeroErrorFrom(res.status, headers, text);
  return text;
}

function basic(config: XeroConfig): string {
  return `Basic ${Buffer.from(`${config.clientId}:${config.clientSecret}`).toString("base64")}`;
}

/**
 * Trades a refresh token for a new pair. Xero rotates: store the returned refresh token (the old
 * one keeps working for 30 minutes only). openid-client validates a returned id_token too.
 */
export async function refreshTokenGrant(refreshToken: string, config = xeroConfigFromEnv()): Promise<XeroTokenSet> {
  try {
    const client = await getOpenIdClient(config);
    return fromOpenId(await client.refresh(refreshToken));
  } catch (error) {
    throw toOAuthError(error, "token");
  }
}

/**
 * A Custom Connection's access token (client_credentials): one organisation, 30 minutes, no
 * refresh token (ask for a new one when it expires). Sends `scope=` as a space list (xero-node's
 * `getClientCredentialsToken()` sends `scopes=` as a comma list, which Xero ignores).
 */
export async function clientCredentialsGrant(config = xeroConfigFromEnv(), scopes = apiScopes(config.scopes)): Promise<XeroTokenSet> {
  try {
    const res = await call(
      xeroEndpoints(config).token,
      {
        method: "POST",
        headers: { authorization: basic(config), "content-type": "application/x-www-form-urlencoded", accept: "application/json" },
        body: new URLSearchParams({ grant_type: "client_credentials", ...(scopes.length ? { scope: scopes.join(" ") } : {}) }).toString(),
      },
      timeoutOf(config),
    );
    const set = (await res.json()) as { access_token?: unknown; expires_in?: unknown; token_type?: string; scope?: string };
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

/** Revokes a refresh token: the whole grant ends (its access tokens and every connection go). */
export async function revokeRefreshToken(refreshToken: string, config = xeroConfigFromEnv()): Promise<void> {
  try {
    await call(
      xeroEndpoints(config).revocation,
      {
        method: "POST",
        headers: { authorization: basic(config), "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ token: refreshToken, token_type_hint: "refresh_token" }).toString(),
      },
      timeoutOf(config),
    );
  } catch (error) {
    throw toOAuthError(error, "revocation");
  }
}

/**
 * GET /connections: the organisations this token reaches; `authEventId` limits it to one consent.
 * Throws XeroIssuerMismatchError, before any request, for a token of another issuer than the config's.
 */
export async function listXeroConnections(accessToken: string, options: { authEventId?: string } = {}, config = xeroConfigFromEnv()): Promise<XeroTenantConnection[]> {
  assertAccessTokenFor(config.identityUrl, accessToken);
  let rows: unknown;
  try {
    const url = new URL(xeroEndpoints(config).connections);
    if (options.authEventId) url.searchParams.set("authEventId", options.authEventId);
    rows = JSON.parse(await meteredCall(url.toString(), { headers: { authorization: `Bearer ${accessToken}`, accept: "application/json" } }, timeoutOf(config)));
  } catch (error) {
    throw toOAuthError(error, "connections");
  }
  if (!Array.isArray(rows)) throw new XeroOAuthError("Xero's /connections did not return a list", 200, undefined, { kind: "server" });
  const text = (v: unknown) => (typeof v === "string" && v ? v : null);
  return (rows as Record<string, unknown>[])
    .filter((c) => c && typeof c.id === "string" && typeof c.tenantId === "string")
    .map((c) => ({
      id: c.id as string,
      tenantId: c.tenantId as string,
      tenantType: typeof c.tenantType === "string" ? c.tenantType : "ORGANISATION",
      tenantName: text(c.tenantName),
      authEventId: typeof c.authEventId === "string" ? c.authEventId : null,
      createdDateUtc: text(c.createdDateUtc),
      updatedDateUtc: text(c.updatedDateUtc),
    }));
}

/**
 * DELETE /connections/{id}: removes one organisation from the grant. 404 means it is already gone.
 * Throws XeroIssuerMismatchError, before any request, for a token of another issuer than the config's.
 */
export async function deleteXeroConnection(accessToken: string, xeroConnectionId: string, config = xeroConfigFromEnv()): Promise<void> {
  assertAccessTokenFor(config.identityUrl, accessToken);
  try {
    await meteredCall(`${xeroEndpoints(config).connections}/${encodeURIComponent(xeroConnectionId)}`, { method: "DELETE", headers: { authorization: `Bearer ${accessToken}` } }, timeoutOf(config));
  } catch (error) {
    const e = toOAuthError(error, "connections");
    if (e.status === 404) return;
    throw e;
  }
}

/** Xero's identity timestamps carry no zone designator but are UTC. */
export function parseXeroUtc(s: string): Date {
  return new Date(/[zZ]|[+-]\d\d:?\d\d$/.test(s) ? s : `${s}Z`);
}

/** `authentication_event_id` of a Xero access token (a JWT), or null. */
export function authEventIdOf(accessToken: string): string | null {
  const v = accessTokenClaims(accessToken)?.authentication_event_id;
  return typeof v === "string" && v ? v : null;
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
