import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { syncCursors, xeroSessions } from "@/lib/db/schema";
import { enabledEntityNames } from "@/lib/entities/enabled";
import { entity } from "@/lib/entities/registry";
import { syncTenant } from "@/lib/sync";
import { apiLog, createWorld, ctl, expectMirrorsSimulator, type SyncWorld } from "./harness";

describe("sync: first, incremental and no-op runs", () => {
  let world: SyncWorld;
  let tenant: SyncWorld["user"]["tenants"][number];

  beforeAll(async () => {
    world = await createWorld([{ name: "Big Org (NZ)", invoices: 5000, contacts: 2000 }]);
    tenant = world.user.tenants[0]!;
  });
  afterAll(() => world?.close());

  it("mirrors 5,000 invoices and 2,000 contacts on the first sync", async () => {
    const result = await syncTenant(world.db.db, { tenantId: tenant.id, trigger: "manual" });
    expect(result.status).toBe("success");
    if (result.status !== "success") return;
    const inv = result.entities.find((e) => e.entity === "invoices")!;
    const con = result.entities.find((e) => e.entity === "contacts")!;
    expect(inv.inserted).toBe(5000);
    expect(con.inserted).toBe(2000);
    // ceil(N/1000) pages plus at most one for overlaps / the last partial page
    expect(inv.pages).toBeLessThanOrEqual(6);
    expect(con.pages).toBeLessThanOrEqual(3);
    await expectMirrorsSimulator(world, tenant);

    const [session] = await world.db.db.select().from(xeroSessions).where(eq(xeroSessions.id, result.sessionId));
    const inserted = result.entities.reduce((n, e) => n + e.inserted, 0);
    expect(session).toMatchObject({ kind: "sync", outcome: "success", trigger: "manual", recordsInserted: inserted, tenantId: tenant.id });
    expect(session!.apiCalls).toBe(result.calls);
    expect(session!.finishedAt).not.toBeNull();
    const cursors = await world.db.db.select().from(syncCursors).where(eq(syncCursors.tenantId, tenant.id));
    expect(cursors.map((c) => c.entity).sort()).toEqual([...enabledEntityNames()].sort());
    for (const c of cursors) {
      // Refreshed entities carry no UpdatedDateUTC to keep a cursor by.
      if (entity(c.entity).walk.kind !== "refresh") expect(c.highWaterMark, c.entity).not.toBeNull();
      expect(c.lastSuccessAt).not.toBeNull();
      expect(c.lastError).toBeNull();
    }
  });

  it("brings over only what changed after edits, voids, payments and archives in Xero", async () => {
    type Changes = { changes: { id: string; kind: string }[] };
    const edits = await ctl<Changes>(world.sim, "POST", "/__sim/mutate", { tenantId: tenant.xeroTenantId, entity: "invoices", count: 40, kinds: ["edit", "authorise", "pay"] });
    const voids = await ctl<Changes>(world.sim, "POST", "/__sim/mutate", { tenantId: tenant.xeroTenantId, entity: "invoices", count: 5, kinds: ["void"] });
    await ctl(world.sim, "POST", "/__sim/mutate", { tenantId: tenant.xeroTenantId, entity: "invoices", count: 5, kinds: ["create"] });
    const changedIds = new Set([...edits.changes, ...voids.changes].map((c) => c.id));
    await ctl(world.sim, "POST", "/__sim/mutate", { tenantId: tenant.xeroTenantId, entity: "contacts", count: 10, kinds: ["archive"] });
    const before = (await apiLog(world.sim, tenant.xeroTenantId)).lastSeq;
    const result = await syncTenant(world.db.db, { tenantId: tenant.id, trigger: "manual" });
    expect(result.status).toBe("success");
    if (result.status !== "success") return;
    const inv = result.entities.find((e) => e.entity === "invoices")!;
    expect(inv.inserted).toBe(5);
    expect(inv.updated).toBe(changedIds.size);
    expect(inv.pages).toBe(1);
    const con = result.entities.find((e) => e.entity === "contacts")!;
    expect(con.updated).toBe(10);
    await expectMirrorsSimulator(world, tenant);
    const log = await apiLog(world.sim, tenant.xeroTenantId, before);
    expect(log.entries.every((e) => e.query["If-Modified-Since"] === undefined)).toBe(true); // a header, not a query param
  });

  it("a sync with nothing new makes one call per entity and writes nothing", async () => {
    const result = await syncTenant(world.db.db, { tenantId: tenant.id, trigger: "manual" });
    expect(result.status).toBe("success");
    if (result.status !== "success") return;
    // One call per enabled entity at most: a refreshed one that is not due asks nothing.
    expect(result.calls).toBeLessThanOrEqual(enabledEntityNames().length);
    for (const e of result.entities) {
      expect(e.inserted + e.updated).toBe(0);
      expect(e.pages, e.entity).toBe(e.notDue ? 0 : 1);
    }
    await expectMirrorsSimulator(world, tenant);
  });

  it("a full re-sync walks everything again and changes nothing that is already right", async () => {
    const result = await syncTenant(world.db.db, { tenantId: tenant.id, trigger: "manual", full: true, entities: ["contacts"] });
    expect(result.status).toBe("success");
    if (result.status !== "success") return;
    const con = result.entities[0]!;
    expect(con.fetched).toBeGreaterThanOrEqual(2000);
    expect(con.inserted + con.updated).toBe(0);
  });
});
