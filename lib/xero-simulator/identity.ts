/**
 * Xero's identity service: OpenID Connect discovery, JWKS, the authorize (consent) page, the token
 * endpoint (authorization_code + PKCE, refresh_token with rotation, client_credentials),
 * revocation, userinfo and /connections.
 *
 * Rules taken from Xero's OAuth 2.0 docs: access tokens last 30 minutes; refresh tokens are
 * single-use, rotate on every refresh, the previous one keeps working for a 30-minute grace
 * period, and an unused refresh token expires after 60 days; codes last 5 minutes and work once.
 */
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import { consentPage, errorPage } from "./authorize-page";
import { identityDate, xeroUsDate } from "./format";
import { type Ctx, HttpError, formBody, redirect, sendHtml, sendJson } from "./http";
import { atHash, signJwt, signingKey } from "./jwt";
import type { DemoUser, Grant, RegisteredClient, Sim } from "./state";

const OIDC_SCOPES = ["openid", "profile", "email", "offline_access"];
const API_SCOPE = /^(accounting|payroll|files|assets|projects|bankfeeds|finance|paymentservices|practicemanager|app|marketplace|einvoicing)\.[a-z.]+$/;

/** Scopes that need an organisation, so the consent page shows the tenant picker (as Xero does). */
export function needsTenants(scopes: string[]): boolean {
  return scopes.some((s) => !OIDC_SCOPES.includes(s));
}

export function parseScopes(s: string | null | undefined): string[] {
  return (s ?? "").split(/[\s,]+/).filter(Boolean);
}

function token(bytes = 32): string {
  return randomBytes(bytes).toString("base64url");
}

// ---------------------------------------------------------------- discovery

export function discovery(sim: Sim, ctx: Ctx): void {
  const i = sim.issuer;
  sendJson(ctx.res, 200, {
    issuer: i,
    jwks_uri: `${i}/.well-known/openid-configuration/jwks`,
    authorization_endpoint: `${i}/identity/connect/authorize`,
    token_endpoint: `${i}/connect/token`,
    userinfo_endpoint: `${i}/connect/userinfo`,
    end_session_endpoint: `${i}/connect/endsession`,
    check_session_iframe: `${i}/connect/checksession`,
    revocation_endpoint: `${i}/connect/revocation`,
    introspection_endpoint: `${i}/connect/introspect`,
    frontchannel_logout_supported: true,
    frontchannel_logout_session_supported: true,
    backchannel_logout_supported: true,
    backchannel_logout_session_supported: true,
    scopes_supported: ["openid", "profile", "email", "offline_access", "accounting.transactions", "accounting.transactions.read", "accounting.contacts", "accounting.contacts.read", "accounting.settings", "accounting.settings.read", "accounting.invoices", "accounting.invoices.read", "accounting.payments", "accounting.payments.read", "accounting.banktransactions", "accounting.banktransactions.read", "accounting.manualjournals", "accounting.manualjournals.read", "accounting.journals.read"],
    claims_supported: ["sub", "name", "family_name", "given_name", "email", "xero_userid", "global_session_id", "preferred_username", "authentication_event_id"],
    grant_types_supported: ["authorization_code", "client_credentials", "refresh_token", "implicit"],
    response_types_supported: ["code"],
    response_modes_supported: ["form_post", "query", "fragment"],
    token_endpoint_auth_methods_supported: ["client_secret_basic", "client_secret_post"],
    subject_types_supported: ["public"],
    id_token_signing_alg_values_supported: ["RS256"],
    code_challenge_methods_supported: ["plain", "S256"],
    request_parameter_supported: true,
  });
}

export function jwks(_sim: Sim, ctx: Ctx): void {
  sendJson(ctx.res, 200, { keys: [signingKey().jwk] });
}

// ---------------------------------------------------------------- authorize

interface AuthzRequest {
  client: RegisteredClient;
  redirectUri: string;
  scopes: string[];
  state: string | null;
  nonce: string | null;
  codeChallenge: string | null;
  codeChallengeMethod: string | null;
  responseMode: string | null;
}

function backTo(res: Ctx["res"], redirectUri: string, params: Record<string, string | null>): void {
  const u = new URL(redirectUri);
  for (const [k, v] of Object.entries(params)) if (v !== null) u.searchParams.set(k, v);
  redirect(res, u.toString());
}

/** Validates an authorize request; answers (error page or error redirect) and returns null when invalid. */
function validateAuthz(sim: Sim, ctx: Ctx, p: URLSearchParams): AuthzRequest | null {
  const clientId = p.get("client_id") ?? "";
  const client = sim.clients.get(clientId);
  if (!client) {
    sendHtml(ctx.res, 400, errorPage("unauthorized_client", "Unknown client or client not enabled."));
    return null;
  }
  const redirectUri = p.get("redirect_uri") ?? "";
  // Xero compares redirect URIs exactly (scheme, host, port, path; no prefix or wildcard matching).
  if (!client.redirectUris.includes(redirectUri)) {
    sendHtml(ctx.res, 400, errorPage("invalid_request", `Invalid redirect_uri. It must exactly match one of the URIs registered for this app.`));
    return null;
  }
  const state = p.get("state");
  if (p.get("response_type") !== "code") {
    backTo(ctx.res, redirectUri, { error: "unsupported_response_type", state });
    return null;
  }
  if (!client.grantTypes.includes("authorization_code")) {
    backTo(ctx.res, redirectUri, { error: "unauthorized_client", state });
    return null;
  }
  const scopes = parseScopes(p.get("scope"));
  if (scopes.length === 0 || scopes.some((s) => !OIDC_SCOPES.includes(s) && !API_SCOPE.test(s))) {
    backTo(ctx.res, redirectUri, { error: "invalid_scope", state });
    return null;
  }
  const codeChallenge = p.get("code_challenge");
  const method = p.get("code_challenge_method");
  if (codeChallenge !== null && (!/^[A-Za-z0-9._~-]{43,128}$/.test(codeChallenge) || (method !== null && method !== "S256" && method !== "plain"))) {
    backTo(ctx.res, redirectUri, { error: "invalid_request", error_description: "invalid code_challenge or code_challenge_method", state });
    return null;
  }
  if (codeChallenge === null && method !== null) {
    backTo(ctx.res, redirectUri, { error: "invalid_request", error_description: "code_challenge is required with code_challenge_method", state });
    return null;
  }
  return { client, redirectUri, scopes, state, nonce: p.get("nonce"), codeChallenge, codeChallengeMethod: codeChallenge ? (method ?? "plain") : null, responseMode: p.get("response_mode") };
}

/** GET /identity/connect/authorize: the consent page, or an immediate answer with auto-consent. */
export function authorizeGet(sim: Sim, ctx: Ctx): void {
  const p = ctx.query;
  const a = validateAuthz(sim, ctx, p);
  if (!a) return;
  const auto = sim.config.autoConsent;
  if (p.get("sim_deny") === "1") {
    backTo(ctx.res, a.redirectUri, { error: "access_denied", state: a.state });
    return;
  }
  if (p.get("sim_auto") === "1" || p.has("sim_user") || p.has("sim_tenants") || auto) {
    const user = sim.findUser(p.get("sim_user") ?? auto?.user ?? "0");
    if (!user) throw new HttpError(400, { error: "invalid_request", error_description: "sim_user matches no demo user" });
    const tRef = p.get("sim_tenants") ?? (Array.isArray(auto?.tenants) ? auto.tenants.join(",") : auto?.tenants) ?? "all";
    let tenantIds: string[];
    if (tRef === "all") tenantIds = sim.tenantList().map((t) => t.id);
    else if (tRef === "none" || tRef === "") tenantIds = [];
    else {
      tenantIds = [];
      for (const ref of tRef.split(",")) {
        const t = sim.findTenant(ref.trim());
        if (!t) throw new HttpError(400, { error: "invalid_request", error_description: `sim_tenants: no tenant ${ref}` });
        tenantIds.push(t.id);
      }
    }
    consent(sim, ctx, a, user, needsTenants(a.scopes) ? tenantIds : []);
    return;
  }
  sendHtml(ctx.res, 200, consentPage(sim, p, a.client, a.scopes, needsTenants(a.scopes)));
}

/** POST /identity/connect/authorize: the consent form's answer (Allow / Cancel). */
export function authorizePost(sim: Sim, ctx: Ctx): void {
  const p = formBody(ctx);
  const a = validateAuthz(sim, ctx, p);
  if (!a) return;
  if (p.get("action") === "limit") {
    // The way back from the notice that the app is at its connection cap.
    backTo(ctx.res, a.redirectUri, { error: "access_denied", error_description: CONNECTION_LIMIT_ADVICE, state: a.state });
    return;
  }
  if (p.get("action") !== "allow") {
    backTo(ctx.res, a.redirectUri, { error: "access_denied", state: a.state });
    return;
  }
  const user = sim.findUser(p.get("user"));
  const tenantIds = p.getAll("tenant").filter((id) => sim.tenants.has(id));
  const withTenants = needsTenants(a.scopes);
  if (!user || (withTenants && tenantIds.length === 0)) {
    sendHtml(ctx.res, 200, consentPage(sim, p, a.client, a.scopes, withTenants, !user ? "Choose who is signing in." : "Select at least one organisation to connect."));
    return;
  }
  consent(sim, ctx, a, user, withTenants ? tenantIds : []);
}

/** Xero's advice when an app is at its connection cap (its OAuth 1 `oauth_problem_advice`). */
export const CONNECTION_LIMIT_ADVICE = "Maximum number of tenants already connected";

/** Records the consent: a grant (auth event), its connections, a one-time code; redirects back. */
function consent(sim: Sim, ctx: Ctx, a: AuthzRequest, user: DemoUser, tenantIds: string[]): void {
  const now = sim.clock.now();
  // Xero's connection cap: organisations already connected to the app stay selectable (a reconnect
  // works at the cap); one more is refused, and the person is sent back with access_denied.
  const limit = sim.config.connectionLimit;
  if (limit !== null) {
    const connected = sim.connectedTenantIds(a.client.clientId);
    const added = tenantIds.filter((id) => !connected.has(id));
    if (added.length && connected.size + added.length > limit) {
      backTo(ctx.res, a.redirectUri, { error: "access_denied", error_description: CONNECTION_LIMIT_ADVICE, state: a.state });
      return;
    }
  }
  // Xero keeps what a user has granted an app: a new consent adds its scopes to those of the
  // user's live grants for the app, and the token lists them all (so a reconnect may ask for the
  // missing scopes only).
  const earlier = [...sim.grants.values()].filter((g) => g.clientId === a.client.clientId && g.userId === user.xeroUserId && g.kind === "authorization_code" && !g.revoked);
  const scopes = [...new Set([...a.scopes, ...earlier.flatMap((g) => g.scopes)])];
  const grant: Grant = {
    id: sim.newId(),
    clientId: a.client.clientId,
    userId: user.xeroUserId,
    scopes,
    tenantIds,
    kind: "authorization_code",
    revoked: false,
    createdMs: now,
    sessionId: token(16).replace(/[-_]/g, "").toLowerCase(),
    ...(a.nonce !== null ? { nonce: a.nonce } : {}),
  };
  sim.grants.set(grant.id, grant);
  // Connections belong to user + app + tenant; a new consent refreshes them with its auth event.
  for (const tenantId of tenantIds) {
    const existing = [...sim.connections.values()].find((c) => c.clientId === grant.clientId && c.userId === user.xeroUserId && c.tenantId === tenantId);
    if (existing) {
      existing.authEventId = grant.id;
      existing.updatedMs = now;
    } else {
      const id = sim.newId();
      sim.connections.set(id, { id, clientId: grant.clientId, userId: user.xeroUserId, tenantId, authEventId: grant.id, createdMs: now, updatedMs: now });
    }
  }
  const code = token(32);
  sim.codes.set(code, {
    clientId: a.client.clientId,
    redirectUri: a.redirectUri,
    grantId: grant.id,
    ...(a.codeChallenge ? { codeChallenge: a.codeChallenge, codeChallengeMethod: a.codeChallengeMethod ?? "plain" } : {}),
    expMs: now + sim.config.codeTtlMs,
    used: false,
  });
  backTo(ctx.res, a.redirectUri, { code, scope: scopes.join(" "), state: a.state, session_state: token(16) });
}

// ---------------------------------------------------------------- token endpoint

function oauthError(error: string, description?: string): HttpError {
  return new HttpError(400, description ? { error, error_description: description } : { error });
}

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** client_secret_basic (RFC 6749 §2.3.1: form-urlencoded id and secret) or client_secret_post. */
function authenticateClient(sim: Sim, ctx: Ctx, form: URLSearchParams): RegisteredClient {
  let id = form.get("client_id");
  let secret = form.get("client_secret");
  const h = ctx.req.headers.authorization;
  if (h?.startsWith("Basic ")) {
    const dec = Buffer.from(h.slice(6), "base64").toString("utf8");
    const i = dec.indexOf(":");
    if (i < 0) throw oauthError("invalid_client");
    const un = (s: string) => decodeURIComponent(s.replace(/\+/g, " "));
    try {
      id = un(dec.slice(0, i));
      secret = un(dec.slice(i + 1));
    } catch {
      throw oauthError("invalid_client");
    }
  }
  const client = id ? sim.clients.get(id) : undefined;
  if (!client || !secret || !safeEqual(secret, client.clientSecret)) throw oauthError("invalid_client");
  return client;
}

function userOf(sim: Sim, grant: Grant): DemoUser | undefined {
  return sim.users.find((u) => u.xeroUserId === grant.userId);
}

/** Issues an access token (+ refresh token and id_token when the scopes ask for them). */
function issue(sim: Sim, grant: Grant, withNonce: boolean): Record<string, unknown> {
  const now = sim.clock.now();
  const iat = Math.floor(now / 1000);
  const expMs = now + sim.config.accessTokenTtlMs;
  const user = userOf(sim, grant);
  const access = signJwt({
    nbf: iat,
    exp: Math.floor(expMs / 1000),
    iss: sim.issuer,
    aud: `${sim.issuer}/resources`,
    client_id: grant.clientId,
    ...(user ? { sub: user.sub, auth_time: Math.floor(grant.createdMs / 1000), xero_userid: user.xeroUserId, global_session_id: grant.sessionId, sid: grant.sessionId } : {}),
    jti: token(16),
    authentication_event_id: grant.id,
    scope: grant.scopes,
    amr: user ? ["pwd"] : undefined,
  });
  sim.accessTokens.set(access, { grantId: grant.id, expMs });
  const out: Record<string, unknown> = {};
  if (user && grant.scopes.includes("openid")) {
    // id_token times use the real clock, not the simulated one: clients (openid-client, next-auth)
    // check nbf / iat / exp against their own clock, and tests move the simulated clock forward.
    const realIat = Math.floor(Date.now() / 1000);
    out.id_token = signJwt({
      nbf: realIat,
      exp: realIat + 300,
      iss: sim.issuer,
      aud: grant.clientId,
      iat: realIat,
      at_hash: atHash(access),
      sid: grant.sessionId,
      sub: user.sub,
      auth_time: Math.floor(grant.createdMs / 1000),
      idp: "Xero",
      xero_userid: user.xeroUserId,
      global_session_id: grant.sessionId,
      preferred_username: user.email,
      email: user.email,
      given_name: user.givenName,
      family_name: user.familyName,
      ...(withNonce && grant.nonce !== undefined ? { nonce: grant.nonce } : {}),
      amr: ["pwd"],
    });
  }
  out.access_token = access;
  out.expires_in = Math.round(sim.config.accessTokenTtlMs / 1000);
  out.token_type = "Bearer";
  if (grant.kind === "authorization_code" && grant.scopes.includes("offline_access")) {
    const refresh = token(32);
    sim.refreshTokens.set(refresh, { grantId: grant.id, issuedMs: now });
    out.refresh_token = refresh;
  }
  out.scope = grant.scopes.join(" ");
  return out;
}

/** A held token request: see holdTokenRequest. */
export interface TokenRequestHold {
  /** Resolves when the held request has arrived (and is waiting). */
  arrived: Promise<void>;
  /** Lets it be answered (normally, as if Xero had been slow). */
  release(): void;
}

interface TokenHolds {
  /** Token requests seen so far. */
  seen: number;
  /** By request number (1 = the first token request this simulator receives). */
  byNumber: Map<number, { arrive: () => void; released: Promise<void> }>;
}

const tokenHolds = new WeakMap<Sim, TokenHolds>();

/**
 * For tests (in-process): a slow token endpoint, made deterministic. The `nth` token request from
 * now on (1 = the next one) waits until `release()` instead of for a time, so a test can act
 * while a refresh is known to be in flight at Xero, then let it finish.
 */
export function holdTokenRequest(sim: Sim, nth = 1): TokenRequestHold {
  let holds = tokenHolds.get(sim);
  if (!holds) tokenHolds.set(sim, (holds = { seen: 0, byNumber: new Map() }));
  let arrive!: () => void;
  let release!: () => void;
  const arrived = new Promise<void>((resolve) => (arrive = resolve));
  const released = new Promise<void>((resolve) => (release = resolve));
  holds.byNumber.set(holds.seen + nth, { arrive, released });
  return { arrived, release };
}

async function waitIfHeld(sim: Sim, ctx: Ctx): Promise<void> {
  const holds = tokenHolds.get(sim);
  if (!holds) return;
  const hold = holds.byNumber.get(++holds.seen);
  if (!hold) return;
  holds.byNumber.delete(holds.seen);
  ctx.log.fault = "delay";
  hold.arrive();
  await hold.released;
}

export async function tokenEndpoint(sim: Sim, ctx: Ctx): Promise<void> {
  await waitIfHeld(sim, ctx);
  const form = formBody(ctx);
  const grantType = form.get("grant_type");
  if (!grantType) throw oauthError("invalid_request", "grant_type is required");
  const client = authenticateClient(sim, ctx, form);
  const now = sim.clock.now();
  const noStore = { "cache-control": "no-store", pragma: "no-cache" };

  if (grantType === "authorization_code") {
    const code = form.get("code") ?? "";
    const rec = sim.codes.get(code);
    if (!rec || rec.used || rec.expMs <= now || rec.clientId !== client.clientId) throw oauthError("invalid_grant");
    if (form.get("redirect_uri") !== rec.redirectUri) throw oauthError("invalid_grant", "redirect_uri does not match the authorize request");
    if (rec.codeChallenge) {
      const verifier = form.get("code_verifier") ?? "";
      const expected = rec.codeChallengeMethod === "S256" ? createHash("sha256").update(verifier).digest("base64url") : verifier;
      if (!verifier || !safeEqual(expected, rec.codeChallenge)) throw oauthError("invalid_grant", "PKCE verification failed");
    }
    rec.used = true; // single use: a second exchange gets invalid_grant
    const grant = sim.grants.get(rec.grantId);
    if (!grant || grant.revoked) throw oauthError("invalid_grant");
    sendJson(ctx.res, 200, issue(sim, grant, true), noStore);
    return;
  }

  if (grantType === "refresh_token") {
    if (!client.grantTypes.includes("authorization_code") && !client.grantTypes.includes("refresh_token")) throw oauthError("unauthorized_client");
    const rt = form.get("refresh_token") ?? "";
    const rec = sim.refreshTokens.get(rt);
    const grant = rec ? sim.grants.get(rec.grantId) : undefined;
    if (!rec || !grant || grant.revoked || grant.clientId !== client.clientId) throw oauthError("invalid_grant");
    if (rec.rotatedMs !== undefined) {
      // Already used: Xero accepts the previous token for a grace period (30 min) and returns the new pair.
      if (now - rec.rotatedMs <= sim.config.refreshGraceMs && rec.successor) {
        sendJson(ctx.res, 200, rec.successor, noStore);
        return;
      }
      throw oauthError("invalid_grant");
    }
    if (now - rec.issuedMs > sim.config.refreshIdleMs) throw oauthError("invalid_grant"); // unused for 60 days
    const out = issue(sim, grant, false);
    rec.rotatedMs = now;
    rec.successor = out;
    sendJson(ctx.res, 200, out, noStore);
    return;
  }

  if (grantType === "client_credentials") {
    if (!client.grantTypes.includes("client_credentials")) throw oauthError("unauthorized_client");
    const tenantId = client.customConnectionTenant ? sim.findTenant(client.customConnectionTenant)?.id : sim.customConnectionTenant;
    if (!tenantId || !sim.tenants.has(tenantId)) throw oauthError("invalid_request", "this custom connection is not connected to an organisation");
    // xero-node sends `scopes` (not `scope`), comma-joined; both are accepted.
    let scopes = parseScopes(form.get("scope") ?? form.get("scopes"));
    if (scopes.length === 0) scopes = ["accounting.transactions", "accounting.contacts", "accounting.settings"];
    if (scopes.some((s) => !API_SCOPE.test(s))) throw oauthError("invalid_scope");
    const grant: Grant = { id: sim.newId(), clientId: client.clientId, userId: null, scopes, tenantIds: [tenantId], kind: "client_credentials", revoked: false, createdMs: now, sessionId: "" };
    sim.grants.set(grant.id, grant);
    sendJson(ctx.res, 200, issue(sim, grant, false), noStore);
    return;
  }

  throw oauthError("unsupported_grant_type");
}

/** Revoking a refresh token ends the whole grant: its access tokens stop working and its connections go. */
export function revokeGrant(sim: Sim, grant: Grant): void {
  grant.revoked = true;
  for (const [id, c] of sim.connections) if (c.authEventId === grant.id) sim.connections.delete(id);
  for (const [t, r] of sim.refreshTokens) if (r.grantId === grant.id) sim.refreshTokens.delete(t);
}

export function revocationEndpoint(sim: Sim, ctx: Ctx): void {
  const form = formBody(ctx);
  const client = authenticateClient(sim, ctx, form);
  const t = form.get("token");
  if (!t) throw oauthError("invalid_request", "token is required");
  const rec = sim.refreshTokens.get(t);
  const grant = rec ? sim.grants.get(rec.grantId) : undefined;
  if (grant && grant.clientId === client.clientId) revokeGrant(sim, grant);
  ctx.res.writeHead(200, { "content-length": 0 });
  ctx.res.end();
}

// ---------------------------------------------------------------- bearer tokens

export interface Authenticated {
  grant: Grant;
  token: string;
}

function unauthorized(detail: string, wwwAuthenticate: string): HttpError {
  return new HttpError(401, { Type: null, Title: "Unauthorized", Status: 401, Detail: detail, Instance: randomUUIDish(), Extensions: {} }, { "WWW-Authenticate": wwwAuthenticate });
}

function randomUUIDish(): string {
  const h = randomBytes(16).toString("hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20)}`;
}

/** Xero's 401 for an expired access token, e.g. from the `token-expired` fault. */
export function tokenExpiredError(expMs: number): HttpError {
  const at = xeroUsDate(expMs);
  return unauthorized(`TokenExpired: token expired at ${at}`, `Bearer error="invalid_token", error_description="The token expired at '${at}'"`);
}

export function authenticationUnsuccessful(): HttpError {
  return unauthorized("AuthenticationUnsuccessful", `Bearer error="invalid_token"`);
}

export function forbidden(): HttpError {
  return new HttpError(403, { Type: null, Title: "Forbidden", Status: 403, Detail: "AuthenticationUnsuccessful", Instance: randomUUIDish(), Extensions: {} });
}

/** Checks the bearer token of an API request: 401 when missing, unknown, revoked or expired. */
export function authenticate(sim: Sim, ctx: Ctx): Authenticated {
  const h = ctx.req.headers.authorization ?? "";
  const m = /^Bearer\s+(.+)$/i.exec(h);
  if (!m?.[1]) throw unauthorized("AuthenticationUnsuccessful", "Bearer");
  const t = m[1].trim();
  const rec = sim.accessTokens.get(t);
  const grant = rec ? sim.grants.get(rec.grantId) : undefined;
  if (!rec || !grant || grant.revoked) throw authenticationUnsuccessful();
  if (rec.expMs <= sim.clock.now()) throw tokenExpiredError(rec.expMs);
  return { grant, token: t };
}

export function expireToken(sim: Sim, t: string): void {
  const rec = sim.accessTokens.get(t);
  if (rec) rec.expMs = Math.min(rec.expMs, sim.clock.now());
}

/** Organisations this grant may read: its user's connections to this app (or the custom connection's one org). */
export function tenantsOf(sim: Sim, grant: Grant): string[] {
  if (grant.kind === "client_credentials") return grant.tenantIds.filter((id) => sim.tenants.has(id));
  const ids: string[] = [];
  for (const c of sim.connections.values()) if (c.clientId === grant.clientId && c.userId === grant.userId && sim.tenants.has(c.tenantId)) ids.push(c.tenantId);
  return ids;
}

// ---------------------------------------------------------------- userinfo, connections

export function userinfo(sim: Sim, ctx: Ctx): void {
  const { grant } = authenticate(sim, ctx);
  const user = userOf(sim, grant);
  if (!user || !grant.scopes.includes("openid")) throw authenticationUnsuccessful();
  sendJson(ctx.res, 200, { sub: user.sub, xero_userid: user.xeroUserId, preferred_username: user.email, email: user.email, given_name: user.givenName, family_name: user.familyName, name: `${user.givenName} ${user.familyName}` });
}

export function listConnections(sim: Sim, ctx: Ctx): void {
  const { grant } = authenticate(sim, ctx);
  const authEventId = ctx.query.get("authEventId");
  let rows;
  if (grant.kind === "client_credentials") {
    const t = sim.tenants.get(grant.tenantIds[0] ?? "");
    rows = t ? [{ id: grant.id, authEventId: grant.id, tenantId: t.id, tenantType: "ORGANISATION", tenantName: t.name, createdDateUtc: identityDate(grant.createdMs), updatedDateUtc: identityDate(grant.createdMs) }] : [];
  } else {
    rows = [...sim.connections.values()]
      .filter((c) => c.clientId === grant.clientId && c.userId === grant.userId && sim.tenants.has(c.tenantId))
      .filter((c) => !authEventId || c.authEventId.toLowerCase() === authEventId.toLowerCase())
      .sort((a, b) => a.createdMs - b.createdMs || (a.id < b.id ? -1 : 1))
      .map((c) => ({
        id: c.id,
        authEventId: c.authEventId,
        tenantId: c.tenantId,
        tenantType: "ORGANISATION",
        tenantName: sim.tenants.get(c.tenantId)?.name ?? "",
        createdDateUtc: identityDate(c.createdMs),
        updatedDateUtc: identityDate(c.updatedMs),
      }));
  }
  sendJson(ctx.res, 200, rows);
}

export function deleteConnection(sim: Sim, ctx: Ctx, id: string): void {
  const { grant } = authenticate(sim, ctx);
  const c = sim.connections.get(id);
  if (!c || c.clientId !== grant.clientId || c.userId !== grant.userId) {
    ctx.res.writeHead(404, { "content-length": 0 });
    ctx.res.end();
    return;
  }
  sim.connections.delete(id);
  ctx.res.writeHead(204);
  ctx.res.end();
}
