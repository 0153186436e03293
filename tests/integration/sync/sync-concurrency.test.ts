import { entity } from "@/lib/entities/registry";
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase, type DatabaseHandle } from "@/lib/db/client";
import { xeroSessions, xeroTenants } from "@/lib/db/schema";
import { requestSync, runScheduledSyncs, syncTenant, waitForBackgroundSyncs } from "@/lib/sync";
import { getTenantSyncStatuses } from "@/lib/overview/sync-status";
import { testDbKind } from "@/tests/helpers/db";
import { connectUser, createWorld, ctl, expectMirrorsSimulator, type SyncWorld } from "./harness";

describe("sync: one at a time per tenant, background requests, status, scheduler", () => {
  let world: SyncWorld;

  beforeAll(async () => {
    world = await createWorld([
      { name: "Alpha (NZ)", invoices: 1500, contacts: 300 },
      { name: "Beta (UK)", invoices: 300, contacts: 50 },
      { name: "Gamma (AU)", invoices: 300, contacts: 50 },
    ]);
  });
  afterAll(() => world?.close());

  /** Once the sync's request has reached the simulator's hold (not before: it would stay held), lets it go on. */
  async function releaseHeldRequest() {
    expect((await ctl<{ held: unknown[] }>(world.sim, "GET", "/__sim/faults/held?atLeast=1")).held).toHaveLength(1);
    expect(await ctl(world.sim, "POST", "/__sim/faults/release")).toEqual({ released: 1 });
  }

  it(`two syncs of one tenant started at once (${testDbKind() === "postgres" ? "two database handles, as two processes" : "one PGlite handle: PGlite is one process"}): one runs, the other is told and gets its session id`, async () => {
    const tenant = world.user.tenants[0]!;
    let second: DatabaseHandle | undefined;
    if (world.db.url) second = await openDatabase({ url: world.db.url, max: 2 });
    try {
      const other = second?.db ?? world.db.db;
      // Whichever takes the lease is held at its first request to Xero until the other has been
      // told, so the two overlap however the machine schedules them.
      await ctl(world.sim, "POST", "/__sim/faults", { kind: "hold", count: 1, tenantId: tenant.xeroTenantId });
      const both = [syncTenant(world.db.db, { tenantId: tenant.id, trigger: "manual" }), syncTenant(other, { tenantId: tenant.id, trigger: "manual" })];
      expect(await Promise.race(both)).toMatchObject({ status: "already_running" });
      await releaseHeldRequest();
      const results = await Promise.all(both);
      const ran = results.find((r) => r.status === "success");
      const told = results.find((r) => r.status === "already_running");
      expect(ran).toBeDefined();
      expect(told).toBeDefined();
      if (ran?.status !== "success" || told?.status !== "already_running") return;
      expect(told.sessionId).toBe(ran.sessionId);
      const sessions = await world.db.db.select().from(xeroSessions).where(eq(xeroSessions.tenantId, tenant.id));
      expect(sessions.filter((s) => s.kind === "sync")).toHaveLength(1);
      await expectMirrorsSimulator(world, tenant);
      const [row] = await world.db.db.select().from(xeroTenants).where(eq(xeroTenants.id, tenant.id));
      expect(row!.syncLockOwner).toBeNull();
    } finally {
      await ctl(world.sim, "DELETE", "/__sim/faults");
      await second?.close();
    }
  });

  it("requestSync starts in the background, its progress is readable while it runs, and status shows the outcome", async () => {
    const tenant = world.user.tenants[1]!;
    // Held at its first request to Xero until the test has looked at it running.
    await ctl(world.sim, "POST", "/__sim/faults", { kind: "hold", count: 1, tenantId: tenant.xeroTenantId });
    const started = await requestSync(world.db.db, { userId: world.user.userId, tenantId: tenant.id, trigger: "manual" });
    expect(started.status).toBe("started");
    if (started.status !== "started") return;
    const again = await requestSync(world.db.db, { userId: world.user.userId, tenantId: tenant.id });
    expect(again).toEqual({ status: "already_running", sessionId: started.sessionId });

    await ctl(world.sim, "GET", "/__sim/faults/held?atLeast=1");
    const running = (await getTenantSyncStatuses(world.db.db, { id: world.user.userId })).find((s) => s.id === tenant.id)!;
    expect(running.running?.sessionId).toBe(started.sessionId);
    await releaseHeldRequest();
    await waitForBackgroundSyncs();
    const status = (await getTenantSyncStatuses(world.db.db, { id: world.user.userId })).find((s) => s.id === tenant.id)!;
    expect(status.running).toBeNull();
    expect(status.lastRun).toMatchObject({ sessionId: started.sessionId, outcome: "success", error: null });
    for (const e of status.entities) {
      expect(e.lastSuccessAt).not.toBeNull();
      // Entities without UpdatedDateUTC (tax rates, tracking categories) have no high-water mark.
      if (entity(e.entity).walk.kind !== "refresh") expect(e.highWaterMark).not.toBeNull();
      expect(e.lastError).toBeNull();
    }
    await expectMirrorsSimulator(world, tenant);
  });

  it("requestSync refuses a tenant of another user", async () => {
    const stranger = await connectUser(world.db.db, world.sim);
    await expect(requestSync(world.db.db, { userId: stranger.userId, tenantId: world.user.tenants[0]!.id })).rejects.toMatchObject({ type: "not_found" });
  });

  it("a webhook arriving while a sync runs gets one more sync after it; a second 'Sync now' just follows", async () => {
    const db = world.db.db;
    const gamma = world.user.tenants[2]!;
    // The first sync is held at its first request to Xero until the webhook has come in.
    await ctl(world.sim, "POST", "/__sim/faults", { kind: "hold", count: 1, tenantId: gamma.xeroTenantId });
    const first = await requestSync(db, { userId: world.user.userId, tenantId: gamma.id, trigger: "manual" });
    expect(first.status).toBe("started");
    if (first.status !== "started") return;
    const now = await requestSync(db, { userId: world.user.userId, tenantId: gamma.id });
    expect(now).toEqual({ status: "already_running", sessionId: first.sessionId });
    // Edits in Xero, announced by a webhook while the first sync is still paging.
    await ctl(world.sim, "POST", "/__sim/mutate", { tenantId: gamma.xeroTenantId, entity: "invoices", count: 3, kinds: ["edit"] });
    const hook = await requestSync(db, { userId: world.user.userId, tenantId: gamma.id, trigger: "webhook", followUpIfRunning: true });
    expect(hook).toEqual({ status: "already_running", sessionId: first.sessionId, followUp: true });
    await releaseHeldRequest();
    await waitForBackgroundSyncs();

    const runs = await db
      .select()
      .from(xeroSessions)
      .where(and(eq(xeroSessions.tenantId, gamma.id), eq(xeroSessions.kind, "sync")))
      .orderBy(xeroSessions.startedAt);
    expect(runs.map((r) => [r.trigger, r.outcome])).toEqual([
      ["manual", "success"],
      ["webhook", "success"],
    ]);
    expect(runs[0]!.id).toBe(first.sessionId);
    expect(runs[1]!.startedAt.getTime()).toBeGreaterThanOrEqual(runs[0]!.finishedAt!.getTime());
    const [row] = await db.select().from(xeroTenants).where(eq(xeroTenants.id, gamma.id));
    expect(row!.syncRequestedAt).toBeNull();
    expect(row!.syncLockOwner).toBeNull();
    await expectMirrorsSimulator(world, gamma);
  });

  it("the scheduler syncs every tenant that can sync and skips rate-limited and reconnect-needed ones", async () => {
    const [alpha, beta, gamma] = world.user.tenants;
    await world.db.db.update(xeroTenants).set({ rateLimitedUntil: new Date(Date.now() + 6 * 3_600_000) }).where(eq(xeroTenants.id, beta!.id));
    await world.db.db.update(xeroTenants).set({ status: "needs_reconnect", statusReason: "test" }).where(eq(xeroTenants.id, alpha!.id));
    // Two hours on: every organisation's slot has come and its entities are due again (this file synced them minutes ago).
    const later = Date.now() + 2 * 3_600_000;
    const all = await runScheduledSyncs(world.db.db, { now: () => later });
    const mine = new Set(world.user.tenants.map((t) => t.id));
    const ran = all.filter((r) => mine.has(r.tenantId)); // the other test's user has tenants too
    expect(ran.map((r) => r.tenantId)).toEqual([gamma!.id]);
    expect(ran[0]!.result.status).toBe("success");
    const [session] = await world.db.db.select().from(xeroSessions).where(eq(xeroSessions.id, (ran[0]!.result as { sessionId: string }).sessionId));
    expect(session!.trigger).toBe("schedule");
    await expectMirrorsSimulator(world, gamma!);
    // A manual request for the rate-limited tenant is told why nothing happens.
    const told = await requestSync(world.db.db, { userId: world.user.userId, tenantId: beta!.id });
    expect(told).toMatchObject({ status: "skipped", reason: "rate_limited" });
  });
});
