import { callRoute } from "@/tests/helpers/route"; // first: sets up Next's runtime for the route modules below
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { createTestDatabase, type TestDatabase } from "@/tests/helpers/db";
import { seedContacts, seedInvoices, seedSyncHistory, seedTenant, seedUser } from "@/tests/helpers/seed-mirror";
import { checkBearer, createApiToken, hashToken, listApiTokens, revokeApiToken } from "@/lib/api-tokens";
import { apiTokens } from "@/lib/db/schema";
import { resetEnvCache } from "@/lib/env";
import { GET as listApi } from "@/app/api/v1/[entity]/route";
import { GET as recordApi } from "@/app/api/v1/[entity]/[tenantId]/[id]/route";
import { GET as tenantsApi } from "@/app/api/v1/tenants/route";
import { GET as tenantApi } from "@/app/api/v1/tenants/[tenantId]/route";
import { GET as recordByIdApi } from "@/app/api/v1/[entity]/[tenantId]/route";
import { GET as sessionsApi } from "@/app/api/v1/sessions/route";
import { GET as sessionApi } from "@/app/api/v1/sessions/[id]/route";
import { API_ROUTES } from "@/lib/api/routes";
import { entitySlug } from "@/lib/entities/registry";
import { xeroSessions } from "@/lib/db/schema";
import { GET as syncStatusApi, POST as syncApi } from "@/app/api/v1/tenants/[tenantId]/sync/route";

/**
 * API tokens as a product: stored hashed; limited to one organisation or not, read-only or
 * read-write, expiring; revoked or expired → 401 from the very next request; a rate limit per
 * token counted in the database, with its headers on every answer.
 */
let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(async () => {
  await t?.close();
});

type Handler = (request: Request, context?: { params: Promise<Record<string, string>> }) => Promise<Response>;

function call(handler: Handler, method: string, path: string, token: string | null, params?: Record<string, string>): Promise<Response> {
  const headers: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
  return callRoute(handler, new Request(`http://localhost${path}`, { method, headers }), t, params);
}

describe("API tokens", () => {
  it("create → use → revoke; only the hash is stored", async () => {
    const u = await seedUser(t.db, { email: "api@example.test", name: "Api" });
    const other = await seedUser(t.db, { email: "other-api@example.test" });
    const { token, row } = await createApiToken(t.db, u.id, { name: "  Reporting  " });
    expect(token).toMatch(/^xs_[A-Za-z0-9_-]{43}$/);
    expect(row).toMatchObject({ name: "Reporting", tenantId: null, readOnly: true });
    const stored = await t.db.select().from(apiTokens);
    expect(stored.map((s) => s.tokenHash)).toEqual([hashToken(token)]);
    expect(JSON.stringify(stored)).not.toContain(token);

    const ok = await checkBearer(t.db, `Bearer ${token}`, { limit: 10 });
    expect(ok).toMatchObject({ kind: "ok", caller: { id: u.id, name: "Api", email: "api@example.test", tenantIds: null, readOnly: true } });
    expect((await listApiTokens(t.db, u.id))[0]?.lastUsedAt).toBeInstanceOf(Date);
    for (const bad of [null, "", token, `Basic ${token}`, `Bearer ${token}x`, `Bearer xs_${"A".repeat(43)}`, "Bearer ' or 1=1 --"]) {
      expect(await checkBearer(t.db, bad, { limit: 10 })).toEqual({ kind: "invalid" });
    }
    expect(await revokeApiToken(t.db, other.id, row.id)).toBe(false); // not theirs
    expect(await revokeApiToken(t.db, u.id, row.id)).toBe(true);
    expect(await revokeApiToken(t.db, u.id, row.id)).toBe(false);
    expect(await checkBearer(t.db, `Bearer ${token}`, { limit: 10 })).toEqual({ kind: "revoked" });
  });

  it("options: one organisation of the user's only, access, expiry; last use written at most once a minute", async () => {
    const u = await seedUser(t.db);
    const stranger = await seedUser(t.db);
    const mine = await seedTenant(t.db, u.id, { name: "Options Mine Ltd" });
    const theirs = await seedTenant(t.db, stranger.id, { name: "Options Theirs Ltd" });
    const now = new Date("2026-03-01T10:00:00Z");
    const { token, row } = await createApiToken(t.db, u.id, { name: "limited", tenantId: mine.id, access: "read_write", expiresInDays: "30" }, now);
    expect(row).toMatchObject({ tenantId: mine.id, tenantName: "Options Mine Ltd", readOnly: false, expiresAt: new Date("2026-03-31T10:00:00Z") });
    await expect(createApiToken(t.db, u.id, { name: "x", tenantId: theirs.id })).rejects.toMatchObject({ type: "not_found" });
    expect((await createApiToken(t.db, u.id, { name: "forever", tenantId: "", expiresInDays: "never" })).row).toMatchObject({ tenantId: null, expiresAt: null });
    await expect(createApiToken(t.db, u.id, { name: "x", expiresInDays: "7" as "30" })).rejects.toThrow();

    expect(await checkBearer(t.db, `Bearer ${token}`, { limit: 10, now })).toMatchObject({ kind: "ok", caller: { tenantIds: [mine.id], readOnly: false } });
    const lastUsed = async () => (await listApiTokens(t.db, u.id)).find((x) => x.id === row.id)?.lastUsedAt;
    expect(await lastUsed()).toEqual(now);
    await checkBearer(t.db, `Bearer ${token}`, { limit: 10, now: new Date(now.getTime() + 30_000) });
    expect(await lastUsed()).toEqual(now);
    await checkBearer(t.db, `Bearer ${token}`, { limit: 10, now: new Date(now.getTime() + 61_000) });
    expect(await lastUsed()).toEqual(new Date(now.getTime() + 61_000));
    // Expired: from its expiry on, and counted no more.
    expect(await checkBearer(t.db, `Bearer ${token}`, { limit: 10, now: new Date("2026-03-31T10:00:00Z") })).toEqual({ kind: "expired", expiresAt: new Date("2026-03-31T10:00:00Z") });
  });
});

// ───────────────────────── every route of app/api/v1, every caller ─────────────────────────

interface World {
  /** Organisation → one invoice id and one contact id of it. */
  orgs: Record<"a1" | "a2" | "b1", { id: string; name: string; invoiceId: string; contactId: string; sessionId: string }>;
  tokens: Record<"aAll" | "aOneRead" | "aOneWrite" | "bAll", string>;
}

type OrgKey = keyof World["orgs"];

/** Which organisations each token may see, and whether it may start syncs. */
const CALLERS: Record<keyof World["tokens"], { sees: OrgKey[]; writes: boolean }> = {
  aAll: { sees: ["a1", "a2"], writes: true },
  aOneRead: { sees: ["a1"], writes: false },
  aOneWrite: { sees: ["a1"], writes: true },
  bAll: { sees: ["b1"], writes: false },
};

interface Target {
  tenantId: string;
  invoiceId: string;
  contactId: string;
  sessionId: string;
}

/**
 * Every route of app/api/v1, one line each (add a line with each new route). `one` routes answer
 * about one organisation (404 outside the caller's scope); `list` routes answer many, and
 * `tenantsOf` reads which organisations an answer names. `filtered` lists take the target as `org`.
 */
type RouteCase = {
  name: string;
  /** The route of lib/api/routes.ts it exercises, entity routes as /api/v1/{entity}/… */
  covers: string;
  method: "GET" | "POST";
  handler: Handler;
  path: (x: Target) => string;
  params: (x: Target) => Record<string, string>;
  /** Starts something: read-only tokens are refused (403, whatever the target). */
  writes?: boolean;
} & ({ kind: "one" } | { kind: "list"; filtered: boolean; tenantsOf: (body: unknown) => string[] });

const dataTenants = (body: unknown) => (body as { data: { tenantId: string }[] }).data.map((r) => r.tenantId);
const sessionTenants = (body: unknown) => (body as { data: { tenantId: string | null }[] }).data.flatMap((r) => (r.tenantId ? [r.tenantId] : []));

const ROUTES: RouteCase[] = [
  { name: "GET /tenants", covers: "GET /api/v1/tenants", method: "GET", handler: tenantsApi, kind: "list", filtered: false, path: () => "/api/v1/tenants", params: () => ({}), tenantsOf: (b) => (b as { data: { id: string }[] }).data.map((o) => o.id) },
  { name: "GET /tenants/{id}", covers: "GET /api/v1/tenants/{id}", method: "GET", handler: tenantApi, kind: "one", path: (x) => `/api/v1/tenants/${x.tenantId}`, params: (x) => ({ tenantId: x.tenantId }) },
  { name: "GET /invoices", covers: "GET /api/v1/{entity}", method: "GET", handler: listApi, kind: "list", filtered: false, path: () => "/api/v1/invoices", params: () => ({ entity: "invoices" }), tenantsOf: dataTenants },
  { name: "GET /invoices?org", covers: "GET /api/v1/{entity}", method: "GET", handler: listApi, kind: "list", filtered: true, path: (x) => `/api/v1/invoices?org=${x.tenantId}`, params: () => ({ entity: "invoices" }), tenantsOf: dataTenants },
  { name: "GET /invoices?changed_since", covers: "GET /api/v1/{entity}", method: "GET", handler: listApi, kind: "list", filtered: false, path: () => "/api/v1/invoices?changed_since=0", params: () => ({ entity: "invoices" }), tenantsOf: dataTenants },
  { name: "GET /contacts?changed_since&org", covers: "GET /api/v1/{entity}", method: "GET", handler: listApi, kind: "list", filtered: true, path: (x) => `/api/v1/contacts?changed_since=0&org=${x.tenantId}`, params: () => ({ entity: "contacts" }), tenantsOf: dataTenants },
  { name: "GET /contacts?org", covers: "GET /api/v1/{entity}", method: "GET", handler: listApi, kind: "list", filtered: true, path: (x) => `/api/v1/contacts?org=${x.tenantId}`, params: () => ({ entity: "contacts" }), tenantsOf: dataTenants },
  {
    name: "GET /invoices/{tenant}/{id}",
    covers: "GET /api/v1/{entity}/{tenantId}/{id}",
    method: "GET",
    handler: recordApi,
    kind: "one",
    path: (x) => `/api/v1/invoices/${x.tenantId}/${x.invoiceId}`,
    params: (x) => ({ entity: "invoices", tenantId: x.tenantId, id: x.invoiceId }),
  },
  {
    name: "GET /contacts/{tenant}/{id}",
    covers: "GET /api/v1/{entity}/{tenantId}/{id}",
    method: "GET",
    handler: recordApi,
    kind: "one",
    path: (x) => `/api/v1/contacts/${x.tenantId}/${x.contactId}`,
    params: (x) => ({ entity: "contacts", tenantId: x.tenantId, id: x.contactId }),
  },
  // The folder is [entity]/[tenantId]: Next allows one segment name per level, so the id arrives as tenantId.
  { name: "GET /invoices/{id}", covers: "GET /api/v1/{entity}/{id}", method: "GET", handler: recordByIdApi, kind: "one", path: (x) => `/api/v1/invoices/${x.invoiceId}`, params: (x) => ({ entity: "invoices", tenantId: x.invoiceId }) },
  { name: "GET /contacts/{id}", covers: "GET /api/v1/{entity}/{id}", method: "GET", handler: recordByIdApi, kind: "one", path: (x) => `/api/v1/contacts/${x.contactId}`, params: (x) => ({ entity: "contacts", tenantId: x.contactId }) },
  { name: "GET /sessions", covers: "GET /api/v1/sessions", method: "GET", handler: sessionsApi, kind: "list", filtered: false, path: () => "/api/v1/sessions?limit=200", params: () => ({}), tenantsOf: sessionTenants },
  { name: "GET /sessions?org", covers: "GET /api/v1/sessions", method: "GET", handler: sessionsApi, kind: "list", filtered: true, path: (x) => `/api/v1/sessions?org=${x.tenantId}`, params: () => ({}), tenantsOf: sessionTenants },
  { name: "GET /sessions/{id}", covers: "GET /api/v1/sessions/{id}", method: "GET", handler: sessionApi, kind: "one", path: (x) => `/api/v1/sessions/${x.sessionId}`, params: (x) => ({ id: x.sessionId }) },
  { name: "GET /tenants/{id}/sync", covers: "GET /api/v1/tenants/{id}/sync", method: "GET", handler: syncStatusApi, kind: "one", path: (x) => `/api/v1/tenants/${x.tenantId}/sync`, params: (x) => ({ tenantId: x.tenantId }) },
  { name: "POST /tenants/{id}/sync", covers: "POST /api/v1/tenants/{id}/sync", method: "POST", handler: syncApi, kind: "one", writes: true, path: (x) => `/api/v1/tenants/${x.tenantId}/sync`, params: (x) => ({ tenantId: x.tenantId }) },
];

async function seedWorld(): Promise<World> {
  const a = await seedUser(t.db, { email: "scope-a@example.test" });
  const b = await seedUser(t.db, { email: "scope-b@example.test" });
  // needs_reconnect: a sync request that passes the scope check is answered 409 without starting a sync.
  const org = async (userId: string, name: string, ns: number) => {
    const tenant = await seedTenant(t.db, userId, { name, status: "needs_reconnect" });
    const contacts = await seedContacts(t.db, tenant.id, 5, { ns });
    await seedInvoices(t.db, tenant.id, 8, contacts, { ns: ns + 1 });
    await seedSyncHistory(t.db, userId, tenant.id, { runs: 2 });
    const [session] = await t.db.select({ id: xeroSessions.id }).from(xeroSessions).where(eq(xeroSessions.tenantId, tenant.id)).limit(1);
    return { id: tenant.id, name, contactId: contacts[0]!.contactId, sessionId: session!.id };
  };
  const a1 = await org(a.id, "Scope Alpha One Ltd", 0x51);
  const a2 = await org(a.id, "Scope Alpha Two Ltd", 0x53);
  const b1 = await org(b.id, "Scope Beta One Ltd", 0x55);
  const aAll = (await createApiToken(t.db, a.id, { name: "all", access: "read_write" })).token;
  const tokens = {
    aAll,
    aOneRead: (await createApiToken(t.db, a.id, { name: "one read", tenantId: a1.id })).token,
    aOneWrite: (await createApiToken(t.db, a.id, { name: "one write", tenantId: a1.id, access: "read_write" })).token,
    bAll: (await createApiToken(t.db, b.id, { name: "b" })).token,
  };
  const invoiceOf = async (tenantId: string, token: string) => {
    const body = (await (await call(listApi, "GET", `/api/v1/invoices?org=${tenantId}&limit=1`, token, { entity: "invoices" })).json()) as { data: { invoiceId: string }[] };
    return body.data[0]!.invoiceId;
  };
  return {
    orgs: {
      a1: { ...a1, invoiceId: await invoiceOf(a1.id, aAll) },
      a2: { ...a2, invoiceId: await invoiceOf(a2.id, aAll) },
      b1: { ...b1, invoiceId: await invoiceOf(b1.id, tokens.bAll) },
    },
    tokens,
  };
}

describe("scopes on every route of /api/v1", () => {
  it("the table above exercises every route that takes a caller", () => {
    const documented = API_ROUTES.filter((r) => r.auth !== "none").map((r) => `${r.method} ${r.entity ? r.path.replace(`/api/v1/${entitySlug(r.entity)}`, "/api/v1/{entity}") : r.path}`);
    const covered = new Set(ROUTES.map((r) => r.covers));
    expect([...new Set(documented)].filter((d) => !covered.has(d))).toEqual([]);
  });

  it("two users' tokens and organisation-limited ones: no crossing; outside the scope is 404; read-only tokens start nothing", async () => {
    const world = await seedWorld();
    const orgKeys = Object.keys(world.orgs) as OrgKey[];
    const problems: string[] = [];
    for (const route of ROUTES) {
      for (const [callerName, caller] of Object.entries(CALLERS) as [keyof World["tokens"], (typeof CALLERS)[keyof World["tokens"]]][]) {
        const token = world.tokens[callerName];
        const unseen = orgKeys.filter((k) => !caller.sees.includes(k));
        // A list that is not filtered answers the same for every target: one call is enough.
        const targets = route.kind === "list" && !route.filtered ? [orgKeys[0]!] : orgKeys;
        for (const target of targets) {
          const x = { tenantId: world.orgs[target].id, invoiceId: world.orgs[target].invoiceId, contactId: world.orgs[target].contactId, sessionId: world.orgs[target].sessionId };
          const res = await call(route.handler, route.method, route.path(x), token, route.params(x));
          const text = await res.text();
          const where = `${route.name} as ${callerName} on ${target}`;
          const visible = caller.sees.includes(target);
          let expected: number;
          if (route.kind === "list") expected = 200;
          else if (route.writes && !caller.writes) expected = 403;
          else if (!visible) expected = 404;
          else expected = route.writes ? 409 : 200; // 409: the organisation needs a reconnect (no sync started)
          if (res.status !== expected) problems.push(`${where}: ${res.status}, expected ${expected}`);
          if (res.headers.get("ratelimit-limit") === null) problems.push(`${where}: no RateLimit-Limit`);
          // Nothing of an organisation outside the scope, not even its name, in any answer.
          for (const k of unseen) {
            if (text.includes(world.orgs[k].id) || text.includes(world.orgs[k].name)) problems.push(`${where}: the answer names ${k}`);
          }
          if (route.kind === "list" && res.status === 200) {
            const named = new Set(route.tenantsOf(JSON.parse(text)));
            const want = new Set(caller.sees.filter((k) => !route.filtered || k === target).map((k) => world.orgs[k].id));
            if ([...named].some((id) => !want.has(id)) || [...want].some((id) => !named.has(id))) {
              problems.push(`${where}: lists ${[...named].join(",") || "nothing"}, expected ${[...want].join(",") || "nothing"}`);
            }
          }
          if (res.status >= 400) {
            const body = JSON.parse(text) as { error?: { code?: string; message?: string } };
            if (!body.error?.code || !body.error.message) problems.push(`${where}: error without { code, message }`);
          }
          if (expected === 403 && !/read-only/.test(text)) problems.push(`${where}: the refusal does not say the token is read-only`);
        }
      }
    }
    expect(problems).toEqual([]);
  });
});

// ───────────────────────── revocation, expiry, rate limit ─────────────────────────

describe("revoked, expired, rate-limited", () => {
  afterEach(() => {
    delete process.env.API_TOKEN_RATE_LIMIT;
    resetEnvCache();
  });

  it("a revoked or expired token is a 401 from the very next request, with WWW-Authenticate", async () => {
    const u = await seedUser(t.db);
    await seedTenant(t.db, u.id, { name: "Revoke Ltd" });
    const revoked = await createApiToken(t.db, u.id, { name: "to revoke" });
    const expiring = await createApiToken(t.db, u.id, { name: "to expire" });
    for (const { token } of [revoked, expiring]) expect((await call(tenantsApi, "GET", "/api/v1/tenants", token)).status).toBe(200);

    await revokeApiToken(t.db, u.id, revoked.row.id);
    await t.db.update(apiTokens).set({ expiresAt: new Date(Date.now() - 1000) }).where(eq(apiTokens.id, expiring.row.id));
    for (const [{ token }, message] of [
      [revoked, "The API token was revoked."],
      [expiring, `The API token expired on ${new Date(Date.now() - 1000).toISOString().slice(0, 10)}.`],
    ] as const) {
      const res = await call(tenantsApi, "GET", "/api/v1/tenants", token);
      expect(res.status).toBe(401);
      expect(await res.json()).toEqual({ error: { code: "unauthorized", message } });
      expect(res.headers.get("www-authenticate")).toMatch(/^Bearer realm="xero-sync", error="invalid_token"/);
    }
    const unknown = await call(tenantsApi, "GET", "/api/v1/tenants", `xs_${"B".repeat(43)}`);
    expect(unknown.status).toBe(401);
    expect(unknown.headers.get("www-authenticate")).toContain('error="invalid_token"');
    expect((await call(tenantsApi, "GET", "/api/v1/tenants", null)).headers.get("www-authenticate")).toBe('Bearer realm="xero-sync"');
  });

  it("N requests in a window pass with RateLimit-* headers; the N+1st is a 429 with Retry-After; the next window starts afresh", async () => {
    process.env.API_TOKEN_RATE_LIMIT = "5";
    resetEnvCache();
    const u = await seedUser(t.db);
    const tenant = await seedTenant(t.db, u.id, { name: "Rate Ltd" });
    const { token } = await createApiToken(t.db, u.id, { name: "rate" });
    for (let i = 1; i <= 5; i++) {
      // A 404 counts and carries the headers as well.
      const res = i === 3 ? await call(syncStatusApi, "GET", `/api/v1/tenants/${crypto.randomUUID()}/sync`, token, { tenantId: crypto.randomUUID() }) : await call(tenantsApi, "GET", "/api/v1/tenants", token);
      expect(res.status).toBe(i === 3 ? 404 : 200);
      expect(res.headers.get("ratelimit-limit")).toBe("5");
      expect(res.headers.get("ratelimit-remaining")).toBe(String(5 - i));
      expect(Number(res.headers.get("ratelimit-reset"))).toBeGreaterThanOrEqual(1);
      expect(Number(res.headers.get("ratelimit-reset"))).toBeLessThanOrEqual(60);
    }
    const limited = await call(listApi, "GET", `/api/v1/invoices?org=${tenant.id}`, token, { entity: "invoices" });
    expect(limited.status).toBe(429);
    const body = (await limited.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe("rate_limited");
    expect(body.error.message).toMatch(/^This token made more than 5 requests this minute; try again in \d+ s\.$/);
    expect(limited.headers.get("ratelimit-remaining")).toBe("0");
    expect(limited.headers.get("retry-after")).toBe(limited.headers.get("ratelimit-reset"));
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);

    // The window is the token's: another token of the same user is not limited.
    const { token: other } = await createApiToken(t.db, u.id, { name: "rate 2" });
    expect((await call(tenantsApi, "GET", "/api/v1/tenants", other)).status).toBe(200);

    // After the window: counted afresh (the clock moved by the test, not waited for).
    const later = new Date(Date.now() + 61_000);
    expect(await checkBearer(t.db, `Bearer ${token}`, { limit: 5, now: later })).toMatchObject({ kind: "ok", rate: { remaining: 4, exceeded: false, resetSeconds: 60 } });
  });
});
