/** Everything the simulator knows, in one object handed to the route modules. */
import { SimClock } from "./clock";
import { type Tenant, type TenantSpec, generateTenant } from "./data";
import { countsProblem, seedEntities } from "./entities/registry";
import { FaultQueue } from "./faults";
import type { LogEntry } from "./http";
import { type LimitConfig, RateLimiter } from "./limits";
import { hashString, mix, rng, uuid } from "./prng";
import { Webhooks } from "./webhooks";
import { Activity } from "./activity";

/** The demo app registered at start-up (authorization code + refresh token grants). */
export const DEMO_CLIENT_ID = "SIMDEMOCLIENT0000000000000000001";
export const DEMO_CLIENT_SECRET = "sim-demo-secret-do-not-use-in-production";
/** The demo Custom Connection (client_credentials) app, bound to the first tenant by default. */
export const DEMO_CC_CLIENT_ID = "SIMCUSTOMCONNECTION0000000000001";
export const DEMO_CC_CLIENT_SECRET = "sim-custom-connection-secret";
/** Redirect URIs the demo client accepts (exact match, as Xero checks them). */
export const DEMO_REDIRECT_URIS = [
  "http://localhost:3000/api/auth/callback/xero",
  "http://127.0.0.1:3000/api/auth/callback/xero",
  "http://localhost:3000/callback",
];

export const DEFAULT_TENANTS: TenantSpec[] = [
  { name: "Demo Company (UK)", invoices: 400, contacts: 80 },
  { name: "Northwind Trading (NZ)", invoices: 300, contacts: 60 },
  { name: "Acme Widgets (AU)", invoices: 250, contacts: 50 },
];

export interface RegisteredClient {
  clientId: string;
  clientSecret: string;
  redirectUris: string[];
  /** "authorization_code" (implies "refresh_token") and/or "client_credentials". */
  grantTypes: string[];
  /** For client_credentials: the one organisation this Custom Connection reaches. */
  customConnectionTenant?: string;
  /** Shown as ProviderName in API responses and on the consent page. */
  name: string;
}

export interface DemoUser {
  xeroUserId: string;
  sub: string;
  email: string;
  givenName: string;
  familyName: string;
}

export interface Grant {
  /** authentication_event_id: one consent (or one client_credentials token). */
  id: string;
  clientId: string;
  userId: string | null;
  scopes: string[];
  tenantIds: string[];
  kind: "authorization_code" | "client_credentials";
  revoked: boolean;
  createdMs: number;
  sessionId: string;
  nonce?: string;
}

export interface AccessRec {
  grantId: string;
  expMs: number;
}

export interface RefreshRec {
  grantId: string;
  issuedMs: number;
  /** Set when this token was used: the pair it produced, returned again within the grace period. */
  rotatedMs?: number;
  successor?: Record<string, unknown>;
}

export interface CodeRec {
  clientId: string;
  redirectUri: string;
  grantId: string;
  codeChallenge?: string;
  codeChallengeMethod?: string;
  expMs: number;
  used: boolean;
}

export interface Connection {
  id: string;
  clientId: string;
  userId: string;
  tenantId: string;
  authEventId: string;
  createdMs: number;
  updatedMs: number;
}

export interface SimConfig {
  mode: "test" | "demo";
  control: boolean;
  providerName: string;
  autoConsent?: { user?: string; tenants?: string[] | "all" };
  accessTokenTtlMs: number;
  refreshGraceMs: number;
  refreshIdleMs: number;
  codeTtlMs: number;
  /**
   * Organisations one app may have connected at once (Xero's plan cap), counted as distinct
   * organisations connected to the app by any of its users; null: no cap.
   */
  connectionLimit: number | null;
  /** This run's secret for the control endpoints (never persisted: a restart makes a new one). */
  controlToken: string;
}

export class Sim {
  readonly clock = new SimClock();
  url = "";
  seed = 42;
  readonly clients = new Map<string, RegisteredClient>();
  readonly users: DemoUser[];
  readonly tenants = new Map<string, Tenant>();
  readonly codes = new Map<string, CodeRec>();
  readonly grants = new Map<string, Grant>();
  readonly accessTokens = new Map<string, AccessRec>();
  readonly refreshTokens = new Map<string, RefreshRec>();
  readonly connections = new Map<string, Connection>();
  readonly log: LogEntry[] = [];
  logSeq = 0;
  readonly limiter: RateLimiter;
  readonly faults = new FaultQueue();
  readonly webhooks: Webhooks;
  readonly activity = new Activity(this);
  customConnectionTenant: string | null = null;
  private idRng = rng(hashString("sim-ids"));

  constructor(
    readonly config: SimConfig,
    limits: Partial<LimitConfig> | false | undefined,
  ) {
    this.limiter = new RateLimiter(limits);
    this.webhooks = new Webhooks(this);
    const r = rng(7);
    const people: [string, string][] = [["Dana", "Demo"], ["Sam", "Bookkeeper"], ["Alex", "Adviser"]];
    this.users = people.map(([g, f]) => ({
      xeroUserId: uuid(r),
      sub: uuid(r).replace(/-/g, ""),
      email: `${g.toLowerCase()}.${f.toLowerCase()}@example.com`,
      givenName: g,
      familyName: f,
    }));
  }

  /** A fresh random-looking id (not data-seeded: grants, tokens, envelopes). */
  newId(): string {
    return uuid(this.idRng);
  }

  get issuer(): string {
    return this.url;
  }

  /** Organisations connected to the app (by any of its users): what its connection cap counts. */
  connectedTenantIds(clientId: string): Set<string> {
    const ids = new Set<string>();
    for (const c of this.connections.values()) if (c.clientId === clientId && this.tenants.has(c.tenantId)) ids.add(c.tenantId);
    return ids;
  }

  tenantList(): Tenant[] {
    return [...this.tenants.values()];
  }

  /** Finds a tenant by id, exact name or 0-based index. */
  findTenant(ref: string | number | undefined | null): Tenant | undefined {
    if (ref === undefined || ref === null || ref === "") return undefined;
    const s = String(ref);
    const byId = this.tenants.get(s);
    if (byId) return byId;
    const list = this.tenantList();
    const byName = list.find((t) => t.name === s || t.name.toLowerCase() === s.toLowerCase());
    if (byName) return byName;
    if (/^\d+$/.test(s)) return list[Number(s)];
    return undefined;
  }

  findUser(ref: string | undefined | null): DemoUser | undefined {
    if (!ref) return undefined;
    const s = ref.toLowerCase();
    return this.users.find((u) => u.xeroUserId === ref || u.email === s || u.sub === ref || u.givenName.toLowerCase() === s) ?? (/^\d+$/.test(ref) ? this.users[Number(ref)] : undefined);
  }

  /** Regenerates the organisations. Auth state survives only with keepAuth (connections to vanished tenants go). */
  reset(seed: number, specs: TenantSpec[], opts: { customConnectionTenant?: string | number; keepAuth?: boolean } = {}): Tenant[] {
    this.seed = seed;
    this.idRng = rng(mix(seed, 0x1d5));
    // Refuse a bad spec before anything is thrown away.
    for (const spec of specs) {
      const problem = countsProblem(spec);
      if (problem) throw new Error(`${spec.name}: ${problem}`);
    }
    const anchor = this.clock.now();
    this.tenants.clear();
    specs.forEach((spec, i) => {
      const t = generateTenant(seed, spec, i, anchor);
      seedEntities(t, spec, anchor);
      if (this.tenants.has(t.id)) throw new Error(`duplicate tenantId ${t.id}`);
      this.tenants.set(t.id, t);
    });
    if (!opts.keepAuth) {
      this.codes.clear();
      this.grants.clear();
      this.accessTokens.clear();
      this.refreshTokens.clear();
      this.connections.clear();
    } else {
      for (const [id, c] of this.connections) if (!this.tenants.has(c.tenantId)) this.connections.delete(id);
    }
    this.faults.clear();
    this.limiter.resetCounters();
    const cc = opts.customConnectionTenant !== undefined ? this.findTenant(opts.customConnectionTenant) : this.tenantList()[0];
    this.customConnectionTenant = cc?.id ?? null;
    return this.tenantList();
  }

  registerClient(c: Partial<RegisteredClient> & { clientId: string; clientSecret: string }): RegisteredClient {
    const client: RegisteredClient = {
      clientId: c.clientId,
      clientSecret: c.clientSecret,
      redirectUris: c.redirectUris ?? [],
      grantTypes: c.grantTypes ?? ["authorization_code", "refresh_token"],
      customConnectionTenant: c.customConnectionTenant,
      name: c.name ?? this.config.providerName,
    };
    this.clients.set(client.clientId, client);
    return client;
  }
}
