/**
 * A sync process SIGKILLed mid-sync: its lease expires, the next sync takes over, marks the dead
 * run interrupted, and resumes from the committed cursor. Needs two processes on one database, so
 * it runs on PostgreSQL; an in-memory PGlite belongs to one process (the test name says so).
 */
import path from "node:path";
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { syncCursors, xeroSessions } from "@/lib/db/schema";
import { syncTenant } from "@/lib/sync";
import { spawnTsx } from "@/tests/helpers/tsx-child";
import { createWorld, ctl, expectMirrorsSimulator, type SyncWorld } from "./harness";

const LEASE_TTL_MS = 5000;

describe("sync: a process killed mid-sync", () => {
  let world: SyncWorld;
  beforeAll(async () => {
    world = await createWorld([{ name: "Crashy (NZ)", invoices: 6000, contacts: 300 }]);
  });
  afterAll(() => world?.close());

  it("SIGKILLed mid-sync, then restarted: the lease expires and the sync resumes from the cursor and finishes (PostgreSQL only: needs a second process on the same database)", async () => {
    const t = world.user.tenants[0]!;
    // Xero holds the child's third request (page 3 of invoices) and every retry of it unanswered:
    // it commits two pages and can go no further, so it is surely mid-sync when it dies, however
    // slow the machine.
    await ctl(world.sim, "POST", "/__sim/faults", { kind: "hold", tenantId: t.xeroTenantId, skip: 2, count: 100 });
    const child = spawnTsx(path.join(import.meta.dirname, "../../helpers/child-sync.ts"), [t.id, String(LEASE_TTL_MS)], { ...process.env, DATABASE_URL: world.db.url });
    await child.printed(/PAGE 2\n/);
    await ctl(world.sim, "GET", "/__sim/faults/held?atLeast=1");
    expect(child.out()).not.toMatch(/PAGE 3|DONE/);
    child.kill("SIGKILL");
    expect(await child.exited).toBe("SIGKILL");
    await ctl(world.sim, "DELETE", "/__sim/faults");

    const [cursor] = await world.db.db.select().from(syncCursors).where(and(eq(syncCursors.tenantId, t.id), eq(syncCursors.entity, "invoices")));
    expect(cursor!.highWaterMark).not.toBeNull();
    const [dead] = await world.db.db.select().from(xeroSessions).where(and(eq(xeroSessions.tenantId, t.id), eq(xeroSessions.kind, "sync")));
    expect(dead!.outcome).toBe("running");

    // Right away, the dead holder's lease still stands: the next request is told who runs.
    const early = await syncTenant(world.db.db, { tenantId: t.id, trigger: "manual" });
    expect(early).toEqual({ status: "already_running", sessionId: dead!.id });

    await new Promise((r) => setTimeout(r, LEASE_TTL_MS + 300));
    const resumed = await syncTenant(world.db.db, { tenantId: t.id, trigger: "manual" });
    expect(resumed.status).toBe("success");
    if (resumed.status !== "success") return;
    const inv = resumed.entities.find((e) => e.entity === "invoices")!;
    expect(inv.cursorBefore).toBe(cursor!.highWaterMark!.toISOString());
    expect(inv.fetched).toBeLessThan(6000);
    await expectMirrorsSimulator(world, t);
    const [closed] = await world.db.db.select().from(xeroSessions).where(eq(xeroSessions.id, dead!.id));
    expect(closed).toMatchObject({ outcome: "error" });
    expect(closed!.error).toMatch(/Interrupted/);
  });
});
