import { and, eq } from "drizzle-orm";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { resetEnvCache } from "@/lib/env";
import { syncCursors, xeroSessions, xeroTenants } from "@/lib/db/schema";
import { drainSyncs, poolSize, reopenSyncs, requestSync, startFirstSyncs, syncTenant, waitForBackgroundSyncs } from "@/lib/sync";
import { getTenantSyncStatuses } from "@/lib/overview/sync-status";
import { submit, MAX_QUEUED } from "@/lib/sync/background";
import { schedulerState } from "@/lib/sync/scheduler-state";
import type { XeroSource } from "@/lib/sync/source";
import { createXeroSource } from "@/lib/sync/xero-source";
import { completeXeroConnect } from "@/lib/xero/connect-flow";
import { testDbKind } from "@/tests/helpers/db";
import { createUser, startAndConsent, useSimulatorEnv } from "../auth/helpers";
import { createWorld, expectMirrorsSimulator, pointEnvAtSimulator, type SyncWorld } from "./harness";

/**
 * The process's background syncs: a bound on how many run at once (the rest queued), the drain on
 * shutdown (stop at a page boundary, resumable, session interrupted, lease released), the time
 * bound of one sync, and the first syncs Connect Xero starts. Every stop is triggered by page
 * number or by a gate the test opens, never by a timer racing the sync.
 */

/** The real source (xero-node against the simulator), whose first request waits until `open()`. */
function gatedSource(): { source: XeroSource; open: () => void; entered: Promise<void> } {
  const real = createXeroSource();
  let open!: () => void;
  let entered!: () => void;
  const gate = new Promise<void>((r) => (open = r));
  const enteredP = new Promise<void>((r) => (entered = r));
  const wait = async () => {
    entered();
    await gate;
  };
  return {
    source: {
      list: async (e, t, x, q) => (await wait(), real.list(e, t, x, q)),
      classify: (e) => real.classify(e),
    },
    open,
    entered: enteredP,
  };
}

async function sessionsOf(world: SyncWorld, tenantId: string) {
  return (await world.db.db.select().from(xeroSessions).where(and(eq(xeroSessions.tenantId, tenantId), eq(xeroSessions.kind, "sync")))).sort(
    (a, b) => a.startedAt.getTime() - b.startedAt.getTime(),
  );
}

describe(`background syncs on ${testDbKind()}`, () => {
  let world: SyncWorld;
  beforeAll(async () => {
    world = await createWorld([
      { name: "Alpha (NZ)", invoices: 1500, contacts: 120 },
      { name: "Beta (UK)", invoices: 300, contacts: 40 },
      { name: "Gamma (AU)", invoices: 200, contacts: 30 },
    ]);
  });
  afterAll(() => world?.close());
  afterEach(async () => {
    await waitForBackgroundSyncs();
    reopenSyncs();
    delete process.env.SYNC_MAX_CONCURRENT;
    resetEnvCache();
  });

  it("runs at most SYNC_MAX_CONCURRENT at once; the rest wait their turn, one place per organisation", async () => {
    process.env.SYNC_MAX_CONCURRENT = "1";
    resetEnvCache();
    const [alpha, beta] = world.user.tenants;
    const gated = gatedSource();
    const first = await requestSync(world.db.db, { userId: world.user.userId, tenantId: alpha!.id }, { source: gated.source });
    expect(first.status).toBe("started");
    await gated.entered; // alpha holds the only slot, waiting at its first request
    expect(await requestSync(world.db.db, { userId: world.user.userId, tenantId: beta!.id })).toEqual({ status: "queued", sessionId: null });
    expect(await requestSync(world.db.db, { userId: world.user.userId, tenantId: beta!.id, trigger: "webhook" })).toEqual({ status: "queued", sessionId: null });
    expect(poolSize()).toEqual({ active: 1, queued: 1, limit: 1 });
    const status = await getTenantSyncStatuses(world.db.db, { id: world.user.userId });
    expect(status.find((s) => s.id === beta!.id)?.queued).toBe(true);
    expect(await sessionsOf(world, beta!.id)).toHaveLength(0); // nothing started for it yet

    gated.open();
    await waitForBackgroundSyncs();
    const [a] = await sessionsOf(world, alpha!.id);
    const bs = await sessionsOf(world, beta!.id);
    expect(a?.outcome).toBe("success");
    expect(bs).toHaveLength(1); // the second request joined the first
    expect(bs[0]!.outcome).toBe("success");
    expect(bs[0]!.startedAt.getTime()).toBeGreaterThanOrEqual(a!.finishedAt!.getTime());
    expect(poolSize()).toMatchObject({ active: 0, queued: 0 });
    await expectMirrorsSimulator(world, beta!);
  });

  it("refuses with a reason once the queue is full", async () => {
    process.env.SYNC_MAX_CONCURRENT = "1";
    resetEnvCache();
    let open!: () => void;
    const gate = new Promise<void>((r) => (open = r));
    const admitted = Array.from({ length: MAX_QUEUED + 2 }, (_, i) => submit({ key: `k${i}`, tenantIds: [], run: () => gate }));
    expect(admitted[0]).toBe("started");
    expect(admitted.slice(1, MAX_QUEUED + 1).every((a) => a === "queued")).toBe(true);
    expect(admitted.at(-1)).toBe("busy");
    open();
  });

  it("a drain after page 3 stops the sync at the next page boundary: interrupted, lease released, resumable", async () => {
    const alpha = world.user.tenants[0]!;
    await world.db.db.delete(syncCursors).where(eq(syncCursors.tenantId, alpha.id));
    let drained: Promise<{ dropped: number; stopped: boolean }> | undefined;
    const started = await requestSync(
      world.db.db,
      { userId: world.user.userId, tenantId: alpha.id, full: true },
      {
        pageSize: 100,
        writeDepth: 1,
        onProgress: (e) => {
          if (e.entity === "invoices" && e.page === 3) drained = drainSyncs(0);
        },
      },
    );
    expect(started.status).toBe("started");
    await waitForBackgroundSyncs();
    expect(await drained).toEqual({ dropped: 0, stopped: true });

    const [session] = (await sessionsOf(world, alpha.id)).slice(-1);
    expect(session).toMatchObject({ outcome: "interrupted", pages: 4 }); // page 4 was already on its way
    expect(session!.error).toMatch(/shut down; the next sync continues/);
    const [row] = await world.db.db.select().from(xeroTenants).where(eq(xeroTenants.id, alpha.id));
    expect(row!.syncLockOwner).toBeNull();
    const [cursor] = await world.db.db.select().from(syncCursors).where(and(eq(syncCursors.tenantId, alpha.id), eq(syncCursors.entity, "invoices")));
    expect(cursor!.highWaterMark).not.toBeNull(); // four pages committed, the cursor after them
    // While draining nothing new starts.
    expect(await requestSync(world.db.db, { userId: world.user.userId, tenantId: alpha.id })).toEqual({ status: "skipped", reason: "shutting_down" });

    reopenSyncs();
    const resumed = await syncTenant(world.db.db, { tenantId: alpha.id, trigger: "manual" });
    expect(resumed.status).toBe("success");
    if (resumed.status === "success") expect(resumed.entities.find((e) => e.entity === "invoices")?.cursorBefore).toBe(cursor!.highWaterMark!.toISOString());
    await expectMirrorsSimulator(world, alpha);
  });

  it("a drain lets a running sync finish within the grace period", async () => {
    const gamma = world.user.tenants[2]!;
    const gated = gatedSource();
    expect((await requestSync(world.db.db, { userId: world.user.userId, tenantId: gamma.id }, { source: gated.source })).status).toBe("started");
    await gated.entered;
    const drained = drainSyncs(10 * 60_000);
    expect(await requestSync(world.db.db, { userId: world.user.userId, tenantId: world.user.tenants[1]!.id })).toMatchObject({ reason: "shutting_down" });
    gated.open();
    expect(await drained).toEqual({ dropped: 0, stopped: false });
    expect((await sessionsOf(world, gamma.id)).at(-1)?.outcome).toBe("success");
  });

  it("one sync has an overall time bound: it stops at a page boundary, interrupted and resumable", async () => {
    const alpha = world.user.tenants[0]!;
    let clock = 0;
    const result = await syncTenant(world.db.db, {
      tenantId: alpha.id,
      trigger: "manual",
      full: true,
      pageSize: 100,
      writeDepth: 1,
      maxDurationMs: 1000,
      now: () => clock,
      onProgress: () => {
        clock += 400; // each committed page "takes" 400 ms: page 4 arrives after the bound
      },
    });
    expect(result.status).toBe("interrupted");
    if (result.status !== "interrupted") return;
    expect(result.entities.map((e) => [e.entity, e.outcome, e.pages])).toEqual([["invoices", "skipped", 4], ...result.entities.slice(1).map((e) => [e.entity, "skipped", 0])]);
    expect(result.error).toMatch(/limit for one sync/);
    const [row] = await world.db.db.select().from(xeroTenants).where(eq(xeroTenants.id, alpha.id));
    expect(row!.syncLockOwner).toBeNull();
    expect((await syncTenant(world.db.db, { tenantId: alpha.id, trigger: "manual" })).status).toBe("success");
  });

  it("the callback's organisations each get their first sync at once, one after another, without the scheduler", async () => {
    useSimulatorEnv(world.sim);
    const user = await createUser(world.db.db, "first-sync@example.com");
    const { tenants } = await completeXeroConnect(world.db.db, user.id, (await startAndConsent(world.db.db, user.id, { tenants: "all" })).params);
    pointEnvAtSimulator(world.sim); // the scheduler is off (SYNC_INTERVAL_MINUTES=0)
    expect(tenants).toHaveLength(3); // this user's own rows: none has synced

    const queued = await startFirstSyncs(world.db.db, user.id, tenants.map((t) => t.id));
    expect(queued.sort()).toEqual(tenants.map((t) => t.id).sort());
    const before = await getTenantSyncStatuses(world.db.db, user);
    const state = (s: (typeof before)[number]) => (s.running ? "syncing" : s.queued ? "queued" : s.lastRun?.outcome === "success" ? "done" : "not yet");
    expect(before.map(state)).not.toContain("not yet"); // the first may already be syncing, or even done
    expect(before.filter((s) => s.queued).length).toBeGreaterThanOrEqual(2);

    await waitForBackgroundSyncs();
    expect(schedulerState.nextRunAt).toBeNull(); // no scheduler in this process
    const runs = (await world.db.db.select().from(xeroSessions).where(and(eq(xeroSessions.userId, user.id), eq(xeroSessions.kind, "sync")))).sort(
      (a, b) => a.startedAt.getTime() - b.startedAt.getTime(),
    );
    expect(runs.map((r) => [r.trigger, r.outcome])).toEqual([
      ["connect", "success"],
      ["connect", "success"],
      ["connect", "success"],
    ]);
    expect(new Set(runs.map((r) => r.tenantId))).toEqual(new Set(tenants.map((t) => t.id)));
    for (let i = 1; i < runs.length; i++) expect(runs[i]!.startedAt.getTime()).toBeGreaterThanOrEqual(runs[i - 1]!.finishedAt!.getTime());
    for (const t of tenants) await expectMirrorsSimulator(world, t);
    const after = await getTenantSyncStatuses(world.db.db, user);
    expect(after.every((s) => !s.queued && !s.running && s.lastRun?.outcome === "success")).toBe(true);
    // Connecting again starts nothing for organisations that already synced.
    expect(await startFirstSyncs(world.db.db, user.id, tenants.map((t) => t.id))).toEqual([]);
  });
});
