/** The simulator's HTTP server: routing, logging, faults, rate limits. */
import { randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { getContact, getEntity, getInvoice, getOrganisation, listContacts, listEntity, listInvoices, resolveTenant, type ListResult } from "./accounting";
import { applyMutation, control, guardControl } from "./control";
import type { TenantSpec } from "./data";
import { entityByEndpoint } from "./entities/registry";
import type { ActiveFault } from "./faults";
import { type Ctx, HttpError, type LogEntry, readBody, sendHtml, sendJson, sendText } from "./http";
import {
  authenticate,
  authenticationUnsuccessful,
  authorizeGet,
  authorizePost,
  deleteConnection,
  discovery,
  expireToken,
  jwks,
  listConnections,
  revocationEndpoint,
  revokeGrant,
  tokenEndpoint,
  tokenExpiredError,
  userinfo,
} from "./identity";
import type { LimitConfig } from "./limits";
import { Persister, restore } from "./persist";
import {
  DEFAULT_TENANTS,
  DEMO_CC_CLIENT_ID,
  DEMO_CC_CLIENT_SECRET,
  DEMO_CLIENT_ID,
  DEMO_CLIENT_SECRET,
  DEMO_REDIRECT_URIS,
  type RegisteredClient,
  Sim,
  type SimConfig,
} from "./state";

export interface SimulatorOptions {
  /** 0 (default for tests) picks a free port. */
  port?: number;
  host?: string;
  seed?: number;
  /** "demo" (CLI default) or "test" (default here). Both enable /__sim/ unless control is false. */
  mode?: "test" | "demo";
  /** false: /__sim/* answers 404 (a production-like simulator). */
  control?: boolean;
  /** The control endpoints' token (header X-Sim-Control-Token); default: a new random one per run. */
  controlToken?: string;
  /** Organisations at start; default: three demo organisations with a few hundred invoices each. */
  tenants?: TenantSpec[];
  /** Tenant (id, name or index) the demo Custom Connection reaches; default: the first. */
  customConnectionTenant?: string | number;
  /** More registered apps (the demo apps are always there). */
  clients?: (Partial<RegisteredClient> & { clientId: string; clientSecret: string })[];
  /** Extra redirect URIs for the demo client (e.g. the app's real callback URL). */
  demoRedirectUris?: string[];
  /** Rate limits (on by default); false counts but never rejects. */
  limits?: Partial<LimitConfig> | false;
  /** Skip the consent page for every authorize request: sign in as `user`, grant `tenants`. */
  autoConsent?: SimConfig["autoConsent"];
  /** Base URL the simulator announces (issuer, resource URLs); default http://host:port. */
  publicUrl?: string;
  /** ProviderName in API envelopes for clients without a name. */
  providerName?: string;
  /**
   * Keep the whole state in this JSON file (restored at start, saved a second after changes and
   * on close), so stored tokens survive a restart. Demo mode uses `<dataDir>/xero-simulator.json`.
   */
  stateFile?: string;
  /**
   * Demo liveliness: every `everyMs`, change 1–`maxCount` (default 3) random invoices or contacts
   * of a random organisation "now", as people using Xero would (webhooks fire). Off by default;
   * `POST /__sim/activity {everyMs}` turns it on or off (0) at run time.
   */
  activity?: { everyMs: number; maxCount?: number };
  /** Token lifetimes (defaults are Xero's). */
  accessTokenTtlMs?: number;
  refreshGraceMs?: number;
  refreshIdleMs?: number;
  /** The app's connection cap (distinct organisations connected to one app); default none. */
  connectionLimit?: number | null;
}

export interface RunningSimulator {
  url: string;
  port: number;
  sim: Sim;
  /** True when the state came from `stateFile`. */
  restored: boolean;
  /** This run's token for /__sim/*: send it as the X-Sim-Control-Token header. */
  controlToken: string;
  clientId: string;
  clientSecret: string;
  close(): Promise<void>;
}

const MIN = 60_000;

function isApiPath(path: string): "accounting" | "connections" | null {
  const p = path.toLowerCase();
  if (p.startsWith("/api.xro/2.0/")) return "accounting";
  if (p === "/connections" || p.startsWith("/connections/")) return "connections";
  return null;
}

function faultResponse(sim: Sim, ctx: Ctx, f: ActiveFault): boolean {
  const res = ctx.res;
  ctx.log.fault = f.kind;
  switch (f.kind) {
    case "drop":
      ctx.log.status = 0;
      ctx.req.socket.destroy();
      return true;
    case "truncated-200":
      // Complete at the HTTP level, but the JSON stops short (a proxy that lost the rest).
      sendText(res, 200, `{"Id":"${sim.newId()}","Status":"OK","ProviderName":"Xero Sync","DateTimeUTC":"/Date(${sim.clock.now()})/","Invoices":[{"InvoiceID":`, { "content-type": "application/json; charset=utf-8" });
      return true;
    case "500":
      sendJson(res, 500, { Type: null, Title: "An error occurred", Status: 500, Detail: "An error occurred in Xero. Check the API Status page http://status.developer.xero.com for current service status.", Instance: sim.newId(), Extensions: {} });
      return true;
    case "503":
      sendText(res, 503, "The Xero API is temporarily unavailable. Please try again later.", { "Retry-After": 5 });
      return true;
    case "429-minute":
    case "429-day":
    case "429-concurrent": {
      const problem = f.kind.slice(4);
      const retry = f.retryAfterS ?? (problem === "minute" ? 5 : problem === "day" ? 3600 : 1);
      const remaining = { "X-MinLimit-Remaining": problem === "minute" ? "0" : "10", "X-DayLimit-Remaining": problem === "day" ? "0" : "1000", "X-AppMinLimit-Remaining": "9000" };
      sendText(res, 429, "", { "Retry-After": String(retry), "X-Rate-Limit-Problem": problem, ...remaining });
      return true;
    }
    case "token-expired": {
      const bearer = /^Bearer\s+(.+)$/i.exec(ctx.req.headers.authorization ?? "")?.[1];
      if (bearer) expireToken(sim, bearer.trim());
      throw tokenExpiredError(sim.clock.now());
    }
    case "token-revoked": {
      const bearer = /^Bearer\s+(.+)$/i.exec(ctx.req.headers.authorization ?? "")?.[1]?.trim();
      const grant = bearer ? sim.grants.get(sim.accessTokens.get(bearer)?.grantId ?? "") : undefined;
      if (grant) revokeGrant(sim, grant);
      throw authenticationUnsuccessful();
    }
    default:
      return false;
  }
}

async function api(sim: Sim, ctx: Ctx, kind: "accounting" | "connections"): Promise<void> {
  ctx.log.kind = kind === "accounting" ? "api" : "identity";
  // Xero tags every API response with a correlation id (support asks for it); so do we.
  ctx.res.setHeader("Xero-Correlation-Id", sim.newId());
  const header = String(ctx.req.headers["xero-tenant-id"] ?? "").trim() || null;
  ctx.log.tenantId = header;
  const pageParam = [...ctx.query].find(([k]) => k.toLowerCase() === "page")?.[1];
  const page = Number(pageParam ?? 1) || 1;
  const fault = sim.faults.take({ path: ctx.path, tenantId: header, page });
  // delay and hold answer normally afterwards; hold waits for a release or the client hanging up.
  const slow = fault?.kind === "delay" || fault?.kind === "hold" ? fault : null;
  const wait = (f: ActiveFault) => {
    ctx.log.fault = f.kind;
    if (f.kind === "hold") return sim.faults.hold({ faultId: f.id, path: ctx.path, tenantId: header, page }, (gone) => ctx.res.on("close", gone));
    return new Promise((r) => setTimeout(r, f.delayMs ?? 1000));
  };
  if (fault && !slow && faultResponse(sim, ctx, fault)) return;
  if (fault?.kind === "bad-value") {
    ctx.log.fault = fault.kind;
    ctx.badValue = { field: fault.field ?? "", value: fault.value };
  }

  if (kind === "connections") {
    if (slow) {
      await wait(slow);
      if (ctx.res.destroyed) return;
    }
    const rest = ctx.path.split("/").filter(Boolean);
    if (rest.length === 1 && ctx.method === "GET") return listConnections(sim, ctx);
    if (rest.length === 2 && ctx.method === "DELETE") return deleteConnection(sim, ctx, rest[1] ?? "");
    throw new HttpError(405, { Title: "Method Not Allowed", Status: 405 });
  }

  const auth = authenticate(sim, ctx);
  const tenant = resolveTenant(sim, ctx, auth);
  const client = sim.clients.get(auth.grant.clientId);
  const now = sim.clock.now();
  const admission = sim.limiter.admit(auth.grant.clientId, tenant.id, now);
  if (!admission.ok) {
    sendText(ctx.res, 429, "", { ...admission.headers, "Retry-After": String(admission.retryAfterS), "X-Rate-Limit-Problem": admission.problem });
    return;
  }
  (ctx.res as unknown as { simRateHeaders?: Record<string, string> }).simRateHeaders = admission.headers;
  ctx.res.on("close", admission.release);
  ctx.res.on("finish", admission.release);
  const latency = sim.limiter.config.latencyMs;
  if (latency > 0) {
    await new Promise((r) => setTimeout(r, latency));
    if (ctx.res.destroyed) return;
  }
  if (slow) {
    // A slow Xero: the call holds its concurrency slot while it waits.
    await wait(slow);
    if (ctx.res.destroyed) return;
  }

  const parts = ctx.path.replace(/^\/api\.xro\/2\.0\//i, "").split("/").filter(Boolean);
  const resource = (parts[0] ?? "").toLowerCase();
  const id = parts[1] ? decodeURIComponent(parts[1]) : undefined;
  if (ctx.method !== "GET") throw new HttpError(405, { Title: "Method Not Allowed", Status: 405, Detail: "The simulator serves reads only" }, admission.headers);
  const name = client?.name ?? sim.config.providerName;
  let listed: ListResult | null = null;
  const fixture = entityByEndpoint(resource);
  if (fixture && parts.length <= 2) {
    if (id) getEntity(sim, ctx, auth, tenant, name, fixture, id);
    else listed = listEntity(sim, ctx, auth, tenant, name, fixture);
  } else if (resource === "invoices" && parts.length <= 2) {
    if (id) getInvoice(sim, ctx, auth, tenant, name, id);
    else listed = listInvoices(sim, ctx, auth, tenant, name);
  } else if (resource === "contacts" && parts.length <= 2) {
    if (id) getContact(sim, ctx, auth, tenant, name, id);
    else listed = listContacts(sim, ctx, auth, tenant, name);
  } else if ((resource === "organisation" || resource === "organisations") && parts.length === 1) {
    getOrganisation(sim, ctx, auth, tenant, name);
  } else {
    throw new HttpError(404, "The resource you're looking for cannot be found", admission.headers);
  }

  if (listed) {
    // Someone edits in Xero right after this page went out (mutate-between-pages faults).
    for (const f of sim.faults.takeAfterPage({ path: ctx.path, tenantId: tenant.id, page: listed.page })) {
      applyMutation(sim, f.tenantId ?? tenant.id, f.entity ?? fixture?.name ?? (resource === "contacts" ? "contacts" : "invoices"), f.count ?? 1, f.kinds);
    }
  }
}

function landing(sim: Sim): string {
  return `<!doctype html><meta charset="utf-8"><title>Xero simulator</title><style>body{font:15px/1.5 system-ui,sans-serif;max-width:720px;margin:40px auto;color:#1e3145}code{background:#eef3f7;padding:1px 5px;border-radius:4px}h1{color:#13b5ea}</style>
<h1>Xero simulator</h1><p>Identity and Accounting API on <code>${sim.url}</code>. Discovery: <a href="/.well-known/openid-configuration">/.well-known/openid-configuration</a>. Control endpoints under <code>/__sim/</code> take the token printed at start (header <code>X-Sim-Control-Token</code>). See lib/xero-simulator/README.md.</p>`;
}

async function route(sim: Sim, ctx: Ctx): Promise<void> {
  const p = ctx.path.replace(/\/+$/, "") || "/";
  const lower = p.toLowerCase();
  const m = ctx.method;
  if (lower.startsWith("/__sim/") || lower === "/__sim") {
    ctx.log.kind = "page";
    if (!sim.config.control) throw new HttpError(404, { error: "not_found" });
    guardControl(sim, ctx);
    if (!(await control(sim, ctx))) throw new HttpError(404, { error: "not_found" });
    return;
  }
  const apiKind = isApiPath(p);
  if (apiKind) return api(sim, ctx, apiKind);
  ctx.log.kind = "identity";
  if (m === "GET" && lower === "/.well-known/openid-configuration") return discovery(sim, ctx);
  if (m === "GET" && lower === "/.well-known/openid-configuration/jwks") return jwks(sim, ctx);
  if (lower === "/identity/connect/authorize" || lower === "/connect/authorize") {
    ctx.log.kind = "page";
    if (m === "GET") return authorizeGet(sim, ctx);
    if (m === "POST") return authorizePost(sim, ctx);
  }
  if (m === "POST" && lower === "/connect/token") return tokenEndpoint(sim, ctx);
  if (m === "POST" && lower === "/connect/revocation") return revocationEndpoint(sim, ctx);
  if ((m === "GET" || m === "POST") && lower === "/connect/userinfo") return userinfo(sim, ctx);
  if (m === "GET" && p === "/") {
    ctx.log.kind = "page";
    return sendHtml(ctx.res, 200, landing(sim));
  }
  throw new HttpError(404, { error: "not_found" });
}

async function handle(sim: Sim, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const started = Date.now();
  const url = new URL(req.url ?? "/", "http://sim.local");
  const method = (req.method ?? "GET").toUpperCase();
  const entry: LogEntry = {
    seq: 0,
    method,
    path: url.pathname,
    query: Object.fromEntries(url.searchParams),
    tenantId: null,
    status: 0,
    timestamp: new Date(sim.clock.now()).toISOString(),
    durationMs: 0,
    kind: "identity",
  };
  const ctx: Ctx = { req, res, method, path: url.pathname, query: url.searchParams, body: "", log: entry };
  // Counts the body bytes as they go out, so the log can say what each answer cost the client in
  // egress (faults that cut a body short are counted as cut).
  let bytes = 0;
  const write = res.write.bind(res) as (...a: unknown[]) => boolean;
  const end = res.end.bind(res) as (...a: unknown[]) => ServerResponse;
  const counted = (chunk: unknown) => {
    if (typeof chunk === "string") bytes += Buffer.byteLength(chunk);
    else if (chunk instanceof Uint8Array) bytes += chunk.length;
  };
  res.write = ((...a: unknown[]) => {
    counted(a[0]);
    return write(...a);
  }) as typeof res.write;
  res.end = ((...a: unknown[]) => {
    if (typeof a[0] !== "function") counted(a[0]);
    return end(...a);
  }) as typeof res.end;
  const done = () => {
    if (entry.seq) return;
    entry.bytes = bytes;
    if (entry.kind === "page" && entry.path.startsWith("/__sim")) return; // control calls are not Xero traffic
    entry.seq = ++sim.logSeq;
    entry.status = res.headersSent ? res.statusCode : entry.status;
    entry.durationMs = Date.now() - started;
    sim.log.push(entry);
    if (sim.log.length > 100_000) sim.log.splice(0, sim.log.length - 100_000);
  };
  res.on("finish", done);
  res.on("close", done);
  try {
    if (method !== "GET" && method !== "HEAD") ctx.body = await readBody(req);
    await route(sim, ctx);
  } catch (e) {
    if (e instanceof HttpError) {
      if (typeof e.body === "string") sendText(res, e.status, e.body, { ...(res as unknown as { simRateHeaders?: Record<string, string> }).simRateHeaders, ...e.headers });
      else sendJson(res, e.status, e.body, { ...(res as unknown as { simRateHeaders?: Record<string, string> }).simRateHeaders, ...e.headers });
    } else {
      console.error("[xero-sim] internal error", e);
      sendJson(res, 500, { Title: "Internal Server Error", Status: 500, Detail: e instanceof Error ? e.message : String(e) });
    }
  }
}

/**
 * Starts a simulator. Tests: `await startSimulator({ port: 0 })` and `close()` in afterAll.
 * Identity and API share one origin, so XERO_IDENTITY_URL = XERO_API_URL = `url`.
 */
export async function startSimulator(options: SimulatorOptions = {}): Promise<RunningSimulator> {
  const config: SimConfig = {
    mode: options.mode ?? "test",
    control: options.control ?? true,
    providerName: options.providerName ?? "Xero Sync (simulated)",
    ...(options.autoConsent ? { autoConsent: options.autoConsent } : {}),
    accessTokenTtlMs: options.accessTokenTtlMs ?? 30 * MIN,
    refreshGraceMs: options.refreshGraceMs ?? 30 * MIN,
    refreshIdleMs: options.refreshIdleMs ?? 60 * 24 * 60 * MIN,
    codeTtlMs: 5 * MIN,
    connectionLimit: options.connectionLimit ?? null,
    controlToken: options.controlToken ?? randomBytes(24).toString("base64url"),
  };
  const sim = new Sim(config, options.limits);
  sim.registerClient({ clientId: DEMO_CLIENT_ID, clientSecret: DEMO_CLIENT_SECRET, redirectUris: [...DEMO_REDIRECT_URIS, ...(options.demoRedirectUris ?? [])], grantTypes: ["authorization_code", "refresh_token"], name: "Xero Sync (demo)" });
  sim.registerClient({ clientId: DEMO_CC_CLIENT_ID, clientSecret: DEMO_CC_CLIENT_SECRET, redirectUris: [], grantTypes: ["client_credentials"], name: "Xero Sync (custom connection)" });
  for (const c of options.clients ?? []) sim.registerClient(c);
  const restored = options.stateFile ? restore(sim, options.stateFile) : false;
  if (!restored) sim.reset(options.seed ?? 42, options.tenants ?? DEFAULT_TENANTS, options.customConnectionTenant !== undefined ? { customConnectionTenant: options.customConnectionTenant } : {});
  const persister = options.stateFile ? new Persister(sim, options.stateFile) : null;
  if (persister && !restored) persister.flush();

  if (options.activity) sim.activity.start(options.activity.everyMs, options.activity.maxCount);

  const server = createServer((req, res) => {
    if (persister) res.on("finish", () => persister.markDirty());
    void handle(sim, req, res);
  });
  // Idle keep-alive sockets live 65 s (as load balancers commonly keep them), not Node's 5 s: in
  // tests the simulator shares its event loop with the code calling it, and when that loop is busy
  // for seconds (PGlite runs in-process) the next request goes out on a socket whose idle timer
  // has already expired but not yet run; the timer then closes it under the request (ECONNRESET).
  // Clients still drop idle sockets before us (undici: the advertised timeout less 1 s).
  server.keepAliveTimeout = 65_000;
  const sockets = new Set<import("node:net").Socket>();
  server.on("connection", (s) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  const host = options.host ?? "127.0.0.1";
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  sim.url = (options.publicUrl ?? `http://${host}:${port}`).replace(/\/+$/, "");
  return {
    url: sim.url,
    port,
    sim,
    restored,
    controlToken: config.controlToken,
    clientId: DEMO_CLIENT_ID,
    clientSecret: DEMO_CLIENT_SECRET,
    close: () =>
      new Promise<void>((resolve) => {
        sim.activity.stop();
        persister?.flush();
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
