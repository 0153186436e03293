/** Rate limits, faults and the /__sim control endpoints, over raw HTTP. */
import { createServer, type Server } from "node:http";
import { createHmac } from "node:crypto";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { CONTROL_TOKEN_HEADER, type RunningSimulator } from "@/lib/xero-simulator";
import { listXeroConnections, refreshTokenGrant, XeroOAuthError } from "@/lib/xero/identity";
import { createAuthorizationRequest } from "@/tests/helpers/consent";
import { type TenantInfo, apiGet, configFor, connect, ctl, start } from "./helpers";

let sim: RunningSimulator;
let token: string;
let refresh: string;
let tenants: TenantInfo[];

beforeAll(async () => {
  sim = await start({ tenants: [{ name: "Limits Ltd (UK)", invoices: 300, contacts: 40 }, { name: "Other Org (NZ)", invoices: 50 }] });
  const ts = await connect(sim, configFor(sim));
  token = ts.access_token!;
  refresh = ts.refresh_token!;
  tenants = await ctl<TenantInfo[]>(sim, "GET", "/__sim/tenants");
});
afterAll(() => sim.close());
beforeEach(async () => {
  await ctl(sim, "DELETE", "/__sim/faults");
  await ctl(sim, "POST", "/__sim/limits", { enabled: true, concurrent: 5, perMinute: 60, perDay: 5000, appPerMinute: 10_000, latencyMs: 0, resetCounters: true });
  // Tests move the simulated clock; a fresh 30-minute token per test keeps them independent.
  token = (await connect(sim, configFor(sim))).access_token!;
});

const inv = (tenantId = tenants[0]!.tenantId, q = "", t = token) => apiGet(sim, `/api.xro/2.0/Invoices${q}`, t, tenantId);

describe("rate limits", () => {
  it("60 calls a minute per tenant, then 429 minute with Retry-After; the minute rolls with the clock", async () => {
    let last: Response | undefined;
    for (let i = 0; i < 60; i++) {
      last = await apiGet(sim, "/api.xro/2.0/Organisation", token, tenants[0]!.tenantId);
      expect(last.status).toBe(200);
    }
    expect(last!.headers.get("x-minlimit-remaining")).toBe("0");
    expect(last!.headers.get("x-daylimit-remaining")).toBe("4940");
    expect(last!.headers.get("x-appminlimit-remaining")).toBe("9940");
    const limited = await apiGet(sim, "/api.xro/2.0/Organisation", token, tenants[0]!.tenantId);
    expect(limited.status).toBe(429);
    expect(limited.headers.get("x-rate-limit-problem")).toBe("minute");
    const retry = Number(limited.headers.get("retry-after"));
    expect(retry).toBeGreaterThanOrEqual(1);
    expect(retry).toBeLessThanOrEqual(60);
    // Another tenant of the same app is not limited.
    expect((await apiGet(sim, "/api.xro/2.0/Organisation", token, tenants[1]!.tenantId)).status).toBe(200);
    await ctl(sim, "POST", "/__sim/clock", { advanceMs: 60_000 });
    expect((await apiGet(sim, "/api.xro/2.0/Organisation", token, tenants[0]!.tenantId)).status).toBe(200);
  });

  it("the daily quota answers 429 day with the seconds until the rolling day frees a call", async () => {
    await ctl(sim, "POST", "/__sim/limits", { perDay: 3 });
    for (let i = 0; i < 3; i++) expect((await inv()).status).toBe(200);
    await ctl(sim, "POST", "/__sim/clock", { advanceMs: 20 * 60_000 });
    const res = await inv();
    expect(res.status).toBe(429);
    expect(res.headers.get("x-rate-limit-problem")).toBe("day");
    expect(res.headers.get("x-daylimit-remaining")).toBe("0");
    const retry = Number(res.headers.get("retry-after"));
    expect(retry).toBeGreaterThan(24 * 3600 - 20 * 60 - 5);
    expect(retry).toBeLessThanOrEqual(24 * 3600 - 20 * 60 + 1);
  });

  it("the app-wide minute limit spans tenants (appminute)", async () => {
    await ctl(sim, "POST", "/__sim/limits", { appPerMinute: 4 });
    for (let i = 0; i < 4; i++) expect((await inv(tenants[i % 2]!.tenantId)).status).toBe(200);
    const res = await inv(tenants[1]!.tenantId);
    expect(res.status).toBe(429);
    expect(res.headers.get("x-rate-limit-problem")).toBe("appminute");
    expect(res.headers.get("x-appminlimit-remaining")).toBe("0");
  });

  it("a response latency for every API answer (benchmarks model Xero's page latency), set by the control API", async () => {
    expect(await ctl(sim, "GET", "/__sim/limits")).toMatchObject({ latencyMs: 0 });
    await expect(ctl(sim, "POST", "/__sim/limits", { latencyMs: -1 })).rejects.toThrow(/400.*latencyMs/);
    expect(await ctl(sim, "POST", "/__sim/limits", { latencyMs: 300 })).toMatchObject({ latencyMs: 300 });
    const { lastSeq } = await ctl<{ lastSeq: number }>(sim, "GET", "/__sim/log");
    const started = Date.now();
    expect((await inv()).status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(300);
    const { entries } = await ctl<{ entries: { durationMs: number }[] }>(sim, "GET", `/__sim/log?since=${lastSeq}`);
    expect(entries[0]!.durationMs).toBeGreaterThanOrEqual(300);
  });

  it("5 calls in flight per tenant; the 6th is 429 concurrent", async () => {
    await ctl(sim, "POST", "/__sim/faults", { faults: [{ kind: "hold", count: 5 }] });
    const slow = Array.from({ length: 5 }, () => inv());
    expect((await ctl<{ held: unknown[] }>(sim, "GET", "/__sim/faults/held?atLeast=5")).held).toHaveLength(5);
    const sixth = await inv();
    await ctl(sim, "POST", "/__sim/faults/release");
    expect(sixth.status).toBe(429);
    expect(sixth.headers.get("x-rate-limit-problem")).toBe("concurrent");
    expect((await Promise.all(slow)).map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
    expect((await inv()).status).toBe(200); // slots are released
  });

  it("limits can be switched off (headers still sent)", async () => {
    await ctl(sim, "POST", "/__sim/limits", { enabled: false, perMinute: 2 });
    const remaining: (string | null)[] = [];
    for (let i = 0; i < 5; i++) {
      const r = await inv();
      expect(r.status).toBe(200);
      remaining.push(r.headers.get("x-minlimit-remaining"));
    }
    expect(remaining).toEqual(["1", "0", "0", "0", "0"]);
  });
});

describe("faults", () => {
  it("500, 503 and drop hit the next N matching requests only", async () => {
    await ctl(sim, "POST", "/__sim/faults", { faults: [{ kind: "500", count: 2, path: "Invoices" }, { kind: "503", path: "Contacts" }] });
    expect((await apiGet(sim, "/api.xro/2.0/Organisation", token, tenants[0]!.tenantId)).status).toBe(200);
    expect((await inv()).status).toBe(500);
    expect((await apiGet(sim, "/api.xro/2.0/Contacts", token, tenants[0]!.tenantId)).status).toBe(503);
    expect((await inv()).status).toBe(500);
    expect((await inv()).status).toBe(200);
    await ctl(sim, "POST", "/__sim/faults", { faults: [{ kind: "drop" }] });
    await expect(inv()).rejects.toThrow();
    expect((await inv()).status).toBe(200);
  });

  it("tenantId, regex path and afterPage narrow a fault", async () => {
    await ctl(sim, "POST", "/__sim/faults", { faults: [{ kind: "500", tenantId: tenants[1]!.tenantId, path: "/invoices$/i", afterPage: 1, count: 5 }] });
    expect((await inv(tenants[0]!.tenantId, "?page=2")).status).toBe(200);
    expect((await inv(tenants[1]!.tenantId, "?page=1")).status).toBe(200);
    expect((await inv(tenants[1]!.tenantId, "?page=2")).status).toBe(500);
    const faults = await ctl<{ remaining: number }[]>(sim, "GET", "/__sim/faults");
    expect(faults[0]!.remaining).toBe(4);
  });

  it("skip schedules a fault by request number: every matching request counts, whichever fault fails it", async () => {
    // Fail the 2nd and 3rd Invoices requests with 500, and the 3rd (already taken: so the 4th) with 503.
    await ctl(sim, "POST", "/__sim/faults", {
      faults: [
        { kind: "500", path: "/Invoices", skip: 1, count: 2 },
        { kind: "503", path: "/Invoices", skip: 2 },
      ],
    });
    expect((await apiGet(sim, "/api.xro/2.0/Contacts", token, tenants[0]!.tenantId)).status).toBe(200); // not matching: not counted
    const statuses = [];
    for (let i = 0; i < 5; i++) statuses.push((await inv()).status);
    expect(statuses).toEqual([200, 500, 500, 503, 200]);
    expect(await ctl<unknown[]>(sim, "GET", "/__sim/faults")).toEqual([]);
  });

  it("page and skip together: the second request for page 2 fails, whatever came before", async () => {
    await ctl(sim, "POST", "/__sim/faults", { faults: [{ kind: "500", page: 2, skip: 1 }] });
    const statuses = [];
    for (const q of ["?page=2", "?page=1", "", "?page=3", "?page=2", "?page=2"]) statuses.push((await inv(undefined, q)).status);
    expect(statuses).toEqual([200, 200, 200, 200, 500, 200]);
  });

  it("a skipped fault shows how many matching requests it has seen", async () => {
    await ctl(sim, "POST", "/__sim/faults", { faults: [{ kind: "drop", tenantId: tenants[1]!.tenantId, skip: 3 }] });
    await inv();
    await inv(tenants[1]!.tenantId);
    await inv(tenants[1]!.tenantId);
    expect(await ctl<{ seen: number; remaining: number }[]>(sim, "GET", "/__sim/faults")).toMatchObject([{ seen: 2, remaining: 1 }]);
  });

  it("a bad schedule is refused as a whole, naming the field", async () => {
    const res = await fetch(`${sim.url}/__sim/faults`, {
      method: "POST",
      headers: { "content-type": "application/json", [CONTROL_TOKEN_HEADER]: sim.controlToken },
      body: JSON.stringify({ faults: [{ kind: "500" }, { kind: "503", skip: -1 }] }),
    });
    expect(res.status).toBe(400);
    expect(await res.text()).toMatch(/skip must be a whole number/);
    expect(await ctl<unknown[]>(sim, "GET", "/__sim/faults")).toEqual([]);
  });

  it("hold answers nothing until released; a client that gives up frees it; DELETE releases the rest", async () => {
    const [held] = (await ctl<{ added: { id: number }[] }>(sim, "POST", "/__sim/faults", { faults: [{ kind: "hold", path: "/Invoices", count: 2 }] })).added;
    const first = inv();
    const gaveUp = fetch(`${sim.url}/api.xro/2.0/Invoices`, { headers: { authorization: `Bearer ${token}`, "xero-tenant-id": tenants[0]!.tenantId }, signal: AbortSignal.timeout(300) });
    expect((await ctl<{ held: { faultId: number; path: string }[] }>(sim, "GET", "/__sim/faults/held?atLeast=2")).held).toEqual([
      expect.objectContaining({ faultId: held!.id, path: "/api.xro/2.0/Invoices" }),
      expect.objectContaining({ faultId: held!.id }),
    ]);
    await expect(gaveUp).rejects.toThrow();
    // The abandoned one is no longer held; the other still waits, and answers once released.
    const { held: still } = await ctl<{ held: unknown[] }>(sim, "GET", "/__sim/faults/held?atMost=1");
    expect(still).toHaveLength(1);
    expect(await ctl(sim, "POST", "/__sim/faults/release", { faultId: held!.id })).toEqual({ released: 1 });
    expect((await first).status).toBe(200);
    const log = await ctl<{ entries: { fault?: string }[] }>(sim, "GET", "/__sim/log?path=/api.xro/2.0/Invoices");
    expect(log.entries.filter((e) => e.fault === "hold").length).toBeGreaterThanOrEqual(2);

    await ctl(sim, "POST", "/__sim/faults", { faults: [{ kind: "hold" }] });
    const third = inv();
    await ctl(sim, "GET", "/__sim/faults/held?atLeast=1");
    await ctl(sim, "DELETE", "/__sim/faults");
    expect((await third).status).toBe(200);
  });

  it("bad-value puts a value into the first record of one list answer", async () => {
    await ctl(sim, "POST", "/__sim/faults", { faults: [{ kind: "bad-value", path: "/Invoices", field: "Total", value: "not money", skip: 1 }] });
    const first = (await (await inv()).json()) as { Invoices: { Total: unknown }[] };
    const second = (await (await inv()).json()) as { Invoices: { Total: unknown }[] };
    const third = (await (await inv()).json()) as { Invoices: { Total: unknown }[] };
    expect(typeof first.Invoices[0]!.Total).toBe("number");
    expect(second.Invoices[0]!.Total).toBe("not money");
    expect(typeof second.Invoices[1]!.Total).toBe("number");
    expect(typeof third.Invoices[0]!.Total).toBe("number");
  });

  it("mutate-between-pages with skip lets the first served pages pass", async () => {
    const tenantId = tenants[0]!.tenantId;
    await ctl(sim, "POST", "/__sim/faults", { faults: [{ kind: "mutate-between-pages", entity: "invoices", tenantId, count: 2, kinds: ["edit"], skip: 2 }] });
    await inv(tenantId, "?page=1");
    await inv(tenantId, "?page=1");
    expect(await ctl<{ seen: number }[]>(sim, "GET", "/__sim/faults")).toMatchObject([{ seen: 2 }]);
    await inv(tenantId, "?page=1");
    expect(await ctl<unknown[]>(sim, "GET", "/__sim/faults")).toEqual([]);
  });

  it("429 faults carry Retry-After and the problem", async () => {
    await ctl(sim, "POST", "/__sim/faults", { faults: [{ kind: "429-minute", retryAfterS: 7 }] });
    const r = await inv();
    expect(r.status).toBe(429);
    expect(r.headers.get("retry-after")).toBe("7");
    expect(r.headers.get("x-rate-limit-problem")).toBe("minute");
  });

  it("token-expired makes the token expire (a refresh fixes it); token-revoked ends the grant", async () => {
    const cfg = configFor(sim);
    const ts = await connect(sim, cfg);
    await ctl(sim, "POST", "/__sim/faults", { faults: [{ kind: "token-expired" }] });
    const e1 = await inv(undefined, "", ts.access_token!);
    expect(e1.status).toBe(401);
    expect(e1.headers.get("www-authenticate")).toContain("expired");
    expect((await inv(undefined, "", ts.access_token!)).status).toBe(401); // stays expired
    const fresh = await refreshTokenGrant(ts.refresh_token!, cfg);
    expect((await inv(undefined, "", fresh.accessToken)).status).toBe(200);
    await ctl(sim, "POST", "/__sim/faults", { faults: [{ kind: "token-revoked" }] });
    expect((await inv(undefined, "", fresh.accessToken)).status).toBe(401);
    const err = await refreshTokenGrant(fresh.refreshToken!, cfg).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(XeroOAuthError);
    expect(err).toMatchObject({ kind: "oauth", oauthError: "invalid_grant" });
  });

  it("mutate-between-pages changes records while a page-number walk is in progress (and page paging then skips)", async () => {
    const tenantId = tenants[0]!.tenantId;
    await ctl(sim, "POST", "/__sim/clock", { advanceMs: 1000 });
    await ctl(sim, "POST", "/__sim/faults", { faults: [{ kind: "mutate-between-pages", entity: "invoices", tenantId, count: 30, kinds: ["edit"], afterPage: 1 }] });
    const seen = new Set<string>();
    let itemCount = 0;
    for (let page = 1; page <= 3; page++) {
      const body = (await (await inv(tenantId, `?page=${page}&order=UpdatedDateUTC%20ASC`)).json()) as { Invoices: { InvoiceID: string }[]; pagination: { itemCount: number } };
      for (const i of body.Invoices) seen.add(i.InvoiceID);
      itemCount = body.pagination.itemCount;
    }
    expect(itemCount).toBe(tenants[0]!.invoices);
    expect(seen.size).toBeLessThan(itemCount); // records shifted onto the page already read
    expect(await ctl<unknown[]>(sim, "GET", "/__sim/faults")).toEqual([]);
  });
});

describe("control endpoints", () => {
  it("health, tenants, users, grants", async () => {
    expect(await ctl(sim, "GET", "/__sim/health")).toMatchObject({ ok: true, mode: "test", tenants: 2 });
    expect(tenants.map((t) => t.name)).toEqual(["Limits Ltd (UK)", "Other Org (NZ)"]);
    expect((await ctl<unknown[]>(sim, "GET", "/__sim/users")).length).toBeGreaterThanOrEqual(3);
    expect((await ctl<unknown[]>(sim, "GET", "/__sim/grants")).length).toBeGreaterThan(0);
  });

  it("log records API calls with tenant and status; DELETE clears", async () => {
    await ctl(sim, "DELETE", "/__sim/log");
    await inv(undefined, "?page=1");
    await apiGet(sim, "/api.xro/2.0/Contacts", token, "00000000-0000-0000-0000-000000000000");
    const { entries } = await ctl<{ entries: { method: string; path: string; query: Record<string, string>; tenantId: string; status: number; kind: string; timestamp: string }[] }>(sim, "GET", "/__sim/log");
    expect(entries.map((e) => [e.method, e.path, e.status, e.kind])).toEqual([
      ["GET", "/api.xro/2.0/Invoices", 200, "api"],
      ["GET", "/api.xro/2.0/Contacts", 403, "api"],
    ]);
    expect(entries[0]!.query).toEqual({ page: "1" });
    expect(entries[0]!.tenantId).toBe(tenants[0]!.tenantId);
    const filtered = await ctl<{ entries: unknown[] }>(sim, "GET", "/__sim/log?path=contacts");
    expect(filtered.entries.length).toBe(1);
  });

  it("mutate returns what changed, and state reflects it exactly", async () => {
    const tenantId = tenants[0]!.tenantId;
    await ctl(sim, "POST", "/__sim/clock", { advanceMs: 5000 });
    const { changes } = await ctl<{ changes: { id: string; kind: string; status: string; updatedDateUtc: string }[] }>(sim, "POST", "/__sim/mutate", { tenantId, entity: "invoices", count: 12 });
    expect(changes.length).toBe(12);
    const state = await ctl<{ id: string; status: string; updatedDateUtc: string; total: string; subTotal: string; totalTax: string; amountPaid: string; amountCredited: string; amountDue: string }[]>(sim, "GET", `/__sim/state?tenantId=${tenantId}&entity=invoices`);
    for (const c of changes) {
      const row = state.find((s) => s.id === c.id)!;
      expect(row.status).toBe(c.status);
      expect(row.updatedDateUtc).toBe(c.updatedDateUtc);
    }
    const cents = (s: string) => Math.round(Number(s) * 100);
    for (const row of state) {
      expect(row.total).toMatch(/^-?\d+\.\d\d$/);
      expect(cents(row.subTotal) + cents(row.totalTax)).toBe(cents(row.total));
      if (row.status !== "VOIDED" && row.status !== "DELETED") expect(cents(row.amountPaid) + cents(row.amountCredited) + cents(row.amountDue)).toBe(cents(row.total));
    }
    const contacts = await ctl<{ changes: { kind: string }[] }>(sim, "POST", "/__sim/mutate", { tenantId, entity: "contacts", count: 3, kinds: ["archive"] });
    expect(contacts.changes.map((c) => c.kind)).toEqual(["archive", "archive", "archive"]);
    const cstate = await ctl<{ status: string }[]>(sim, "GET", `/__sim/state?tenantId=${tenantId}&entity=contacts`);
    expect(cstate.filter((c) => c.status === "ARCHIVED").length).toBeGreaterThanOrEqual(3);
  });

  it("clients: a registered client's redirect URIs are matched exactly", async () => {
    await ctl(sim, "POST", "/__sim/clients", { clientId: "APP2", clientSecret: "s2", redirectUris: ["http://127.0.0.1:9999/cb"], grantTypes: ["authorization_code"] });
    const cfg = { ...configFor(sim), clientId: "APP2", clientSecret: "s2", redirectUris: ["http://127.0.0.1:9999/cb"] };
    const ts = await connect(sim, cfg, { tenants: tenants[1]!.tenantId });
    expect((await listXeroConnections(ts.access_token!, {}, cfg)).map((c) => c.tenantName)).toEqual(["Other Org (NZ)"]);
    for (const uri of ["http://127.0.0.1:9999/cb/", "http://127.0.0.1:9999/cb?x=1", "http://localhost:9999/cb"]) {
      const req = await createAuthorizationRequest({ ...cfg, redirectUris: [uri] });
      expect((await fetch(req.url, { redirect: "manual" })).status, uri).toBe(400);
    }
  });

  it("reset is deterministic per seed, regenerates 100,000 invoices, and keepAuth keeps grants", async () => {
    // How fast is measured by tests/bench/simulator-seed.ts, not here (a shared machine's timing is noise).
    const big = await ctl<{ tenants: TenantInfo[]; ms: number }>(sim, "POST", "/__sim/reset", { seed: 7, tenants: [{ name: "Big Co (UK)", invoices: 100_000, contacts: 5000 }] });
    expect(big.tenants[0]!.invoices).toBe(100_000);
    const specs = [{ name: "Big Co (UK)", invoices: 3000, contacts: 300 }];
    const a = await ctl<{ tenants: TenantInfo[] }>(sim, "POST", "/__sim/reset", { seed: 7, tenants: specs });
    expect(a.tenants[0]!.tenantId).toBe(big.tenants[0]!.tenantId);
    const first = await ctl<{ id: string; total: string; updatedDateUtc: string }[]>(sim, "GET", `/__sim/state?tenantId=${a.tenants[0]!.tenantId}`);
    const b = await ctl<{ tenants: TenantInfo[] }>(sim, "POST", "/__sim/reset", { seed: 7, tenants: specs });
    const second = await ctl<{ id: string; total: string; updatedDateUtc: string }[]>(sim, "GET", `/__sim/state?tenantId=${b.tenants[0]!.tenantId}`);
    expect(second.map((r) => [r.id, r.total])).toEqual(first.map((r) => [r.id, r.total]));
    const c = await ctl<{ tenants: TenantInfo[] }>(sim, "POST", "/__sim/reset", { seed: 8, tenants: [{ name: "Big Co (UK)", invoices: 10 }, { name: "Fixed", invoices: 5, tenantId: "11111111-2222-4333-8444-555555555555" }] });
    expect(c.tenants[0]!.tenantId).not.toBe(a.tenants[0]!.tenantId);
    expect(c.tenants[1]!.tenantId).toBe("11111111-2222-4333-8444-555555555555");
    // Auth state was cleared by the resets: the old token is unknown now.
    expect((await inv(c.tenants[0]!.tenantId)).status).toBe(401);
    const ts = await connect(sim, configFor(sim));
    await ctl(sim, "POST", "/__sim/reset", { seed: 8, tenants: [{ name: "Big Co (UK)", invoices: 20 }], keepAuth: true });
    expect((await apiGet(sim, "/api.xro/2.0/Invoices", ts.access_token!, c.tenants[0]!.tenantId)).status).toBe(200);
    // Restore for the other tests in this file.
    await ctl(sim, "POST", "/__sim/reset", { seed: 42, tenants: [{ name: "Limits Ltd (UK)", invoices: 300, contacts: 40 }, { name: "Other Org (NZ)", invoices: 50 }] });
    const again = await connect(sim, configFor(sim));
    token = again.access_token!;
    refresh = again.refresh_token!;
    tenants = await ctl<TenantInfo[]>(sim, "GET", "/__sim/tenants");
    expect(refresh).toBeTruthy();
  });

  it("sharedTimestamp: N invoices share one UpdatedDateUTC", async () => {
    const s = await start({ tenants: [{ name: "Bulk (UK)", invoices: 500, sharedTimestamp: 120 }] });
    try {
      const t = (await ctl<TenantInfo[]>(s, "GET", "/__sim/tenants"))[0]!;
      const state = await ctl<{ updatedDateUtc: string }[]>(s, "GET", `/__sim/state?tenantId=${t.tenantId}`);
      const counts = new Map<string, number>();
      for (const r of state) counts.set(r.updatedDateUtc, (counts.get(r.updatedDateUtc) ?? 0) + 1);
      expect(Math.max(...counts.values())).toBeGreaterThanOrEqual(120);
    } finally {
      await s.close();
    }
  });

  it("activity changes records in the background until switched off", async () => {
    const before = await ctl<{ lastSeq: number }>(sim, "GET", "/__sim/log");
    const tenantId = tenants[0]!.tenantId;
    const snapshot = async () => (await ctl<{ id: string; updatedDateUtc: string }[]>(sim, "GET", `/__sim/state?tenantId=${tenantId}`)).map((r) => r.updatedDateUtc).sort().at(-1);
    const newestBefore = await snapshot();
    await ctl(sim, "POST", "/__sim/clock", { advanceMs: 1000 });
    expect(await ctl(sim, "POST", "/__sim/activity", { everyMs: 20, maxCount: 2 })).toEqual({ everyMs: 20, maxCount: 2 });
    await new Promise((r) => setTimeout(r, 400));
    await ctl(sim, "POST", "/__sim/activity", { everyMs: 0 });
    const c1 = await ctl<{ id: string }[]>(sim, "GET", `/__sim/state?tenantId=${tenants[1]!.tenantId}`);
    expect((await snapshot()) !== newestBefore || c1.length > tenants[1]!.invoices).toBe(true);
    expect((await ctl<{ everyMs: number }>(sim, "GET", "/__sim/activity")).everyMs).toBe(0);
    expect(before.lastSeq).toBeGreaterThanOrEqual(0);
  });

  it("API responses carry a Xero-Correlation-Id", async () => {
    const r = await inv();
    expect(r.headers.get("xero-correlation-id")).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("control:false hides /__sim (404)", async () => {
    const s = await start({ control: false, tenants: [{ name: "Quiet", invoices: 1 }] });
    try {
      expect((await fetch(`${s.url}/__sim/health`)).status).toBe(404);
      expect((await fetch(`${s.url}/.well-known/openid-configuration`)).status).toBe(200);
    } finally {
      await s.close();
    }
  });
});

describe("control endpoints refuse what a web page could send", () => {
  // A page the demo user visits can POST text/plain cross-site without a CORS preflight; these
  // are the requests such a page (or any caller without this run's token) can make.
  const post = (path: string, headers: Record<string, string>, body = JSON.stringify({ seed: 1 })) => fetch(`${sim.url}${path}`, { method: "POST", headers, body });
  const token = () => ({ "x-sim-control-token": sim.controlToken });

  it("needs this run's token on every control endpoint, GET included", async () => {
    expect(sim.controlToken).toMatch(/^[A-Za-z0-9_-]{32}$/);
    const other = await start({ tenants: [{ name: "Other run", invoices: 1 }] });
    try {
      expect(other.controlToken).not.toBe(sim.controlToken); // a new token per start
      for (const [method, path] of [["GET", "/__sim/health"], ["GET", "/__sim/state"], ["DELETE", "/__sim/faults"], ["DELETE", "/__sim/log"]]) {
        expect((await fetch(`${sim.url}${path}`, { method })).status, `${method} ${path}`).toBe(401);
        expect((await fetch(`${sim.url}${path}`, { method, headers: { "x-sim-control-token": other.controlToken } })).status).toBe(401);
      }
      const refused = await post("/__sim/reset", { "content-type": "application/json" });
      expect(refused.status).toBe(401);
      expect(((await refused.json()) as { message: string }).message).toMatch(/x-sim-control-token/);
    } finally {
      await other.close();
    }
    expect((await fetch(`${sim.url}/__sim/health`, { headers: token() })).status).toBe(200);
  });

  it("takes JSON bodies only: text/plain, forms and a missing type are 415", async () => {
    for (const type of ["text/plain", "text/plain;charset=UTF-8", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", ""]) {
      const headers: Record<string, string> = { ...token(), ...(type ? { "content-type": type } : {}) };
      const res = await post("/__sim/clock", headers, JSON.stringify({ advanceMs: 1 }));
      expect(res.status, type || "(none)").toBe(415);
    }
    for (const method of ["PUT", "DELETE"]) {
      expect((await fetch(`${sim.url}/__sim/faults`, { method, headers: { ...token(), "content-type": "text/plain" }, body: "{}" })).status).toBe(415);
    }
    const before = await ctl<{ now: number }>(sim, "GET", "/__sim/clock");
    const ok = await post("/__sim/clock", { ...token(), "content-type": "application/json; charset=utf-8" }, JSON.stringify({ advanceMs: 0 }));
    expect(ok.status).toBe(200);
    expect(((await ok.json()) as { now: number }).now).toBeGreaterThanOrEqual(before.now);
    // No body, nothing to parse: a DELETE needs no type.
    expect((await fetch(`${sim.url}/__sim/faults`, { method: "DELETE", headers: token() })).status).toBe(200);
  });

  it("refuses a browser Origin other than the simulator's own, even with the token", async () => {
    const json = { ...token(), "content-type": "application/json" };
    for (const origin of ["http://evil.example", "null", "http://localhost:3000", `${sim.url}.evil.example`]) {
      const res = await post("/__sim/mutate", { ...json, origin }, JSON.stringify({ entity: "invoices", count: 1 }));
      expect(res.status, origin).toBe(403);
    }
    expect((await post("/__sim/mutate", { ...json, "sec-fetch-site": "cross-site" }, JSON.stringify({ entity: "invoices", count: 1 }))).status).toBe(403);
    expect((await fetch(`${sim.url}/__sim/health`, { headers: { ...token(), origin: "http://evil.example" } })).status).toBe(403);
    expect((await fetch(`${sim.url}/__sim/health`, { headers: { ...token(), origin: new URL(sim.url).origin } })).status).toBe(200);
  });

  it("a cross-site text/plain POST changes nothing", async () => {
    const before = await ctl<unknown[]>(sim, "GET", "/__sim/faults");
    const res = await post("/__sim/faults", { "content-type": "text/plain", origin: "http://evil.example", "sec-fetch-site": "cross-site" }, JSON.stringify({ kind: "500", count: 100 }));
    expect(res.status).toBe(403);
    expect(await ctl<unknown[]>(sim, "GET", "/__sim/faults")).toEqual(before);
  });
});

describe("webhooks", () => {
  let server: Server;
  let received: { body: string; signature: string }[];
  let answer: "verify" | "always-200";
  const key = "webhook-key-123";
  let url: string;
  beforeAll(async () => {
    received = [];
    answer = "verify";
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        const body = Buffer.concat(chunks).toString();
        const signature = String(req.headers["x-xero-signature"] ?? "");
        received.push({ body, signature });
        const ok = createHmac("sha256", key).update(body).digest("base64") === signature;
        res.writeHead(answer === "always-200" || ok ? 200 : 401).end();
      });
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    url = `http://127.0.0.1:${(server.address() as { port: number }).port}/api/webhooks/xero`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it("intent to receive: a correctly and an incorrectly signed request; a receiver that accepts both stays off", async () => {
    answer = "always-200";
    const off = await ctl<{ active: boolean; correctlySigned: number; incorrectlySigned: number }>(sim, "POST", "/__sim/webhooks/config", { url, key });
    expect(off).toEqual({ active: false, correctlySigned: 200, incorrectlySigned: 200 });
    answer = "verify";
    received = [];
    const on = await ctl<{ active: boolean }>(sim, "POST", "/__sim/webhooks/config", { url, key });
    expect(on).toEqual({ active: true, correctlySigned: 200, incorrectlySigned: 401 });
    expect(received.length).toBe(2);
    const itr = JSON.parse(received[0]!.body) as { events: unknown[]; entropy: string };
    expect(itr.events).toEqual([]);
    expect(itr.entropy).toMatch(/^[A-Z]{20}$/);
  });

  it("mutations arrive batched and signed, with sequence numbers", async () => {
    received = [];
    const tenantId = tenants[0]!.tenantId;
    const { changes } = await ctl<{ changes: { id: string; eventType: string }[] }>(sim, "POST", "/__sim/mutate", { tenantId, entity: "invoices", count: 3, kinds: ["create", "edit"] });
    const status = await ctl<{ deliveries: { kind: string; status: number }[] }>(sim, "GET", "/__sim/webhooks");
    expect(status.deliveries.at(-1)).toMatchObject({ kind: "events", status: 200 });
    expect(received.length).toBe(1);
    const { body, signature } = received[0]!;
    expect(signature).toBe(createHmac("sha256", key).update(body).digest("base64"));
    const payload = JSON.parse(body) as { events: { resourceId: string; eventCategory: string; eventType: string; tenantId: string; resourceUrl: string; eventDateUtc: string }[]; firstEventSequence: number; lastEventSequence: number };
    expect(payload.events.map((e) => e.resourceId)).toEqual(changes.map((c) => c.id));
    expect(payload.events.map((e) => e.eventType)).toEqual(changes.map((c) => c.eventType));
    expect(payload.events.every((e) => e.eventCategory === "INVOICE" && e.tenantId === tenantId && e.resourceUrl.endsWith(`/api.xro/2.0/Invoices/${e.resourceId}`))).toBe(true);
    expect(payload.events[0]!.eventDateUtc).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}$/);
    expect(payload.lastEventSequence - payload.firstEventSequence).toBe(2);
    await ctl(sim, "DELETE", "/__sim/webhooks/config");
  });
});
