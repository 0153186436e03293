/**
 * The unmodified xero-node 20 SDK, through lib/xero/client.ts, against a started simulator:
 * consent with PKCE, callback with id_token validation, connections, paged and incremental reads,
 * refresh rotation and its grace period, refresh-token death, client credentials, revocation,
 * disconnect, and the error shapes of 401 / 403 / 429.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_CC_CLIENT_ID, DEMO_CC_CLIENT_SECRET, type RunningSimulator } from "@/lib/xero-simulator";
import { createApiClient, createXeroClient } from "@/lib/xero/client";
import { toXeroApiError, XeroApiError } from "@/lib/xero/errors";
import {
  clientCredentialsGrant,
  deleteXeroConnection,
  listXeroConnections,
  parseXeroUtc,
  refreshTokenGrant,
  revokeRefreshToken,
  XeroOAuthError,
  type XeroConfig,
} from "@/lib/xero/identity";
import { createAuthorizationRequest } from "@/tests/helpers/consent";
import { ALL_SCOPES, DAY, MIN, REDIRECT_URI, type TenantInfo, apiGet, configFor, connect, ctl, start } from "./helpers";

let sim: RunningSimulator;
let config: XeroConfig;
let tenants: TenantInfo[];

beforeAll(async () => {
  sim = await start({ limits: false });
  config = configFor(sim);
  tenants = await ctl<TenantInfo[]>(sim, "GET", "/__sim/tenants");
});
afterAll(() => sim.close());

async function rejection(p: Promise<unknown>): Promise<XeroApiError> {
  try {
    await p;
  } catch (e) {
    // The identity calls reject with XeroOAuthError, which keeps Xero's answer as its cause.
    return toXeroApiError(e instanceof XeroOAuthError ? e.cause : e);
  }
  throw new Error("expected a rejection");
}

describe("consent and callback", () => {
  it("builds a consent URL with PKCE S256, state and nonce on the discovered authorize endpoint", async () => {
    const req = await createAuthorizationRequest(config);
    const u = new URL(req.url);
    expect(`${u.origin}${u.pathname}`).toBe(`${sim.url}/identity/connect/authorize`);
    expect(u.searchParams.get("code_challenge_method")).toBe("S256");
    expect(u.searchParams.get("code_challenge")).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(u.searchParams.get("state")).toBe(req.state);
    expect(u.searchParams.get("nonce")).toBe(req.nonce);
    expect(u.searchParams.get("redirect_uri")).toBe(REDIRECT_URI);
    expect(u.searchParams.get("scope")).toBe(ALL_SCOPES.join(" "));
  });

  it("auto-consents, validates the id_token (iss, aud, nonce, signature) and returns Xero's claims", async () => {
    const ts = await connect(sim, config, { user: "sam.bookkeeper@example.com" });
    const claims = ts.claims();
    expect(claims.iss).toBe(sim.url);
    expect(claims.aud).toBe(config.clientId);
    expect(claims.email).toBe("sam.bookkeeper@example.com");
    expect(claims.given_name).toBe("Sam");
    expect(claims.family_name).toBe("Bookkeeper");
    expect(claims.xero_userid).toMatch(/^[0-9a-f-]{36}$/);
    expect(typeof claims.global_session_id).toBe("string");
    expect(claims.preferred_username).toBe("sam.bookkeeper@example.com");
    expect(ts.refresh_token).toBeTruthy();
    expect(ts.expires_in).toBe(1800);
    expect(ts.scope).toBe(ALL_SCOPES.join(" "));
    // The access token is a JWT carrying Xero's claims.
    const at = JSON.parse(Buffer.from(ts.access_token!.split(".")[1]!, "base64url").toString()) as Record<string, unknown>;
    expect(at.xero_userid).toBe(claims.xero_userid);
    expect(at.client_id).toBe(config.clientId);
    expect(at.scope).toEqual(ALL_SCOPES);
    expect(typeof at.authentication_event_id).toBe("string");
    expect((at.exp as number) - (at.nbf as number)).toBe(1800);
  });

  it("rejects a code used twice and a wrong PKCE verifier with invalid_grant", async () => {
    const req = await createAuthorizationRequest(config, { extraParams: { sim_auto: "1" } });
    const location = (await fetch(req.url, { redirect: "manual" })).headers.get("location")!;
    const code = new URL(location).searchParams.get("code")!;
    const exchange = (verifier: string) =>
      fetch(`${sim.url}/connect/token`, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded", authorization: `Basic ${Buffer.from(`${config.clientId}:${config.clientSecret}`).toString("base64")}` },
        body: new URLSearchParams({ grant_type: "authorization_code", code, redirect_uri: REDIRECT_URI, code_verifier: verifier }),
      });
    const bad = await exchange("x".repeat(43));
    expect(bad.status).toBe(400);
    expect((await bad.json()).error).toBe("invalid_grant");
    // A failed PKCE check does not consume the code; the right verifier then works once.
    const good = await exchange(req.codeVerifier);
    expect(good.status).toBe(200);
    const again = await exchange(req.codeVerifier);
    expect(again.status).toBe(400);
    expect(await again.json()).toEqual({ error: "invalid_grant" });
  });

  it("codes expire after 5 minutes", async () => {
    const req = await createAuthorizationRequest(config, { extraParams: { sim_auto: "1" } });
    const location = (await fetch(req.url, { redirect: "manual" })).headers.get("location")!;
    await ctl(sim, "POST", "/__sim/clock", { advanceMs: 5 * MIN + 1000 });
    const { completeAuthorization } = await import("@/lib/xero/identity");
    const err = await rejection(completeAuthorization(config, location, req));
    expect(err.kind).toBe("oauth");
    expect(err.invalidGrant).toBe(true);
  });

  it("unknown client and unregistered redirect URI get an error page, not a redirect", async () => {
    const req = await createAuthorizationRequest({ ...config, redirectUris: ["http://localhost:3000/callback/"] });
    const res = await fetch(req.url, { redirect: "manual" });
    expect(res.status).toBe(400);
    expect(await res.text()).toContain("redirect_uri");
    const res2 = await fetch((await createAuthorizationRequest({ ...config, clientId: "nope" })).url, { redirect: "manual" });
    expect(res2.status).toBe(400);
  });

  it("sim_deny answers access_denied with the state", async () => {
    const req = await createAuthorizationRequest(config, { extraParams: { sim_deny: "1" } });
    const loc = new URL((await fetch(req.url, { redirect: "manual" })).headers.get("location")!);
    expect(loc.searchParams.get("error")).toBe("access_denied");
    expect(loc.searchParams.get("state")).toBe(req.state);
  });
});

describe("xero-node's own consent helpers", () => {
  it("buildConsentUrl + apiCallback work through the injected openid-client (no PKCE, fixed state)", async () => {
    const xero = await createXeroClient(config);
    // xero-node reads `state` from its config: one XeroClient per login.
    (xero.config as { state?: string }).state = "fixed-state-1";
    const url = await xero.buildConsentUrl();
    expect(new URL(url).searchParams.get("state")).toBe("fixed-state-1");
    const res = await fetch(`${url}&sim_auto=1`, { redirect: "manual" });
    const ts = await xero.apiCallback(res.headers.get("location")!);
    expect(ts.claims().iss).toBe(sim.url);
    expect(xero.readTokenSet().access_token).toBe(ts.access_token);
    const org = await xero.accountingApi.getOrganisations(tenants[0]!.tenantId);
    expect(org.body.organisations![0]!.name).toBe(tenants[0]!.name);
  });
});

describe("token endpoint details", () => {
  const form = (body: Record<string, string>, auth?: string) =>
    fetch(`${sim.url}/connect/token`, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded", ...(auth ? { authorization: auth } : {}) }, body: new URLSearchParams(body) });
  const basicAuth = `Basic ${Buffer.from(`${DEMO_CC_CLIENT_ID}:${DEMO_CC_CLIENT_SECRET}`).toString("base64")}`;

  it("accepts client_secret_post as well as Basic", async () => {
    const res = await form({ grant_type: "client_credentials", client_id: DEMO_CC_CLIENT_ID, client_secret: DEMO_CC_CLIENT_SECRET });
    expect(res.status).toBe(200);
    expect(res.headers.get("cache-control")).toBe("no-store");
  });

  it("answers Xero's OAuth errors", async () => {
    expect(await (await form({ grant_type: "password" }, basicAuth)).json()).toEqual({ error: "unsupported_grant_type" });
    expect((await form({}, basicAuth)).status).toBe(400);
    expect((await (await form({}, basicAuth)).json()).error).toBe("invalid_request");
    expect(await (await form({ grant_type: "client_credentials" })).json()).toEqual({ error: "invalid_client" });
    expect(await (await form({ grant_type: "refresh_token", refresh_token: "nope" }, `Basic ${Buffer.from(`${config.clientId}:${config.clientSecret}`).toString("base64")}`)).json()).toEqual({ error: "invalid_grant" });
  });

  it("a refresh token only works for the client it was issued to", async () => {
    const ts = await connect(sim, config);
    await ctl(sim, "POST", "/__sim/clients", { clientId: "OTHER", clientSecret: "other", redirectUris: [], grantTypes: ["authorization_code"] });
    const res = await form({ grant_type: "refresh_token", refresh_token: ts.refresh_token! }, `Basic ${Buffer.from("OTHER:other").toString("base64")}`);
    expect(await res.json()).toEqual({ error: "invalid_grant" });
  });
});

describe("connections", () => {
  it("lists the consented tenants, filters by authEventId, and disconnects one (then 403)", async () => {
    const first = await connect(sim, config, { user: "alex.adviser@example.com", tenants: tenants[0]!.tenantId });
    const second = await connect(sim, config, { user: "alex.adviser@example.com", tenants: tenants[1]!.tenantId });
    const all = await listXeroConnections(second.access_token!, {}, config);
    expect(all.map((c) => c.tenantId).sort()).toEqual([tenants[0]!.tenantId, tenants[1]!.tenantId].sort());
    for (const c of all) {
      expect(c.tenantType).toBe("ORGANISATION");
      expect(c.createdDateUtc).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{7}$/);
      expect(Math.abs(parseXeroUtc(c.createdDateUtc!).getTime() - Date.now())).toBeLessThan(DAY * 400);
    }
    const authEventId = (JSON.parse(Buffer.from(second.access_token!.split(".")[1]!, "base64url").toString()) as { authentication_event_id: string }).authentication_event_id;
    const justSecond = await listXeroConnections(second.access_token!, { authEventId }, config);
    expect(justSecond.map((c) => c.tenantId)).toEqual([tenants[1]!.tenantId]);
    expect(justSecond[0]!.authEventId).toBe(authEventId);

    const xero = createApiClient(config, first.access_token!);
    const ok = await xero.accountingApi.getOrganisations(tenants[1]!.tenantId);
    expect(ok.body.organisations?.[0]?.name).toBe(tenants[1]!.name);
    await deleteXeroConnection(second.access_token!, justSecond[0]!.id, config);
    const err = await rejection(xero.accountingApi.getOrganisations(tenants[1]!.tenantId));
    expect(err.status).toBe(403);
    expect(err.kind).toBe("forbidden");
    expect((err.body as { Detail: string }).Detail).toBe("AuthenticationUnsuccessful");
    expect((await listXeroConnections(first.access_token!, {}, config)).map((c) => c.tenantId)).toEqual([tenants[0]!.tenantId]);
  });
});

describe("accounting reads through xero-node", () => {
  let token: string;
  let tenantId: string;
  beforeAll(async () => {
    token = (await connect(sim, config)).access_token!;
    tenantId = tenants[0]!.tenantId;
  });

  it("pages invoices with line items and parses dates and money", async () => {
    const xero = await createXeroClient(config, { access_token: token, token_type: "Bearer" });
    const seen = new Set<string>();
    let pageCount = 0;
    for (let page = 1; ; page++) {
      const res = await xero.accountingApi.getInvoices(tenantId, undefined, undefined, "UpdatedDateUTC ASC", undefined, undefined, undefined, undefined, page, undefined, undefined, undefined, undefined, 100);
      const body = res.body;
      expect(body.pagination).toMatchObject({ page, pageSize: 100, itemCount: tenants[0]!.invoices });
      pageCount = body.pagination!.pageCount!;
      for (const inv of body.invoices ?? []) {
        seen.add(inv.invoiceID!);
        expect(inv.updatedDateUTC).toBeInstanceOf(Date);
        // xero-node types Invoice.date as string, but deserialises every /Date()/ into a Date.
        const date = inv.date as unknown as Date;
        expect(date).toBeInstanceOf(Date);
        expect(date.getUTCHours()).toBe(0);
        expect(inv.lineItems!.length).toBeGreaterThanOrEqual(1);
        expect(inv.lineItems!.length).toBeLessThanOrEqual(5);
        const cents = (n: number | undefined) => Math.round((n ?? 0) * 100);
        const lineSum = inv.lineItems!.reduce((s, l) => s + cents(l.lineAmount), 0);
        const taxSum = inv.lineItems!.reduce((s, l) => s + cents(l.taxAmount), 0);
        expect(cents(inv.totalTax)).toBe(taxSum);
        expect(cents(inv.subTotal) + cents(inv.totalTax)).toBe(cents(inv.total));
        expect(cents(inv.subTotal)).toBe(String(inv.lineAmountTypes) === "Inclusive" ? lineSum - taxSum : lineSum);
        if (String(inv.status) !== "VOIDED" && String(inv.status) !== "DELETED") expect(cents(inv.amountPaid) + cents(inv.amountCredited) + cents(inv.amountDue)).toBe(cents(inv.total));
        expect(inv.contact?.contactID).toMatch(/^[0-9a-f-]{36}$/);
      }
      if (page >= pageCount) break;
    }
    expect(seen.size).toBe(tenants[0]!.invoices);
    // Rate-limit headers arrive on every API response.
    const res = await xero.accountingApi.getInvoices(tenantId, undefined, undefined, undefined, undefined, undefined, undefined, undefined, 1);
    expect(res.response.headers["x-minlimit-remaining"]).toBeDefined();
    expect(res.response.headers["x-daylimit-remaining"]).toBeDefined();
    expect(res.response.headers["x-appminlimit-remaining"]).toBeDefined();
  });

  it("covers every status, currency kind and payment shape in the generated data", async () => {
    const xero = createApiClient(config, token);
    const res = await xero.accountingApi.getInvoices(tenantId, undefined, undefined, undefined, undefined, undefined, undefined, undefined, 1, undefined, undefined, undefined, undefined, 1000);
    const invs = res.body.invoices!;
    const statuses = new Set(invs.map((i) => String(i.status)));
    for (const s of ["DRAFT", "SUBMITTED", "AUTHORISED", "PAID", "VOIDED", "DELETED"]) expect(statuses).toContain(s);
    expect(new Set(invs.map((i) => String(i.type)))).toEqual(new Set(["ACCREC", "ACCPAY"]));
    expect(invs.some((i) => i.currencyCode !== undefined && String(i.currencyCode) !== "GBP" && (i.currencyRate ?? 1) !== 1)).toBe(true);
    expect(invs.some((i) => String(i.status) === "AUTHORISED" && (i.amountPaid ?? 0) > 0 && (i.amountDue ?? 0) > 0 && (i.payments?.length ?? 0) > 0)).toBe(true);
    expect(invs.some((i) => String(i.status) === "AUTHORISED" && (i.dueDate as unknown as Date) < new Date())).toBe(true); // overdue
    expect(new Set(invs.map((i) => String(i.lineAmountTypes)))).toEqual(new Set(["Exclusive", "Inclusive", "NoTax"]));
    // Contacts referenced by invoices exist.
    const contacts = await xero.accountingApi.getContacts(tenantId, undefined, undefined, undefined, undefined, undefined, true);
    const ids = new Set(contacts.body.contacts!.map((c) => c.contactID));
    for (const i of invs) expect(ids.has(i.contact!.contactID)).toBe(true);
  });

  it("reads incrementally with If-Modified-Since (inclusive at whole seconds) and sees mutations", async () => {
    const xero = createApiClient(config, token);
    const res = await xero.accountingApi.getInvoices(tenantId, undefined, undefined, "UpdatedDateUTC DESC", undefined, undefined, undefined, undefined, 1, undefined, undefined, undefined, undefined, 5);
    const newest = res.body.invoices![0]!;
    // Same second, later milliseconds: the record still comes back (Xero compares whole seconds).
    const since = new Date(Math.floor(newest.updatedDateUTC!.getTime() / 1000) * 1000 + 999);
    const again = await xero.accountingApi.getInvoices(tenantId, since, undefined, undefined, undefined, undefined, undefined, undefined, 1);
    expect(again.body.invoices!.map((i) => i.invoiceID)).toContain(newest.invoiceID);
    const after = new Date(Math.floor(newest.updatedDateUTC!.getTime() / 1000) * 1000 + 1000);
    const none = await xero.accountingApi.getInvoices(tenantId, after, undefined, undefined, undefined, undefined, undefined, undefined, 1);
    expect(none.body.invoices).toEqual([]);

    await ctl(sim, "POST", "/__sim/clock", { advanceMs: 2000 });
    const { changes } = await ctl<{ changes: { id: string; kind: string }[] }>(sim, "POST", "/__sim/mutate", { tenantId, entity: "invoices", count: 4, kinds: ["edit", "void", "create"] });
    expect(changes.length).toBe(4);
    const changed = await xero.accountingApi.getInvoices(tenantId, after, undefined, undefined, undefined, undefined, undefined, undefined, 1);
    expect(changed.body.invoices!.map((i) => i.invoiceID).sort()).toEqual(changes.map((c) => c.id).sort());
  });

  it("reads contacts: archived only with includeArchived, summaryOnly without details, IDs filter", async () => {
    const xero = createApiClient(config, token);
    const active = await xero.accountingApi.getContacts(tenantId, undefined, undefined, undefined, undefined, 1, false, false, undefined, 1000);
    const all = await xero.accountingApi.getContacts(tenantId, undefined, undefined, undefined, undefined, 1, true, false, undefined, 1000);
    expect(all.body.contacts!.length).toBe(tenants[0]!.contacts);
    expect(active.body.contacts!.every((c) => String(c.contactStatus) === "ACTIVE")).toBe(true);
    expect(all.body.contacts!.some((c) => String(c.contactStatus) === "ARCHIVED")).toBe(true);
    const first = all.body.contacts![0]!;
    expect(first.updatedDateUTC).toBeInstanceOf(Date);
    expect(first.addresses!.length).toBe(2);
    const one = await xero.accountingApi.getContacts(tenantId, undefined, undefined, undefined, [first.contactID!], undefined, true);
    expect(one.body.contacts!.map((c) => c.contactID)).toEqual([first.contactID]);
    const summary = await xero.accountingApi.getContacts(tenantId, undefined, undefined, undefined, undefined, 1, true, true);
    expect(summary.body.contacts![0]!.addresses).toBeUndefined();
    const byId = await xero.accountingApi.getContact(tenantId, first.contactID!);
    expect(byId.body.contacts![0]!.name).toBe(first.name);
  });

  it("getInvoice by id, Statuses and IDs filters, summaryOnly drops line items", async () => {
    const xero = createApiClient(config, token);
    const paid = await xero.accountingApi.getInvoices(tenantId, undefined, undefined, undefined, undefined, undefined, undefined, ["PAID"], 1);
    expect(paid.body.invoices!.length).toBeGreaterThan(0);
    expect(paid.body.invoices!.every((i) => String(i.status) === "PAID" && (i.fullyPaidOnDate as unknown) instanceof Date)).toBe(true);
    const ids = paid.body.invoices!.slice(0, 3).map((i) => i.invoiceID!);
    const byIds = await xero.accountingApi.getInvoices(tenantId, undefined, undefined, undefined, ids);
    expect(byIds.body.invoices!.map((i) => i.invoiceID).sort()).toEqual([...ids].sort());
    // Without page Xero returns all matches but no line items.
    expect(byIds.body.invoices![0]!.lineItems).toBeUndefined();
    expect(byIds.body.pagination).toBeUndefined();
    const one = await xero.accountingApi.getInvoice(tenantId, ids[0]!);
    expect(one.body.invoices![0]!.lineItems!.length).toBeGreaterThan(0);
    const summary = await xero.accountingApi.getInvoices(tenantId, undefined, undefined, undefined, undefined, undefined, undefined, undefined, 1, undefined, undefined, undefined, true);
    expect(summary.body.invoices![0]!.lineItems).toBeUndefined();
    const where = await xero.accountingApi.getInvoices(tenantId, undefined, 'Type=="ACCPAY" AND Status=="AUTHORISED"', undefined, undefined, undefined, undefined, undefined, 1);
    expect(where.body.invoices!.length).toBeGreaterThan(0);
    expect(where.body.invoices!.every((i) => String(i.type) === "ACCPAY" && String(i.status) === "AUTHORISED")).toBe(true);
  });

  it("answers malformed parameters with Xero's 400 ValidationException", async () => {
    const xero = createApiClient(config, token);
    for (const call of [
      () => xero.accountingApi.getInvoices(tenantId, undefined, undefined, undefined, undefined, undefined, undefined, undefined, 1, undefined, undefined, undefined, undefined, 5000),
      () => xero.accountingApi.getInvoices(tenantId, undefined, undefined, undefined, undefined, undefined, undefined, undefined, 1, undefined, undefined, undefined, undefined, 0),
      () => xero.accountingApi.getInvoices(tenantId, undefined, undefined, "Colour ASC"),
      () => xero.accountingApi.getInvoices(tenantId, new Date(Number.NaN)),
      () => xero.accountingApi.getInvoices(tenantId, undefined, "Status==="),
    ]) {
      const err = await rejection(Promise.resolve().then(call));
      if (err.status === 0) continue; // xero-node itself throws on an invalid Date (toISOString) before sending
      expect(err.status).toBe(400);
      expect(err.kind).toBe("validation");
      expect(err.body).toMatchObject({ ErrorNumber: 10, Type: "ValidationException", Elements: [] });
    }
    const raw = await apiGet(sim, "/api.xro/2.0/Invoices", token, tenantId, { "If-Modified-Since": "yesterday-ish" });
    expect(raw.status).toBe(400);
  });
});

describe("tokens", () => {
  it("refresh rotates; the old refresh token works for 30 minutes, then invalid_grant", async () => {
    const ts = await connect(sim, config);
    const xero = await createXeroClient(config, ts);
    const refreshed = await xero.refreshToken(); // xero-node's own refresh through the injected client
    expect(refreshed.refresh_token).not.toBe(ts.refresh_token);
    expect(refreshed.claims().sub).toBe(ts.claims().sub);
    // Reusing the previous token within the grace period returns the same new pair.
    const again = await refreshTokenGrant(ts.refresh_token!, config);
    expect(again.refreshToken).toBe(refreshed.refresh_token);
    await ctl(sim, "POST", "/__sim/clock", { advanceMs: 31 * MIN });
    const err = await rejection(refreshTokenGrant(ts.refresh_token!, config));
    expect(err.kind).toBe("oauth");
    expect(err.invalidGrant).toBe(true);
    expect(err.status).toBe(400);
    // The rotated one still works.
    const next = await refreshTokenGrant(refreshed.refresh_token!, config);
    expect(next.accessToken).toBeTruthy();
  });

  it("expired access tokens get Xero's 401 TokenExpired with WWW-Authenticate", async () => {
    const ts = await connect(sim, config);
    const xero = createApiClient(config, ts.access_token!);
    await xero.accountingApi.getOrganisations(tenants[0]!.tenantId);
    await ctl(sim, "POST", "/__sim/clock", { advanceMs: 30 * MIN + 1000 });
    const err = await rejection(xero.accountingApi.getOrganisations(tenants[0]!.tenantId));
    expect(err.status).toBe(401);
    expect(err.kind).toBe("unauthorized");
    expect(err.tokenExpired).toBe(true);
    expect(err.headers["www-authenticate"]).toMatch(/^Bearer error="invalid_token", error_description="The token expired at '\d\d\/\d\d\/\d{4} \d\d:\d\d:\d\d'"$/);
    expect(err.body).toMatchObject({ Title: "Unauthorized", Status: 401 });
    expect((err.body as { Detail: string }).Detail).toMatch(/^TokenExpired: token expired at /);
    // The raw shape xero-node rejects with: a JSON string.
    let raw: unknown;
    await xero.accountingApi.getOrganisations(tenants[0]!.tenantId).catch((e: unknown) => (raw = e));
    expect(typeof raw).toBe("string");
    expect(JSON.parse(raw as string).response.statusCode).toBe(401);
  });

  it("unused refresh tokens die after 60 days", async () => {
    const ts = await connect(sim, config);
    await ctl(sim, "POST", "/__sim/clock", { advanceMs: 59 * DAY });
    const ok = await refreshTokenGrant(ts.refresh_token!, config);
    await ctl(sim, "POST", "/__sim/clock", { advanceMs: 60 * DAY + MIN });
    const err = await rejection(refreshTokenGrant(ok.refreshToken!, config));
    expect(err.invalidGrant).toBe(true);
  });

  it("revocation kills the grant: 401 for its access tokens, its connections vanish, refresh fails", async () => {
    const ts = await connect(sim, config, { user: "dana.demo@example.com", tenants: tenants[2]!.tenantId });
    const xero = createApiClient(config, ts.access_token!);
    await xero.accountingApi.getOrganisations(tenants[2]!.tenantId);
    await revokeRefreshToken(ts.refresh_token!, config);
    const err = await rejection(xero.accountingApi.getOrganisations(tenants[2]!.tenantId));
    expect(err.status).toBe(401);
    expect(err.tokenExpired).toBe(false);
    expect((await rejection(refreshTokenGrant(ts.refresh_token!, config))).invalidGrant).toBe(true);
    const other = await connect(sim, config, { user: "dana.demo@example.com", tenants: tenants[0]!.tenantId });
    expect((await listXeroConnections(other.access_token!, {}, config)).map((c) => c.tenantId)).not.toContain(tenants[2]!.tenantId);
  });

  it("xero-node's revokeToken works through the injected client", async () => {
    const ts = await connect(sim, config);
    const xero = await createXeroClient(config, ts);
    await xero.revokeToken();
    expect((await rejection(refreshTokenGrant(ts.refresh_token!, config))).invalidGrant).toBe(true);
  });

  it("client credentials: one organisation, no refresh token, missing tenant header accepted", async () => {
    const cc: XeroConfig = { ...config, clientId: DEMO_CC_CLIENT_ID, clientSecret: DEMO_CC_CLIENT_SECRET, scopes: ["accounting.transactions", "accounting.settings", "accounting.contacts"] };
    const tok = await clientCredentialsGrant(cc);
    expect(Math.round((tok.expiresAt.getTime() - Date.now()) / 60_000)).toBe(30);
    expect(tok.refreshToken).toBeUndefined();
    const conns = await listXeroConnections(tok.accessToken, {}, cc);
    expect(conns.map((c) => c.tenantId)).toEqual([tenants[0]!.tenantId]);
    const xero = createApiClient(cc, tok.accessToken);
    const org = await xero.accountingApi.getOrganisations("");
    expect(org.body.organisations![0]!.organisationID).toBe(tenants[0]!.tenantId);
    const forbidden = await rejection(xero.accountingApi.getOrganisations(tenants[1]!.tenantId));
    expect(forbidden.status).toBe(403);
    // The demo authorization-code client may not use client_credentials; a bad secret is invalid_client.
    const wrong = await rejection(clientCredentialsGrant(config));
    expect(wrong.oauthError).toBe("unauthorized_client");
    const bad = await rejection(clientCredentialsGrant({ ...cc, clientSecret: "nope" }));
    expect(bad.oauthError).toBe("invalid_client");
  });

  it("missing xero-tenant-id on an authorization-code token is 403", async () => {
    const ts = await connect(sim, config);
    const res = await apiGet(sim, "/api.xro/2.0/Organisation", ts.access_token!, null);
    expect(res.status).toBe(403);
    expect(await res.json()).toMatchObject({ Title: "Forbidden", Status: 403, Detail: "AuthenticationUnsuccessful" });
  });
});

describe("errors through xero-node", () => {
  it("429 keeps Retry-After and X-Rate-Limit-Problem; network failures are kind network", async () => {
    const ts = await connect(sim, config);
    const xero = createApiClient(config, ts.access_token!);
    const tenantId = tenants[0]!.tenantId;
    await ctl(sim, "POST", "/__sim/faults", { faults: [{ kind: "429-day", retryAfterS: 120 }, { kind: "drop" }, { kind: "500" }] });
    const e429 = await rejection(xero.accountingApi.getInvoices(tenantId));
    expect(e429.kind).toBe("rate_limited");
    expect(e429.rateLimitProblem).toBe("day");
    expect(e429.retryAfterMs).toBe(120_000);
    const dropped = await rejection(xero.accountingApi.getInvoices(tenantId));
    expect(dropped.kind).toBe("network");
    expect(dropped.status).toBe(0);
    const e500 = await rejection(xero.accountingApi.getInvoices(tenantId));
    expect(e500.kind).toBe("server");
    expect(e500.retryable).toBe(true);
  });

  it("the accountingApi timeout applies", async () => {
    const ts = await connect(sim, config);
    const xero = createApiClient({ ...config, timeoutMs: 200 }, ts.access_token!);
    // Held until released: only the client's timeout can end the call.
    await ctl(sim, "POST", "/__sim/faults", { faults: [{ kind: "hold" }] });
    const err = await rejection(xero.accountingApi.getOrganisations(tenants[0]!.tenantId));
    expect(err.kind).toBe("network");
    await ctl(sim, "DELETE", "/__sim/faults");
  });
});
