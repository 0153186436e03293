/**
 * The one place that builds a Xero client (the only xero-node import in the app).
 *
 * xero-node 20 hard-codes Xero's hosts: `initialize()` discovers `https://identity.xero.com`,
 * `tokenRequest()` (client credentials, refreshWithRefreshToken) posts to
 * `https://identity.xero.com/connect/token`, and `updateTenants()` / `disconnect()` call
 * `https://api.xero.com/connections`. Only `accountingApi.basePath` has a setter. So, to run
 * against the simulator as well as Xero, this module:
 * - builds an openid-client `Client` from the identity service's discovery document itself and
 *   injects it as `xero.openIdClient` (then xero-node's buildConsentUrl / apiCallback /
 *   refreshToken / revokeToken use it, and `initialize()` is never needed);
 * - sets `accountingApi.basePath` to `${apiUrl}/api.xro/2.0`;
 * - implements the hard-coded calls (connections, client credentials, refresh, revoke) with fetch
 *   over the configured base URLs.
 * Other xero-node quirks handled here:
 * - accountingApi has no request timeout (plain axios); a default Authentication hook adds one;
 * - `initialize()` would call openid-client's global `custom.setHttpOptionsDefaults`, changing
 *   the timeout for every openid-client user in the process (next-auth too); we never call it;
 * - `state` is fixed per XeroClient instance and `buildConsentUrl()` adds no PKCE, so use
 *   `createAuthorizationRequest` / `completeAuthorization` below (openid-client directly);
 * - accountingApi errors reject with a JSON *string*: use `toXeroApiError` (./errors);
 * - every `/Date(…)/` value becomes a JS Date, also calendar dates (Date, DueDate), and money is
 *   a JS number; and the deserialiser is slow. The sync reads Xero's wire JSON instead
 *   (`wireResponses`) and maps it itself (lib/sync/values.ts).
 * - `getClientCredentialsToken()` sends `scopes=` (not `scope=`) as a comma list; Xero ignores it.
 */
import { type Client, Issuer, type TokenSet, custom, generators } from "openid-client";
import { XeroClient } from "xero-node";
import { XeroApiError, toXeroApiError, xeroErrorFrom } from "./errors";
import { accessTokenIssuer, assertSameIssuer } from "./issuer";

export { XeroClient } from "xero-node";
export type { TokenSet } from "openid-client";
export * from "./errors";

export const XERO_IDENTITY_URL = "https://identity.xero.com";
export const XERO_API_URL = "https://api.xero.com";

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

export interface XeroConnection {
  id: string;
  authEventId: string;
  tenantId: string;
  tenantType: string;
  tenantName: string;
  /** Xero sends UTC without a zone designator ("2019-12-07T18:46:19.5165400"); parse with parseXeroUtc. */
  createdDateUtc: string;
  updatedDateUtc: string;
}

const DEFAULT_TIMEOUT_MS = 30_000;
const trim = (u: string) => u.replace(/\/+$/, "");

/** The endpoints of Xero (or the simulator) for a config; e.g. for a next-auth provider. */
export function xeroEndpoints(config: Pick<XeroConfig, "identityUrl" | "apiUrl">) {
  const identity = trim(config.identityUrl ?? XERO_IDENTITY_URL);
  const api = trim(config.apiUrl ?? XERO_API_URL);
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

const issuers = new Map<string, Promise<Issuer>>();

/** Discovers (once per identity URL) with our own fetch, so no global openid-client option is touched. */
async function discover(identityUrl: string, timeoutMs: number): Promise<Issuer> {
  let p = issuers.get(identityUrl);
  if (!p) {
    p = (async () => {
      const url = `${identityUrl}/.well-known/openid-configuration`;
      let res: Response;
      try {
        res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
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

/** An openid-client Client for Xero's identity service (PKCE, id_token validation, refresh, revoke). */
export async function getOpenIdClient(config: XeroConfig): Promise<Client> {
  const timeoutMs = config.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const issuer = await discover(trim(config.identityUrl ?? XERO_IDENTITY_URL), timeoutMs);
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

/**
 * A XeroClient pointed at the configured URLs, with a timeout on every accountingApi call.
 * Pass a stored token set to call the API right away.
 */
export async function createXeroClient(config: XeroConfig, tokenSet?: TokenSet | Record<string, unknown>): Promise<XeroClient> {
  const timeoutMs = config.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const xero = new XeroClient({ clientId: config.clientId, clientSecret: config.clientSecret, redirectUris: config.redirectUris, scopes: config.scopes, httpTimeout: timeoutMs });
  xero.openIdClient = await getOpenIdClient(config);
  xero.accountingApi.basePath = xeroEndpoints(config).accounting;
  // The generated API calls axios(options) after running `authentications.default.applyToRequest`
  // on those options (VoidAuth by default): the one hook where a timeout can be added per client.
  xero.accountingApi.setDefaultAuthentication({
    applyToRequest: (options) => {
      options.timeout = timeoutMs;
    },
  });
  if (tokenSet) xero.setTokenSet(tokenSet as TokenSet);
  return xero;
}

export interface ApiClientOptions {
  /**
   * Keep Xero's response body as the bytes it sent (`response.data` is a Buffer, `body` an empty
   * model) instead of letting xero-node deserialise it into models. xero-node still builds and
   * authenticates every request; only its ObjectSerializer is skipped. The sync engine uses this:
   * the deserialiser walks every attribute of every model (~80 ms of CPU per 1,000-invoice page,
   * more than fetching and JSON-parsing the page), and the engine stores the wire JSON anyway
   * (lib/sync/wire-json.ts; README "Benchmarks"). Error bodies arrive as bytes too:
   * `toXeroApiError` decodes them.
   */
  wireResponses?: boolean;
}

/**
 * Refuses (XeroIssuerMismatchError) an access token issued by another identity server than the
 * one `config` belongs to: the API beside XERO_IDENTITY_URL only ever sees that issuer's tokens.
 * A token that is not a JWT carries no issuer to compare (Xero's always are).
 */
function assertTokenFor(config: Pick<XeroConfig, "identityUrl">, accessToken: string): void {
  const iss = accessTokenIssuer(accessToken);
  if (iss) assertSameIssuer(iss, trim(config.identityUrl ?? XERO_IDENTITY_URL));
}

/**
 * A XeroClient for Accounting API calls only, with an access token from the token store: no
 * discovery, no network until the first call. For the sync engine. Throws
 * XeroIssuerMismatchError for a token of another issuer than `config.identityUrl`.
 */
export function createApiClient(config: Pick<XeroConfig, "identityUrl" | "apiUrl" | "timeoutMs">, accessToken: string, options: ApiClientOptions = {}): XeroClient {
  assertTokenFor(config, accessToken);
  const timeoutMs = config.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const xero = new XeroClient();
  xero.accountingApi.basePath = xeroEndpoints(config).accounting;
  // xero-node hands every request's axios config to this hook before sending it.
  xero.accountingApi.setDefaultAuthentication({
    applyToRequest: (request) => {
      request.timeout = timeoutMs;
      // axios parses JSON only for responseType "json"; "arraybuffer" leaves the body as bytes.
      if (options.wireResponses) request.responseType = "arraybuffer";
    },
  });
  xero.setTokenSet({ access_token: accessToken, token_type: "Bearer" });
  return xero;
}

// ---------------------------------------------------------------- authorization code + PKCE

export interface AuthorizationRequest {
  url: string;
  state: string;
  nonce: string;
  codeVerifier: string;
  redirectUri: string;
}

/** The consent URL with PKCE (S256), state and nonce; keep the rest server-side for the callback. */
export async function createAuthorizationRequest(config: XeroConfig, opts: { state?: string; redirectUri?: string; extraParams?: Record<string, string> } = {}): Promise<AuthorizationRequest> {
  const client = await getOpenIdClient(config);
  const state = opts.state ?? generators.state();
  const nonce = generators.nonce();
  const codeVerifier = generators.codeVerifier();
  const redirectUri = opts.redirectUri ?? config.redirectUris[0] ?? "";
  const url = client.authorizationUrl({
    redirect_uri: redirectUri,
    scope: config.scopes.join(" "),
    state,
    nonce,
    code_challenge: generators.codeChallenge(codeVerifier),
    code_challenge_method: "S256",
    ...opts.extraParams,
  });
  return { url, state, nonce, codeVerifier, redirectUri };
}

/** Exchanges the callback's code (validating state, nonce and the id_token) for tokens. */
export async function completeAuthorization(config: XeroConfig, callbackUrl: string, request: Pick<AuthorizationRequest, "state" | "nonce" | "codeVerifier" | "redirectUri">): Promise<TokenSet> {
  const client = await getOpenIdClient(config);
  const params = client.callbackParams(callbackUrl);
  try {
    return await client.callback(request.redirectUri, params, { state: request.state, nonce: request.nonce, code_verifier: request.codeVerifier });
  } catch (e) {
    throw toXeroApiError(e);
  }
}

// ---------------------------------------------------------------- token endpoint and connections

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

function basic(config: XeroConfig): string {
  return `Basic ${Buffer.from(`${config.clientId}:${config.clientSecret}`).toString("base64")}`;
}

async function tokenRequest(config: XeroConfig, form: Record<string, string>): Promise<Record<string, unknown>> {
  const res = await call(
    xeroEndpoints(config).token,
    { method: "POST", headers: { authorization: basic(config), "content-type": "application/x-www-form-urlencoded", accept: "application/json" }, body: new URLSearchParams(form).toString() },
    config.timeoutMs ?? DEFAULT_TIMEOUT_MS,
  );
  return (await res.json()) as Record<string, unknown>;
}

/**
 * Refreshes with a refresh token. Xero rotates: store the returned refresh_token (the old one
 * keeps working for 30 minutes only). invalid_grant → `err.invalidGrant` (reconnect needed).
 * Uses openid-client, so a returned id_token is validated too.
 */
export async function refreshTokenSet(config: XeroConfig, refreshToken: string): Promise<TokenSet> {
  const client = await getOpenIdClient(config);
  try {
    return await client.refresh(refreshToken);
  } catch (e) {
    throw toXeroApiError(e);
  }
}

/** Custom Connection token (client_credentials): one organisation, 30 minutes, no refresh token. */
export async function clientCredentialsToken(config: XeroConfig, scopes: string[] = config.scopes): Promise<{ access_token: string; expires_in: number; token_type: string; scope?: string }> {
  const body = await tokenRequest(config, { grant_type: "client_credentials", ...(scopes.length ? { scope: scopes.join(" ") } : {}) });
  return body as { access_token: string; expires_in: number; token_type: string; scope?: string };
}

/** Revokes a refresh token: the whole grant ends (its access tokens and connections go). */
export async function revokeRefreshToken(config: XeroConfig, refreshToken: string): Promise<void> {
  await call(
    xeroEndpoints(config).revocation,
    { method: "POST", headers: { authorization: basic(config), "content-type": "application/x-www-form-urlencoded" }, body: new URLSearchParams({ token: refreshToken, token_type_hint: "refresh_token" }).toString() },
    config.timeoutMs ?? DEFAULT_TIMEOUT_MS,
  );
}

/** GET /connections: the organisations this token reaches; `authEventId` limits it to one consent. */
export async function listConnections(config: XeroConfig, accessToken: string, opts: { authEventId?: string } = {}): Promise<XeroConnection[]> {
  assertTokenFor(config, accessToken);
  const url = new URL(xeroEndpoints(config).connections);
  if (opts.authEventId) url.searchParams.set("authEventId", opts.authEventId);
  const res = await call(url.toString(), { headers: { authorization: `Bearer ${accessToken}`, accept: "application/json" } }, config.timeoutMs ?? DEFAULT_TIMEOUT_MS);
  return (await res.json()) as XeroConnection[];
}

/** DELETE /connections/{id}: disconnects one organisation (204). */
export async function deleteConnection(config: XeroConfig, accessToken: string, connectionId: string): Promise<void> {
  assertTokenFor(config, accessToken);
  await call(`${xeroEndpoints(config).connections}/${encodeURIComponent(connectionId)}`, { method: "DELETE", headers: { authorization: `Bearer ${accessToken}` } }, config.timeoutMs ?? DEFAULT_TIMEOUT_MS);
}

/** Xero's identity timestamps carry no zone designator but are UTC. */
export function parseXeroUtc(s: string): Date {
  return new Date(/[zZ]|[+-]\d\d:?\d\d$/.test(s) ? s : `${s}Z`);
}

/** The claims of a Xero access token (a JWT): xero_userid, authentication_event_id, scope, exp… (not verified). */
export function decodeAccessToken(accessToken: string): Record<string, unknown> {
  const part = accessToken.split(".")[1];
  if (!part) throw new XeroApiError("client", 0, {}, undefined, "access token is not a JWT");
  return JSON.parse(Buffer.from(part, "base64url").toString("utf8")) as Record<string, unknown>;
}
