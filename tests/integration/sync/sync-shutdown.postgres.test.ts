/**
 * SIGTERM to a server process while a background sync runs: the real handler (drainOnSignals)
 * stops new syncs, stops the running one at its next page boundary once the grace is over, marks
 * its session interrupted, releases the lease, and exits 143; the next sync continues from the
 * cursor. The sync runs in a second process on the same database, so this is PostgreSQL only.
 */
import path from "node:path";
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { syncCursors, xeroSessions, xeroTenants } from "@/lib/db/schema";
import { syncTenant } from "@/lib/sync";
import { spawnTsx } from "@/tests/helpers/tsx-child";
import { createWorld, ctl, expectMirrorsSimulator, type SyncWorld } from "./harness";

describe("sync: a server shut down mid-sync", () => {
  let world: SyncWorld;
  beforeAll(async () => {
    world = await createWorld([{ name: "Shutdown (AU)", invoices: 6000, contacts: 200 }]);
  });
  afterAll(() => world?.close());

  it("SIGTERM while a background sync waits on Xero: it stops at the next page boundary, interrupted and resumable, and the process exits 143 (PostgreSQL only: needs a second process on the same database)", async () => {
    const t = world.user.tenants[0]!;
    // Xero holds the third request (invoices page 3): the child has committed pages 1 and 2 and
    // is waiting on the third when the signal comes, however slow the machine.
    await ctl(world.sim, "POST", "/__sim/faults", { kind: "hold", tenantId: t.xeroTenantId, skip: 2, count: 1 });
    const child = spawnTsx(path.join(import.meta.dirname, "../../helpers/child-drain.ts"), [world.user.userId, t.id, "0"], { ...process.env, DATABASE_URL: world.db.url });
    await child.printed(/STARTED started\n/);
    await ctl(world.sim, "GET", "/__sim/faults/held?atLeast=1");
    child.kill("SIGTERM");
    await child.printed(/SIGTERM\n/);
    // Xero answers the held request now; the drain has already asked the sync to stop.
    await ctl(world.sim, "DELETE", "/__sim/faults");
    expect(await child.exited).toBe(143);
    expect(child.out()).toMatch(/Syncs drained \(running syncs stopped at a page boundary; 0 queued/);

    const [session] = await world.db.db.select().from(xeroSessions).where(and(eq(xeroSessions.tenantId, t.id), eq(xeroSessions.kind, "sync")));
    expect(session).toMatchObject({ outcome: "interrupted", pages: 3 }); // the held page was written, then the walk stopped
    expect(session!.recordsInserted).toBeGreaterThan(2000);
    expect(session!.error).toMatch(/shut down; the next sync continues/);
    const [row] = await world.db.db.select().from(xeroTenants).where(eq(xeroTenants.id, t.id));
    expect(row!.syncLockOwner).toBeNull();
    const [cursor] = await world.db.db.select().from(syncCursors).where(and(eq(syncCursors.tenantId, t.id), eq(syncCursors.entity, "invoices")));
    expect(cursor!.highWaterMark).not.toBeNull();

    // No lease to wait out: the next sync starts at once and continues from the cursor.
    const resumed = await syncTenant(world.db.db, { tenantId: t.id, trigger: "manual" });
    expect(resumed.status).toBe("success");
    if (resumed.status !== "success") return;
    const inv = resumed.entities.find((e) => e.entity === "invoices")!;
    expect(inv.cursorBefore).toBe(cursor!.highWaterMark!.toISOString());
    expect(inv.fetched).toBeLessThan(6000);
    await expectMirrorsSimulator(world, t);
  });
});
