/**
 * The schedule's controls against a real simulator and database: a scheduled sync walks only what
 * its cadence makes due (Sync now walks everything), an entity turned off is never walked, a paused
 * organisation is not scheduled, each organisation keeps its own interval in the app's scheduler,
 * the status says how each does against its schedule, and every control refuses another user's
 * organisation and an entity the grant cannot read.
 */
import { and, eq, ne } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { syncCursors, xeroConnections, xeroSessions, xeroTenants } from "@/lib/db/schema";
import { staggerOffsetMs } from "@/lib/jobs/stagger";
import { byAttention, getTenantSyncStatuses } from "@/lib/overview/sync-status";
import { listSchedulableTenants, runHousekeeping, runScheduledSyncs, syncTenant } from "@/lib/sync";
import { pauseSchedule, resumeSchedule, setEntityEnabled, setSyncInterval } from "@/lib/sync/settings";
import { apiLog, connectUser, createWorld, pointEnvAtSimulator, type SyncWorld } from "./harness";

const ENTITIES = "invoices,contacts,accounts,taxRates,journals";
const HOUR = 3_600_000;

describe("sync: the schedule's cadence and controls", () => {
  let world: SyncWorld;
  let a: SyncWorld["user"]["tenants"][number];
  let b: SyncWorld["user"]["tenants"][number];
  const reader = () => ({ id: world.user.userId });

  beforeAll(async () => {
    world = await createWorld([
      { name: "Alpha Ltd", invoices: 30, contacts: 10 },
      { name: "Beta Ltd", invoices: 20, contacts: 5 },
    ]);
    // Journals enabled, but the grant lacks accounting.journals.read (Xero's Advanced plan).
    pointEnvAtSimulator(world.sim, { XERO_SYNC_ENTITIES: ENTITIES, SYNC_INTERVAL_MINUTES: "60" });
    [a, b] = world.user.tenants as [typeof a, typeof b];
  });
  afterAll(() => world?.close());

  const endpointsCalled = async (xeroTenantId: string, since: number) => (await apiLog(world.sim, xeroTenantId, since)).entries.map((e) => e.path.split("/").pop());

  it("a scheduled sync walks only the entities due by their cadence; Sync now walks every one", async () => {
    const start = Date.now();
    const first = await syncTenant(world.db.db, { tenantId: a.id, trigger: "manual", now: () => start });
    expect(first.status).toBe("success");

    // An hour later: invoices and contacts are due; the chart of accounts (12 h) and tax rates (24 h) are not.
    let seq = (await apiLog(world.sim, a.xeroTenantId)).lastSeq;
    const hourLater = await syncTenant(world.db.db, { tenantId: a.id, trigger: "schedule", now: () => start + HOUR });
    if (hourLater.status !== "success") throw new Error(hourLater.status);
    const notDue = hourLater.entities.filter((e) => e.notDue).map((e) => e.entity);
    // Journals: this grant cannot read them, so the schedule leaves them to a reconnect.
    expect(notDue.sort()).toEqual(["accounts", "journals", "taxRates"]);
    expect(hourLater.calls).toBe(2);
    expect((await endpointsCalled(a.xeroTenantId, seq)).sort()).toEqual(["Contacts", "Invoices"]);

    // Half an hour after that nothing is due: not one call, and no empty run in the sessions log.
    const runsBefore = (await world.db.db.select().from(xeroSessions).where(and(eq(xeroSessions.tenantId, a.id), eq(xeroSessions.kind, "sync")))).length;
    seq = (await apiLog(world.sim, a.xeroTenantId)).lastSeq;
    const soon = await syncTenant(world.db.db, { tenantId: a.id, trigger: "schedule", now: () => start + 1.5 * HOUR });
    expect(soon).toEqual({ status: "skipped", reason: "not_due" });
    expect(await endpointsCalled(a.xeroTenantId, seq)).toEqual([]);
    expect((await world.db.db.select().from(xeroSessions).where(and(eq(xeroSessions.tenantId, a.id), eq(xeroSessions.kind, "sync")))).length).toBe(runsBefore);

    // Twelve hours on, the chart of accounts is due too.
    const noon = await syncTenant(world.db.db, { tenantId: a.id, trigger: "schedule", now: () => start + 12 * HOUR });
    if (noon.status !== "success") throw new Error(noon.status);
    expect(noon.entities.filter((e) => e.notDue).map((e) => e.entity)).toEqual(["taxRates", "journals"]);

    // Sync now at the same instant walks every entity (tax rates by their own 24 h refresh aside).
    seq = (await apiLog(world.sim, a.xeroTenantId)).lastSeq;
    const manual = await syncTenant(world.db.db, { tenantId: a.id, trigger: "manual", now: () => start + 12.1 * HOUR });
    if (manual.status !== "success") throw new Error(manual.status);
    expect((await endpointsCalled(a.xeroTenantId, seq)).sort()).toEqual(["Accounts", "Contacts", "Invoices"]);
  });

  it("an entity turned off is never walked, by any trigger; turned on again, it syncs", async () => {
    await setEntityEnabled(world.db.db, world.user.userId, a.id, "contacts", false);
    const seq = (await apiLog(world.sim, a.xeroTenantId)).lastSeq;
    for (const trigger of ["manual", "schedule", "webhook"] as const) {
      const r = await syncTenant(world.db.db, { tenantId: a.id, trigger, full: true });
      if (r.status !== "success") throw new Error(r.status);
      expect(r.entities.map((e) => e.entity)).not.toContain("contacts");
    }
    // Even asked for by name.
    const named = await syncTenant(world.db.db, { tenantId: a.id, trigger: "cli", entities: ["contacts"] });
    if (named.status !== "success") throw new Error(named.status);
    expect(named.entities).toEqual([]);
    expect(await endpointsCalled(a.xeroTenantId, seq)).not.toContain("Contacts");
    const [status] = await getTenantSyncStatuses(world.db.db, reader(), { tenantId: a.id });
    expect(status!.entities.find((e) => e.entity === "contacts")).toMatchObject({ enabled: false, nextDueAt: null });

    await setEntityEnabled(world.db.db, world.user.userId, a.id, "contacts", true);
    const on = await syncTenant(world.db.db, { tenantId: a.id, trigger: "manual" });
    if (on.status !== "success") throw new Error(on.status);
    expect(on.entities.map((e) => e.entity)).toContain("contacts");
  });

  it("refuses an entity the grant cannot read, one this installation does not sync, and another user's organisation", async () => {
    await expect(setEntityEnabled(world.db.db, world.user.userId, a.id, "journals", true)).rejects.toMatchObject({ type: "bad_request", publicMessage: expect.stringMatching(/Advanced/) });
    await expect(setEntityEnabled(world.db.db, world.user.userId, a.id, "payments", true)).rejects.toMatchObject({ type: "bad_request" });
    const other = await connectUser(world.db.db, world.sim, "other-schedule@example.com");
    for (const attempt of [
      () => setEntityEnabled(world.db.db, other.userId, a.id, "invoices", false),
      () => setSyncInterval(world.db.db, other.userId, a.id, 240),
      () => pauseSchedule(world.db.db, other.userId, a.id),
      () => resumeSchedule(world.db.db, other.userId, a.id),
    ]) {
      await expect(attempt()).rejects.toMatchObject({ type: "not_found" });
    }
    const [row] = await world.db.db.select().from(xeroTenants).where(eq(xeroTenants.id, a.id));
    expect(row).toMatchObject({ syncIntervalMinutes: null, syncPausedAt: null });
    const cursors = await world.db.db.select().from(syncCursors).where(eq(syncCursors.tenantId, a.id));
    expect(cursors.every((c) => c.disabledAt === null)).toBe(true);
  });

  it("the app's scheduler: a paused organisation is not scheduled; each keeps its own interval's slot", async () => {
    const now = Date.now();
    await world.db.db.update(xeroTenants).set({ nextSyncAt: null });
    // The other user's connection (the test before) reaches the same organisations: out of this test's way.
    await world.db.db.update(xeroTenants).set({ syncPausedAt: new Date() }).where(ne(xeroTenants.userId, world.user.userId));
    await pauseSchedule(world.db.db, world.user.userId, b.id);
    expect((await listSchedulableTenants(world.db.db)).map((t) => t.id)).not.toContain(b.id);
    await setSyncInterval(world.db.db, world.user.userId, a.id, 240, new Date(now));
    const [slotted] = await world.db.db.select().from(xeroTenants).where(eq(xeroTenants.id, a.id));
    const slot = slotted!.nextSyncAt!.getTime();
    expect(slot).toBeGreaterThan(now);
    expect(slot - now).toBeLessThanOrEqual(240 * 60_000);
    expect((slot - staggerOffsetMs(a.id, 240 * 60_000)) % (240 * 60_000)).toBe(0);

    // Before the slot: nothing; at it: Alpha only (Beta paused), and its next slot one interval on.
    expect(await runScheduledSyncs(world.db.db, { now: () => slot - 60_000 })).toEqual([]);
    const ran = await runScheduledSyncs(world.db.db, { now: () => slot });
    expect(ran.map((r) => r.tenantId)).toEqual([a.id]);
    const [after] = await world.db.db.select().from(xeroTenants).where(eq(xeroTenants.id, a.id));
    expect(after!.nextSyncAt!.getTime()).toBe(slot + 240 * 60_000);

    await resumeSchedule(world.db.db, world.user.userId, b.id);
    expect((await listSchedulableTenants(world.db.db)).map((t) => t.id)).toContain(b.id);
    await setSyncInterval(world.db.db, world.user.userId, a.id, null);
  });

  it("a paused organisation's grant is kept alive by the app's scheduler too (its hourly upkeep)", async () => {
    await pauseSchedule(world.db.db, world.user.userId, a.id);
    const old = new Date(Date.now() - 40 * 86_400_000);
    await world.db.db.update(xeroConnections).set({ refreshTokenIssuedAt: old }).where(eq(xeroConnections.id, world.user.connectionId));
    await runHousekeeping(world.db.db, { upkeep: true });
    const [conn] = await world.db.db.select().from(xeroConnections).where(eq(xeroConnections.id, world.user.connectionId));
    expect(conn!.status).toBe("active");
    expect(conn!.refreshTokenIssuedAt!.getTime()).toBeGreaterThan(old.getTime());
    await resumeSchedule(world.db.db, world.user.userId, a.id);
  });

  it("the status against the schedule: on time, paused, late, failing, action required, sorted by attention", async () => {
    await syncTenant(world.db.db, { tenantId: b.id, trigger: "manual" });
    const now = new Date();
    const health = async (at = now) => Object.fromEntries((await getTenantSyncStatuses(world.db.db, reader(), { now: at })).map((s) => [s.name, s.health]));
    expect(await health()).toEqual({ "Alpha Ltd": "on_time", "Beta Ltd": "on_time" });
    const [alpha] = await getTenantSyncStatuses(world.db.db, reader(), { tenantId: a.id, now });
    expect(alpha!.entities.find((e) => e.entity === "accounts")).toMatchObject({ enabled: true, cadenceMinutes: 720, cadenceBasis: "rarely_changes" });
    expect(alpha!.entities.find((e) => e.entity === "invoices")!.nextDueAt!.getTime()).toBeGreaterThan(now.getTime());

    await pauseSchedule(world.db.db, world.user.userId, b.id);
    expect((await health())["Beta Ltd"]).toBe("paused");
    // Three hours with no success of an hourly entity: late (2× grace); a paused one is not late.
    const later = new Date(now.getTime() + 3 * HOUR);
    expect(await health(later)).toEqual({ "Alpha Ltd": "late", "Beta Ltd": "paused" });

    await world.db.db.update(syncCursors).set({ lastError: "Xero answered 500", lastErrorAt: new Date(now.getTime() + 1000) }).where(eq(syncCursors.tenantId, b.id));
    expect((await health())["Beta Ltd"]).toBe("failing");
    await world.db.db.update(xeroConnections).set({ status: "needs_reconnect" }).where(eq(xeroConnections.id, world.user.connectionId));
    const statuses = await getTenantSyncStatuses(world.db.db, reader(), { now });
    expect(statuses.map((s) => s.health)).toEqual(["action_required", "action_required"]);
    await world.db.db.update(xeroConnections).set({ status: "active" }).where(eq(xeroConnections.id, world.user.connectionId));
    const sorted = (await getTenantSyncStatuses(world.db.db, reader(), { now: later })).sort(byAttention);
    expect(sorted.map((s) => [s.name, s.health])).toEqual([
      ["Beta Ltd", "failing"],
      ["Alpha Ltd", "late"],
    ]);
    expect(sorted[0]!.healthReason).toMatch(/Xero answered 500/);
  });
});
