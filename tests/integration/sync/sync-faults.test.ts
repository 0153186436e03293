/**
 * The sync under Xero's failures, against the simulator's fault injection. After each, the
 * database must equal the simulator's own state (ids, UpdatedDateUTC, status, totals).
 * Every fault is posted before the sync starts and scheduled by request number (`skip`): the
 * simulator decides as each request arrives, so a loaded machine fails the same requests as an
 * idle one. (Posting faults from the progress callback raced the pages the sync keeps in flight.)
 */
import { and, eq } from "drizzle-orm";
import { randomUUID } from "node:crypto";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { syncCursors, xeroConnections, xeroLimitScopes, xeroSessions, xeroTenants } from "@/lib/db/schema";
import { syncTenant, type SyncResult } from "@/lib/sync";
import type { FaultKind, FaultSpec } from "@/lib/xero-simulator";
import { apiLog, connectUser, createWorld, ctl, expectMirrorsSimulator, pointEnvAtSimulator, type SyncWorld } from "./harness";

const FAST = { backoffBaseMs: 20, backoffMaxMs: 200 };

describe("sync under faults", () => {
  let world: SyncWorld;
  const T = (i: number) => world.user.tenants[i]!;

  beforeAll(async () => {
    world = await createWorld([
      { name: "Paging Edits (NZ)", invoices: 3000, contacts: 1500 }, // 0
      { name: "Bulk Edit (UK)", invoices: 3000, contacts: 100, sharedTimestamp: 2500 }, // 1
      { name: "Bulk Edit Live (AU)", invoices: 3000, contacts: 100, sharedTimestamp: 2500 }, // 2
      { name: "Bursty (NZ)", invoices: 1500, contacts: 200 }, // 3
      { name: "Daily Quota (UK)", invoices: 3000, contacts: 300 }, // 4
      { name: "Flaky (AU)", invoices: 3000, contacts: 500 }, // 5
      { name: "Slow (NZ)", invoices: 800, contacts: 100 }, // 6
      { name: "Expiring Token (UK)", invoices: 3000, contacts: 200 }, // 7
      { name: "Garbled (AU)", invoices: 2500, contacts: 100 }, // 8
      { name: "Odd Values (UK)", invoices: 1200, contacts: 50 }, // 9
    ]);
  });
  afterEach(async () => {
    await ctl(world.sim, "DELETE", "/__sim/faults");
    await ctl(world.sim, "POST", "/__sim/limits", { enabled: false, resetCounters: true });
  });
  afterAll(() => world?.close());

  /**
   * Faults for single requests of one tenant, by number: `{2: ["503"]}` fails its 2nd request
   * (1-based, counted from when they are posted; retries are requests too) with a 503. Several
   * kinds for one number fail that request and the following ones, in order.
   */
  function onRequests(xeroTenantId: string, schedule: Record<number, FaultKind[]>, extra: Partial<FaultSpec> = {}): FaultSpec[] {
    return Object.entries(schedule).flatMap(([n, kinds]) => kinds.map((kind, i) => ({ kind, tenantId: xeroTenantId, skip: Number(n) - 1 + i, count: 1, ...extra })));
  }

  const ok = (r: SyncResult) => {
    expect(r.status).toBe("success");
    if (r.status !== "success") throw new Error(JSON.stringify(r));
    return r;
  };

  it("records edited, voided, deleted and archived while the sync is paging are not skipped", async () => {
    const t = T(0);
    await ctl(world.sim, "POST", "/__sim/faults", {
      faults: [
        { kind: "mutate-between-pages", tenantId: t.xeroTenantId, path: "/Invoices", entity: "invoices", times: 3, count: 40, kinds: ["edit", "void", "delete", "pay", "authorise"] },
        { kind: "mutate-between-pages", tenantId: t.xeroTenantId, path: "/Contacts", entity: "contacts", times: 1, count: 25, kinds: ["archive", "edit"] },
      ],
    });
    const r = ok(await syncTenant(world.db.db, { tenantId: t.id, trigger: "manual" }));
    const log = await apiLog(world.sim, t.xeroTenantId);
    expect(log.entries.length).toBeGreaterThanOrEqual(5);
    expect((await ctl<unknown[]>(world.sim, "GET", "/__sim/faults")).length).toBe(0); // every mutation happened
    expect(r.entities.find((e) => e.entity === "invoices")!.fetched).toBeGreaterThan(3000); // edited ones came again
    await expectMirrorsSimulator(world, t);
  });

  it("2,500 invoices sharing one UpdatedDateUTC: all stored, ceil(N/1000)+1 calls at most", async () => {
    const t = T(1);
    const r = ok(await syncTenant(world.db.db, { tenantId: t.id, trigger: "manual", entities: ["invoices"] }));
    const inv = r.entities[0]!;
    expect(inv.inserted).toBe(3000);
    expect(inv.pages).toBeLessThanOrEqual(4);
    expect(inv.repairs).toBe(0);
    await syncTenant(world.db.db, { tenantId: t.id, trigger: "manual", entities: ["contacts"] });
    await expectMirrorsSimulator(world, t);
    // Re-running pages through the shared second costs no writes.
    const again = ok(await syncTenant(world.db.db, { tenantId: t.id, trigger: "manual", entities: ["invoices"] }));
    expect(again.entities[0]!.inserted + again.entities[0]!.updated).toBe(0);
  });

  it("2,500 invoices sharing one UpdatedDateUTC while some of them are edited between pages: nothing skipped", async () => {
    const t = T(2);
    await ctl(world.sim, "POST", "/__sim/faults", {
      faults: [{ kind: "mutate-between-pages", tenantId: t.xeroTenantId, path: "/Invoices", entity: "invoices", times: 2, count: 300, kinds: ["edit", "void", "pay"] }],
    });
    const r = ok(await syncTenant(world.db.db, { tenantId: t.id, trigger: "manual" }));
    await expectMirrorsSimulator(world, t);
    // Edits of already-fetched records of the shared second shift the pages; the walk notices and re-walks.
    expect(r.entities.find((e) => e.entity === "invoices")!.repairs).toBeGreaterThanOrEqual(1);
  });

  it("429 minute-limit bursts: waits Retry-After and finishes, counting the waits", async () => {
    const t = T(3);
    await ctl(world.sim, "POST", "/__sim/faults", { kind: "429-minute", tenantId: t.xeroTenantId, count: 3, retryAfterS: 1 });
    const r = ok(await syncTenant(world.db.db, { tenantId: t.id, trigger: "manual", callOptions: FAST }));
    const [s] = await world.db.db.select().from(xeroSessions).where(eq(xeroSessions.id, r.sessionId));
    expect(s!.rateLimitWaits).toBeGreaterThanOrEqual(3);
    expect(s!.rateLimitWaitMs).toBeGreaterThanOrEqual(2000);
    expect(s!.retries).toBe(0);
    expect((s!.detail as { throttled?: Record<string, number> }).throttled).toEqual({ minute: 3 });
    await expectMirrorsSimulator(world, t);
  });

  it("the daily limit stops the sync cleanly as rate limited until Retry-After, and it resumes later from the cursor", async () => {
    const t = T(4);
    await ctl(world.sim, "POST", "/__sim/limits", { enabled: true, perDay: 3, perMinute: 1000, resetCounters: true });
    const r = await syncTenant(world.db.db, { tenantId: t.id, trigger: "manual", callOptions: FAST });
    expect(r.status).toBe("rate_limited");
    if (r.status !== "rate_limited") return;
    expect(r.rateLimitedUntil!.getTime()).toBeGreaterThan(Date.now() + 3_600_000);
    // A tenant-wide condition: every entity after the first is skipped.
    expect(r.entities.map((e) => e.outcome)).toEqual(["rate_limited", ...r.entities.slice(1).map(() => "skipped")]);
    const [tenantRow] = await world.db.db.select().from(xeroTenants).where(eq(xeroTenants.id, t.id));
    expect(tenantRow!.rateLimitedUntil?.getTime()).toBe(r.rateLimitedUntil!.getTime());
    expect(tenantRow!.syncLockOwner).toBeNull();
    const [session] = await world.db.db.select().from(xeroSessions).where(eq(xeroSessions.id, r.sessionId));
    expect(session).toMatchObject({ outcome: "rate_limited" });
    expect(session!.error).toMatch(/daily/);
    const [cursor] = await world.db.db.select().from(syncCursors).where(and(eq(syncCursors.tenantId, t.id), eq(syncCursors.entity, "invoices")));
    expect(cursor!.highWaterMark).not.toBeNull(); // the pages stored before the limit are kept

    // Until then, syncs are refused without calling Xero.
    expect(await syncTenant(world.db.db, { tenantId: t.id, trigger: "manual" })).toMatchObject({ status: "skipped", reason: "rate_limited" });

    // A day later (Xero's quota is back; we move the tenant's clock instead of waiting).
    await ctl(world.sim, "POST", "/__sim/limits", { enabled: false, resetCounters: true });
    await world.db.db.update(xeroTenants).set({ rateLimitedUntil: new Date(Date.now() - 1000) }).where(eq(xeroTenants.id, t.id));
    // On PostgreSQL every process also knows the organisation's daily stop (lib/sync/shared-limits.ts): its day passes too.
    await world.db.db.update(xeroLimitScopes).set({ dayLimitedUntil: new Date(Date.now() - 1000) }).where(eq(xeroLimitScopes.xeroTenantId, t.xeroTenantId));
    const resumed = ok(await syncTenant(world.db.db, { tenantId: t.id, trigger: "schedule" }));
    const inv = resumed.entities.find((e) => e.entity === "invoices")!;
    expect(inv.cursorBefore).toBe(cursor!.highWaterMark!.toISOString());
    expect(inv.fetched).toBeLessThan(3000);
    await expectMirrorsSimulator(world, t);
    const [after] = await world.db.db.select().from(xeroTenants).where(eq(xeroTenants.id, t.id));
    expect(after!.rateLimitedUntil).toBeNull();
  });

  it("500 and 503 on later pages and dropped connections are retried with backoff", async () => {
    const t = T(5);
    const x = t.xeroTenantId;
    // Invoices: page 1 is requests 1–2, page 2 requests 3–5, page 3 requests 6–8, the last page 9–11.
    await ctl(world.sim, "POST", "/__sim/faults", {
      faults: onRequests(x, { 1: ["500"], 3: ["503", "503"], 6: ["drop", "truncated-200"], 9: ["500", "drop"] }, { path: "/Invoices" }),
    });
    const r = ok(await syncTenant(world.db.db, { tenantId: t.id, trigger: "manual", callOptions: FAST }));
    const [s] = await world.db.db.select().from(xeroSessions).where(eq(xeroSessions.id, r.sessionId));
    expect(s!.retries).toBe(7);
    expect(s!.apiCalls).toBe(r.calls);
    const log = (await apiLog(world.sim, x)).entries.filter((e) => e.path.endsWith("/Invoices"));
    expect(log.map((e) => e.fault ?? e.status)).toEqual(["500", 200, "503", "503", 200, "drop", "truncated-200", 200, "500", "drop", 200]);
    expect(r.entities.find((e) => e.entity === "invoices")!.pages).toBe(4);
    await expectMirrorsSimulator(world, t);
  });

  it("answers that keep arriving cut short fail the sync with a clear error, never as 'no more records', and it resumes", async () => {
    const t = T(8);
    const x = t.xeroTenantId;
    // The first answer and every retry.
    await ctl(world.sim, "POST", "/__sim/faults", { kind: "truncated-200", tenantId: x, path: "/Invoices", count: 6 });
    const r = await syncTenant(world.db.db, { tenantId: t.id, trigger: "manual", entities: ["invoices"], callOptions: FAST });
    expect(r.status).toBe("error");
    if (r.status !== "error") return;
    expect(r.error).toMatch(/cut short or not JSON after 6 attempts/);
    expect(r.entities[0]).toMatchObject({ outcome: "error", pages: 0, inserted: 0 });
    expect(r.calls).toBe(6);
    const served = (await apiLog(world.sim, x)).entries.filter((e) => e.fault === "truncated-200");
    expect(served).toHaveLength(6);
    const [cursor] = await world.db.db.select().from(syncCursors).where(and(eq(syncCursors.tenantId, t.id), eq(syncCursors.entity, "invoices")));
    expect(cursor!.highWaterMark).toBeNull();
    expect(cursor!.lastError).toMatch(/cut short/);

    const again = ok(await syncTenant(world.db.db, { tenantId: t.id, trigger: "manual", callOptions: FAST }));
    expect(again.entities.find((e) => e.entity === "invoices")!.inserted).toBe(2500);
    await expectMirrorsSimulator(world, t);
  });

  it("a record value the mapper cannot store fails the sync naming the record and the field; the value reaches neither the database nor the log", async () => {
    const t = T(9);
    const marker = `MARKER-${randomUUID()}`;
    await ctl(world.sim, "POST", "/__sim/faults", { kind: "bad-value", tenantId: t.xeroTenantId, path: "/Invoices", field: "Total", value: `12.${marker}` });
    const logged: string[] = [];
    const capture = (...args: unknown[]) => void logged.push(args.map(String).join(" "));
    const spies = [vi.spyOn(console, "error").mockImplementation(capture), vi.spyOn(console, "warn").mockImplementation(capture), vi.spyOn(console, "log").mockImplementation(capture)];
    let r: SyncResult;
    try {
      r = await syncTenant(world.db.db, { tenantId: t.id, trigger: "manual", entities: ["invoices"], callOptions: FAST });
    } finally {
      for (const spy of spies) spy.mockRestore();
    }
    expect(r.status).toBe("error");
    if (r.status !== "error") return;
    expect(r.error).toMatch(/^Xero sent invoice [0-9a-f-]{36} whose Total is not a decimal number/);
    const [cursor] = await world.db.db.select().from(syncCursors).where(and(eq(syncCursors.tenantId, t.id), eq(syncCursors.entity, "invoices")));
    expect(cursor!.lastError).toBe(r.error);
    const [session] = await world.db.db.select().from(xeroSessions).where(eq(xeroSessions.id, r.sessionId));
    const stored = JSON.stringify([cursor, session, r]);
    expect(stored).not.toContain(marker);
    expect(logged.join("\n")).not.toContain(marker);

    // Once Xero sends a proper value, the next sync stores everything.
    ok(await syncTenant(world.db.db, { tenantId: t.id, trigger: "manual", callOptions: FAST }));
    await expectMirrorsSimulator(world, t);
  });

  it("a response slower than the timeout is abandoned and retried", async () => {
    const t = T(6);
    // Xero hangs on the first request: held unanswered until afterEach clears the faults, so the
    // sync can only finish by giving up on it.
    await ctl(world.sim, "POST", "/__sim/faults", { kind: "hold", tenantId: t.xeroTenantId, count: 1 });
    const r = ok(await syncTenant(world.db.db, { tenantId: t.id, trigger: "manual", callOptions: { ...FAST, timeoutMs: 700 } }));
    const [s] = await world.db.db.select().from(xeroSessions).where(eq(xeroSessions.id, r.sessionId));
    expect(s!.retries).toBe(1);
    expect(await ctl<unknown[]>(world.sim, "GET", "/__sim/faults")).toEqual([]); // the hold was used
    await expectMirrorsSimulator(world, t);
  });

  it("an access token that expires mid-sync is refreshed once and the sync continues", async () => {
    const t = T(7);
    // The second request (page 2 of invoices) finds the token expired.
    await ctl(world.sim, "POST", "/__sim/faults", { faults: onRequests(t.xeroTenantId, { 2: ["token-expired"] }) });
    const r = ok(await syncTenant(world.db.db, { tenantId: t.id, trigger: "manual", callOptions: FAST }));
    const refreshes = await world.db.db
      .select()
      .from(xeroSessions)
      .where(and(eq(xeroSessions.connectionId, world.user.connectionId), eq(xeroSessions.kind, "token_refresh")));
    expect(refreshes.filter((s) => s.outcome === "success").length).toBeGreaterThanOrEqual(1);
    const log = await apiLog(world.sim, t.xeroTenantId);
    expect(log.entries.filter((e) => e.status === 401)).toHaveLength(1);
    expect(r.entities.every((e) => e.outcome === "success")).toBe(true);
    await expectMirrorsSimulator(world, t);
  });

  it("a grant revoked mid-sync stops the sync and shows the connection as needing a reconnect", async () => {
    // Its own user and grant: revoking ends every organisation of the grant.
    const other = await connectUser(world.db.db, world.sim);
    const t = other.tenants.find((x) => x.xeroTenantId === T(0).xeroTenantId)!;
    // Revoked when the second request (page 2 of invoices) arrives.
    await ctl(world.sim, "POST", "/__sim/faults", { faults: onRequests(t.xeroTenantId, { 2: ["token-revoked"] }) });
    const r = await syncTenant(world.db.db, { tenantId: t.id, trigger: "manual", callOptions: FAST });
    expect(r.status).toBe("error");
    if (r.status !== "error") return;
    expect(r.error).toMatch(/reconnect/i);
    const [conn] = await world.db.db.select().from(xeroConnections).where(eq(xeroConnections.id, other.connectionId));
    expect(conn!.status).toBe("needs_reconnect");
    const [tenantRow] = await world.db.db.select().from(xeroTenants).where(eq(xeroTenants.id, t.id));
    expect(tenantRow!.status).toBe("needs_reconnect");
    expect(tenantRow!.syncLockOwner).toBeNull();
    const [s] = await world.db.db.select().from(xeroSessions).where(eq(xeroSessions.id, r.sessionId));
    expect(s).toMatchObject({ outcome: "error" });
    expect((s!.detail as { reconnectRequired?: boolean }).reconnectRequired).toBe(true);
    expect(await syncTenant(world.db.db, { tenantId: t.id, trigger: "manual" })).toMatchObject({ status: "skipped", reason: "needs_reconnect" });
  });

  it("403 from Xero (the organisation is no longer connected to the app) marks the tenant disconnected", async () => {
    const other = await connectUser(world.db.db, world.sim);
    const t = other.tenants[0]!;
    // Point the row at an organisation the grant does not reach: Xero answers 403 AuthenticationUnsuccessful.
    await world.db.db.update(xeroTenants).set({ xeroTenantId: "1e0c3e4a-0000-4000-8000-00000000dead" }).where(eq(xeroTenants.id, t.id));
    const r = await syncTenant(world.db.db, { tenantId: t.id, trigger: "manual", callOptions: FAST });
    expect(r).toMatchObject({ status: "error", error: expect.stringMatching(/disconnected from the app in Xero/) });
    const [row] = await world.db.db.select().from(xeroTenants).where(eq(xeroTenants.id, t.id));
    expect(row).toMatchObject({ status: "disconnected" });
    expect(row!.disconnectedAt).not.toBeNull();
    // /connections no longer lists it for this grant: disconnected in Xero, not a reconnect.
    expect(row!.statusReason).toMatch(/disconnected from the app in Xero/);
    expect(await syncTenant(world.db.db, { tenantId: t.id, trigger: "manual" })).toMatchObject({ status: "skipped", reason: "disconnected" });
  });

  it("403 while /connections cannot be read (5xx, dropped, cut short, timed out): nothing is marked, the sync fails saying so, and a later sync decides", async () => {
    const other = await connectUser(world.db.db, world.sim);
    const t = other.tenants[0]!;
    await world.db.db.update(xeroTenants).set({ xeroTenantId: "1e0c3e4a-0000-4000-8000-00000000beef" }).where(eq(xeroTenants.id, t.id));
    const unreadable: [string, FaultSpec][] = [
      ["500", { kind: "500", path: "/connections" }],
      ["503", { kind: "503", path: "/connections" }],
      ["drop", { kind: "drop", path: "/connections" }],
      ["truncated-200", { kind: "truncated-200", path: "/connections" }],
      ["hold (timeout)", { kind: "hold", path: "/connections" }],
    ];
    for (const [what, fault] of unreadable) {
      await ctl(world.sim, "POST", "/__sim/faults", { faults: [fault] });
      // The /connections request uses the app's Xero timeout (1 s is the least it allows).
      if (fault.kind === "hold") pointEnvAtSimulator(world.sim, { XERO_TIMEOUT_MS: "1000" });
      let r: SyncResult;
      try {
        r = await syncTenant(world.db.db, { tenantId: t.id, trigger: "manual", callOptions: FAST });
      } finally {
        pointEnvAtSimulator(world.sim);
        await ctl(world.sim, "DELETE", "/__sim/faults");
      }
      expect(r, what).toMatchObject({ status: "error", error: expect.stringMatching(/connections could not be read.*nothing was changed/) });
      const used = (await ctl<{ entries: { path: string; fault?: string }[] }>(world.sim, "GET", "/__sim/log?path=/connections")).entries.at(-1);
      expect(used?.fault, what).toBe(fault.kind);
      const [row] = await world.db.db.select().from(xeroTenants).where(eq(xeroTenants.id, t.id));
      expect(row, what).toMatchObject({ status: "active", disconnectedAt: null, statusReason: null });
      const [cursor] = await world.db.db.select().from(syncCursors).where(and(eq(syncCursors.tenantId, t.id), eq(syncCursors.entity, "invoices")));
      expect(cursor!.lastError, what).toMatch(/could not be read/);
    }
    // Once /connections answers, the next sync finds the organisation gone from the grant.
    expect(await syncTenant(world.db.db, { tenantId: t.id, trigger: "manual", callOptions: FAST })).toMatchObject({ status: "error" });
    const [row] = await world.db.db.select().from(xeroTenants).where(eq(xeroTenants.id, t.id));
    expect(row).toMatchObject({ status: "disconnected" });
  });
});
