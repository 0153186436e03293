import { callRoute } from "@/tests/helpers/route"; // first: sets up Next's runtime for the route module below
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { createTestDatabase, type TestDatabase } from "@/tests/helpers/db";
import { countingDb } from "@/tests/helpers/query-count";
import { resummarise, seedContacts, seedInvoices, seedTenant, seedUser } from "@/tests/helpers/seed-mirror";
import { invoices, syncCursors, xeroConnections, xeroSessions, xeroTenants, type NewXeroSession } from "@/lib/db/schema";
import { enabledEntityNames } from "@/lib/entities/enabled";
import { SYNC_ENTITIES } from "@/lib/entities/registry";
import { getTenantSyncStatuses, type TenantSyncStatus } from "@/lib/overview/sync-status";
import { countRecordsByTenant, mirrorTable } from "@/lib/overview/record-counts";
import { getOverview } from "@/lib/overview/read-model";
import { clearDataVersionCache } from "@/lib/lists/data-version-cache";
import { createApiToken } from "@/lib/api-tokens";
import { GET as getTenantsApi } from "@/app/api/v1/tenants/route";

/**
 * The one sync-status read model (overview page, Sync now panel, GET /api/v1/tenants) on a real
 * migrated database: per organisation its state (syncing, rate limited, needs reconnect, a dead
 * run shown as interrupted), the running and latest run, per-entity cursor facts and records held;
 * other users' organisations invisible; a fixed number of queries whatever the number of
 * organisations.
 */

let t: TestDatabase;
const NOW = new Date("2026-06-15T12:00:00Z");
const ago = (ms: number) => new Date(NOW.getTime() - ms);
const MIN = 60_000;
let userId: string;
let otherUserId: string;
const ids: Record<string, string> = {};
let runningSessionId: string;

function run(userId: string, tenantId: string, values: Partial<NewXeroSession>): NewXeroSession {
  return { userId, tenantId, kind: "sync", entity: "invoices,contacts", trigger: "schedule", ...values };
}

async function cursor(tenantId: string, entity: string, values: Partial<typeof syncCursors.$inferInsert>) {
  await t.db.insert(syncCursors).values({ tenantId, entity, ...values });
}

beforeAll(async () => {
  t = await createTestDatabase();
  userId = (await seedUser(t.db, { email: "status@example.test" })).id;
  otherUserId = (await seedUser(t.db, { email: "status-other@example.test" })).id;

  // Alpha: synced, holds records, its last run succeeded after an earlier failure.
  const alpha = await seedTenant(t.db, userId, { name: "Alpha Ltd" });
  const alphaContacts = await seedContacts(t.db, alpha.id, 7, { ns: 0xa1 });
  await seedInvoices(t.db, alpha.id, 11, alphaContacts, { today: NOW, ns: 0xa2 });
  for (const entity of SYNC_ENTITIES) {
    await cursor(alpha.id, entity, { highWaterMark: ago(20 * MIN), lastAttemptAt: ago(10 * MIN), lastSuccessAt: ago(10 * MIN), lastFullSyncAt: ago(86400_000) });
  }
  await t.db.insert(xeroSessions).values([
    run(userId, alpha.id, { startedAt: ago(25 * MIN), finishedAt: ago(24 * MIN), outcome: "error", error: "Xero answered 503" }),
    run(userId, alpha.id, { startedAt: ago(10 * MIN), finishedAt: ago(9 * MIN), outcome: "success", pages: 2, apiCalls: 2, recordsFetched: 18, recordsInserted: 18 }),
  ]);

  // Beta: a sync is running now (lease held, heartbeat fresh) with live counters.
  const beta = await seedTenant(t.db, userId, { name: "Beta Ltd" });
  const [running] = await t.db
    .insert(xeroSessions)
    .values(run(userId, beta.id, { trigger: "manual", startedAt: ago(MIN), heartbeatAt: ago(2_000), pages: 3, apiCalls: 4, recordsFetched: 2500, recordsInserted: 2400, recordsUpdated: 100, rateLimitWaits: 1, rateLimitWaitMs: 1500 }))
    .returning();
  runningSessionId = running!.id;
  await t.db.update(xeroTenants).set({ syncLockOwner: "test-process", syncLockExpiresAt: new Date(NOW.getTime() + MIN), syncSessionId: running!.id }).where(eq(xeroTenants.id, beta.id));

  // Gamma: stopped by Xero's daily limit; its invoices errored after their last success.
  const gamma = await seedTenant(t.db, userId, { name: "Gamma Ltd", rateLimitedUntil: new Date(NOW.getTime() + 2 * 3600_000) });
  await cursor(gamma.id, "invoices", { highWaterMark: ago(3600_000), lastSuccessAt: ago(3600_000), lastAttemptAt: ago(5 * MIN), lastError: "Xero's daily limit was reached", lastErrorAt: ago(5 * MIN) });
  await t.db.insert(xeroSessions).values(run(userId, gamma.id, { startedAt: ago(5 * MIN), finishedAt: ago(5 * MIN), outcome: "rate_limited" }));

  // Delta: its grant needs reconnecting (the connection, not the organisation row, says so).
  const delta = await seedTenant(t.db, userId, { name: "Delta Ltd" });
  await t.db.update(xeroConnections).set({ status: "needs_reconnect", statusReason: "Xero refused the refresh token; reconnect." }).where(eq(xeroConnections.id, delta.connectionId));

  // Epsilon: a run whose process died (still "running", heartbeat stale, no lease).
  const epsilon = await seedTenant(t.db, userId, { name: "Epsilon Ltd" });
  await t.db.insert(xeroSessions).values(run(userId, epsilon.id, { startedAt: ago(3600_000), heartbeatAt: ago(50 * MIN), pages: 1 }));

  // Another user's organisation, syncing, with records: never visible to the first user.
  const foreign = await seedTenant(t.db, otherUserId, { name: "Aardvark Foreign Ltd" });
  const foreignContacts = await seedContacts(t.db, foreign.id, 4, { ns: 0xf1 });
  await seedInvoices(t.db, foreign.id, 6, foreignContacts, { today: NOW, ns: 0xf2 });
  await cursor(foreign.id, "invoices", { lastSuccessAt: ago(MIN), lastError: "foreign error", lastErrorAt: NOW });
  await t.db.insert(xeroSessions).values(run(otherUserId, foreign.id, { startedAt: ago(MIN), heartbeatAt: NOW }));

  Object.assign(ids, { alpha: alpha.id, beta: beta.id, gamma: gamma.id, delta: delta.id, epsilon: epsilon.id, foreign: foreign.id });
});

afterAll(async () => {
  await t?.close();
});

const byName = (list: TenantSyncStatus[], name: string) => list.find((o) => o.name === name)!;

describe("getTenantSyncStatuses", () => {
  it("answers every organisation of the user, by name, and none of another user's", async () => {
    const orgs = await getTenantSyncStatuses(t.db, { id: userId }, { now: NOW, intervalMinutes: 15 });
    expect(orgs.map((o) => o.name)).toEqual(["Alpha Ltd", "Beta Ltd", "Delta Ltd", "Epsilon Ltd", "Gamma Ltd"]);
    expect(orgs.map((o) => o.state)).toEqual(["active", "syncing", "needs_reconnect", "active", "rate_limited"]);
    for (const o of orgs) expect(o.entities.map((e) => e.entity)).toEqual([...enabledEntityNames()]);
    // Narrowing to another user's organisation yields nothing; to one's own, just that one.
    expect(await getTenantSyncStatuses(t.db, { id: userId }, { now: NOW, tenantId: ids.foreign })).toEqual([]);
    expect((await getTenantSyncStatuses(t.db, { id: userId }, { now: NOW, tenantId: ids.gamma })).map((o) => o.name)).toEqual(["Gamma Ltd"]);
    const theirs = await getTenantSyncStatuses(t.db, { id: otherUserId }, { now: NOW });
    expect(theirs.map((o) => o.name)).toEqual(["Aardvark Foreign Ltd"]);
    expect(theirs[0]!.entities.find((e) => e.entity === "invoices")?.records).toBe(6);
  });

  it("per entity: records held, last success / attempt / error, last full sync and cursor", async () => {
    const orgs = await getTenantSyncStatuses(t.db, { id: userId }, { now: NOW, intervalMinutes: 15 });
    const alpha = byName(orgs, "Alpha Ltd");
    expect(alpha.entities.filter((e) => e.entity === "invoices" || e.entity === "contacts")).toEqual([
      { entity: "invoices", records: 11, lastSuccessAt: ago(10 * MIN), lastAttemptAt: ago(10 * MIN), lastError: null, lastErrorAt: null, lastFullSyncAt: ago(86400_000), highWaterMark: ago(20 * MIN), unavailableReason: null, enabled: true, cadenceMinutes: 15, cadenceBasis: "interval", nextDueAt: ago(-5 * MIN) },
      { entity: "contacts", records: 7, lastSuccessAt: ago(10 * MIN), lastAttemptAt: ago(10 * MIN), lastError: null, lastErrorAt: null, lastFullSyncAt: ago(86400_000), highWaterMark: ago(20 * MIN), unavailableReason: null, enabled: true, cadenceMinutes: 15, cadenceBasis: "interval", nextDueAt: ago(-5 * MIN) },
    ]);
    expect(alpha.lastRun).toMatchObject({ outcome: "success", recordsFetched: 18, startedAt: ago(10 * MIN) });
    expect(alpha.running).toBeNull();
    expect(alpha.nextSyncAt).toEqual(ago(-5 * MIN)); // its last run + 15 minutes
    const gamma = byName(orgs, "Gamma Ltd");
    expect(gamma.entities.find((e) => e.entity === "invoices")).toMatchObject({ entity: "invoices", records: 0, lastError: "Xero's daily limit was reached", lastErrorAt: ago(5 * MIN), lastSuccessAt: ago(3600_000) });
    expect(gamma.entities.find((e) => e.entity === "contacts")).toMatchObject({ entity: "contacts", records: 0, lastSuccessAt: null, lastError: null, highWaterMark: null });
  });

  it("a running sync: its session and live counters, no next sync while it runs", async () => {
    const beta = byName(await getTenantSyncStatuses(t.db, { id: userId }, { now: NOW, intervalMinutes: 15 }), "Beta Ltd");
    expect(beta.running).toMatchObject({ sessionId: runningSessionId, outcome: "running", trigger: "manual", pages: 3, recordsFetched: 2500, recordsInserted: 2400, recordsUpdated: 100, rateLimitWaits: 1, rateLimitWaitMs: 1500 });
    expect(beta.lastRun).toEqual(beta.running);
    expect(beta.queued).toBe(false);
    expect(beta.nextSyncAt).toBeNull();
  });

  it("a run whose process died shows as interrupted, and the organisation as active", async () => {
    const epsilon = byName(await getTenantSyncStatuses(t.db, { id: userId }, { now: NOW, intervalMinutes: 15 }), "Epsilon Ltd");
    expect(epsilon.state).toBe("active");
    expect(epsilon.running).toBeNull();
    expect(epsilon.lastRun).toMatchObject({ outcome: "interrupted", pages: 1 });
    expect(epsilon.nextSyncAt).toEqual(NOW); // overdue: due now
  });

  it("rate limited until Xero's day ends; needs reconnect with the connection's reason", async () => {
    const orgs = await getTenantSyncStatuses(t.db, { id: userId }, { now: NOW, intervalMinutes: 15 });
    const gamma = byName(orgs, "Gamma Ltd");
    expect(gamma.rateLimitedUntil).toEqual(new Date(NOW.getTime() + 2 * 3600_000));
    expect(gamma.nextSyncAt).toEqual(gamma.rateLimitedUntil); // not before the limit ends
    expect(gamma.lastRun?.outcome).toBe("rate_limited");
    const delta = byName(orgs, "Delta Ltd");
    expect(delta).toMatchObject({ status: "active", connectionStatus: "needs_reconnect", needsReconnect: true, statusReason: "Xero refused the refresh token; reconnect.", nextSyncAt: null, lastRun: null });
    expect(orgs.filter((o) => o.needsReconnect).map((o) => o.name)).toEqual(["Delta Ltd"]);
    expect([gamma.health, delta.health]).toEqual(["failing", "action_required"]);
    // Once the limit has passed it is active again, with no stale limit shown.
    const later = byName(await getTenantSyncStatuses(t.db, { id: userId }, { now: new Date(NOW.getTime() + 3 * 3600_000), intervalMinutes: 15 }), "Gamma Ltd");
    expect(later).toMatchObject({ state: "active", rateLimitedUntil: null });
    // No schedule, no next sync.
    expect(byName(await getTenantSyncStatuses(t.db, { id: userId }, { now: NOW, intervalMinutes: 0 }), "Alpha Ltd").nextSyncAt).toBeNull();
  });

  it("takes a fixed number of queries, whatever the number of organisations", async () => {
    const counting = await countingDb(t);
    const queriesFor = async (user: string, tenantId?: string) => {
      counting.reset();
      await getTenantSyncStatuses(counting.db, { id: user }, { now: NOW, tenantId });
      return counting.queries.length;
    };
    // The organisations with their connections, then together: cursors, latest runs, record counts.
    expect(await queriesFor(userId)).toBe(4); // five organisations
    expect(await queriesFor(userId, ids.alpha)).toBe(4);
    expect(await queriesFor(otherUserId)).toBe(4);

    // The whole overview page (sync status and both charts), cold and with the charts cached.
    const page = async (user: string) => {
      clearDataVersionCache();
      counting.reset();
      await getOverview(counting.db, { id: user }, NOW);
      const cold = counting.queries.length;
      counting.reset();
      await getOverview(counting.db, { id: user }, NOW);
      return { cold, warm: counting.queries.length };
    };
    const three = await seedUser(t.db, { email: "three@example.test" });
    for (const name of ["One", "Two", "Three"]) await seedTenant(t.db, three.id, { name });
    const one = await seedUser(t.db, { email: "one@example.test" });
    await seedTenant(t.db, one.id, { name: "Only" });
    expect(await page(three.id)).toEqual(await page(one.id));
    expect(await page(three.id)).toEqual({ cold: 7, warm: 4 }); // the status's 4, then aging (1) and invoiced vs paid (2) unless cached
  });
});

describe("getOverview", () => {
  it("keeps the charts until a sync stores something (its cursor moves) or the organisation changes", async () => {
    clearDataVersionCache();
    const owner = await seedUser(t.db, { email: "charts@example.test" });
    const org = await seedTenant(t.db, owner.id, { name: "Charts Ltd" });
    expect((await getOverview(t.db, owner, NOW)).aging).toEqual([]);
    // Stored without moving the cursor (nothing a sync does): the cached charts stand.
    await t.db.insert(invoices).values({ tenantId: org.id, invoiceId: crypto.randomUUID(), type: "ACCREC", status: "AUTHORISED", xeroUpdatedAt: NOW, raw: {}, total: "40", amountDue: "40", currencyCode: "NZD", dueDate: "2026-06-30" });
    await resummarise(t.db, [org.id], ["invoices"]);
    expect((await getOverview(t.db, owner, NOW)).aging).toEqual([]);
    // The sync's page transaction advances the cursor with the records: recomputed.
    await cursor(org.id, "invoices", { highWaterMark: NOW });
    expect((await getOverview(t.db, owner, NOW)).aging[0]?.buckets[0]).toEqual({ bucket: "current", amount: "40.0000", count: 1 });
    await t.db.delete(invoices).where(eq(invoices.tenantId, org.id));
    await resummarise(t.db, [org.id], ["invoices"]);
    await t.db.update(xeroTenants).set({ status: "disconnected" }).where(eq(xeroTenants.id, org.id));
    expect((await getOverview(t.db, owner, NOW)).aging).toEqual([]);
  });
});

describe("countRecordsByTenant", () => {
  it("counts each table's rows per tenant in one statement, only for the tenants asked", async () => {
    const counting = await countingDb(t);
    const tables = SYNC_ENTITIES.map(mirrorTable);
    const counts = await countRecordsByTenant(counting.db, tables, [ids.alpha!, ids.beta!]);
    expect(counting.queries).toHaveLength(1);
    expect([...counts.keys()]).toEqual([...SYNC_ENTITIES]);
    expect(Object.fromEntries(counts.get("invoices")!)).toEqual({ [ids.alpha!]: 11 });
    expect(Object.fromEntries(counts.get("contacts")!)).toEqual({ [ids.alpha!]: 7 });
    // The same table listed twice under two names (as a registry of many entities would list many tables).
    const twice = await countRecordsByTenant(t.db, [...tables, { entity: "again", table: mirrorTable("invoices").table }], [ids.alpha!, ids.foreign!]);
    expect(Object.fromEntries(twice.get("again")!)).toEqual({ [ids.alpha!]: 11, [ids.foreign!]: 6 });
    expect((await countRecordsByTenant(t.db, tables, [])).get("invoices")?.size).toBe(0);
  });
});

describe("GET /api/v1/tenants", () => {
  it("answers the read model for the token's user, dates as ISO strings", async () => {
    const { token } = await createApiToken(t.db, userId, { name: "status test" });
    const res = await callRoute(getTenantsApi, new Request("http://localhost/api/v1/tenants", { headers: { authorization: `Bearer ${token}` } }), t);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { data: { id: string; name: string; lastRun: { sessionId: string; startedAt: string } | null; entities: { entity: string; records: number }[] }[] };
    expect(body.data.map((o) => o.name)).toEqual(["Alpha Ltd", "Beta Ltd", "Delta Ltd", "Epsilon Ltd", "Gamma Ltd"]);
    // The route reads at the real clock, long after NOW: Beta's run is its latest, no longer running.
    expect(body.data.find((o) => o.name === "Beta Ltd")?.lastRun).toMatchObject({ sessionId: runningSessionId, startedAt: ago(MIN).toISOString() });
    expect(body.data.find((o) => o.name === "Alpha Ltd")?.entities.slice(0, 2)).toMatchObject([{ entity: "invoices", records: 11 }, { entity: "contacts", records: 7 }]);
    expect(JSON.stringify(body)).not.toContain(ids.foreign);
  });
});
