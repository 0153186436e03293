/**
 * Purchase orders synced from the simulator over HTTP by the real xero-node: first sync (the
 * endpoint has no `where`: none is sent), only changes afterwards, a no-op, edits while the sync
 * pages, and Xero's delete semantics (a DELETED order stays, marked by its status), the database
 * equal to the simulator's truth.
 */
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { purchaseOrders, syncCursors, xeroConnections } from "@/lib/db/schema";
import { syncTenant, type EntitySyncResult } from "@/lib/sync";
import { purchaseOrdersTruth } from "@/tests/helpers/entity-truth/purchaseOrders";
import { apiLog, createWorld, ctl, type SyncWorld } from "../sync/harness";

type Tenant = SyncWorld["user"]["tenants"][number];
type Changes = { changes: { entity: string; id: string; kind: string; status: string }[] };
const ENTITY = "purchaseOrders";

async function sync(world: SyncWorld, tenant: Tenant): Promise<EntitySyncResult & { calls: number }> {
  const result = await syncTenant(world.db.db, { tenantId: tenant.id, trigger: "manual", entities: [ENTITY] });
  expect(result.status).toBe("success");
  if (result.status !== "success") throw new Error(result.status);
  return { ...result.entities[0]!, calls: result.calls };
}

async function expectMirrors(world: SyncWorld, tenant: Tenant): Promise<number> {
  const { want, got } = await purchaseOrdersTruth(world.db.db, world.sim, tenant);
  expect(got.length).toBe(want.length);
  expect(got).toEqual(want);
  return want.length;
}

const mutate = async (world: SyncWorld, tenant: Tenant, count: number, kinds: string[]) =>
  (await ctl<Changes>(world.sim, "POST", "/__sim/mutate", { tenantId: tenant.xeroTenantId, entity: ENTITY, count, kinds })).changes.filter((c) => c.entity === ENTITY);

describe("purchase orders: sync from Xero", () => {
  let world: SyncWorld;
  let tenant: Tenant;
  let paging: Tenant;

  beforeAll(async () => {
    world = await createWorld([
      { name: "Purchasing Org (AU)", invoices: 100, counts: { purchaseOrders: 1500 } },
      { name: "Paging Org (UK)", invoices: 100, counts: { purchaseOrders: 2100 } },
    ]);
    tenant = world.user.tenants.find((t) => t.name === "Purchasing Org (AU)")!;
    paging = world.user.tenants.find((t) => t.name === "Paging Org (UK)")!;
  });
  afterAll(() => world?.close());

  it("mirrors every purchase order on the first sync, paged by 1000 and without a `where`", async () => {
    const before = (await apiLog(world.sim, tenant.xeroTenantId)).lastSeq;
    const result = await sync(world, tenant);
    expect(await expectMirrors(world, tenant)).toBe(1500);
    expect(result.inserted).toBe(1500);
    expect(result.pages).toBeLessThanOrEqual(3);
    const requests = (await apiLog(world.sim, tenant.xeroTenantId, before)).entries.filter((e) => e.path.endsWith("/PurchaseOrders"));
    expect(requests.length).toBe(result.pages);
    for (const r of requests) {
      expect(r.query).toMatchObject({ pageSize: "1000", order: "UpdatedDateUTC ASC", page: expect.stringMatching(/^\d+$/) });
      expect(Object.keys(r.query).map((k) => k.toLowerCase())).not.toContain("where");
    }
  });

  it("brings over only the orders that changed", async () => {
    const changed = [...(await mutate(world, tenant, 20, ["edit", "submit", "authorise", "bill"]))];
    const created = await mutate(world, tenant, 4, ["create"]);
    expect(changed.length).toBeGreaterThan(0);
    const result = await sync(world, tenant);
    expect(result.inserted).toBe(created.length);
    expect(result.updated).toBe(new Set(changed.map((c) => c.id)).size);
    expect(result.pages).toBe(1);
    await expectMirrors(world, tenant);
  });

  it("a sync with nothing new makes one call and writes nothing", async () => {
    const result = await sync(world, tenant);
    expect(result.calls).toBeLessThanOrEqual(1);
    expect(result.inserted + result.updated).toBe(0);
    await expectMirrors(world, tenant);
  });

  it("keeps a deleted order, marked DELETED", async () => {
    const deleted = await mutate(world, tenant, 5, ["delete"]);
    expect(deleted).toHaveLength(5);
    const result = await sync(world, tenant);
    expect(result.updated).toBe(5);
    await expectMirrors(world, tenant);
    const rows = await world.db.db.select().from(purchaseOrders).where(eq(purchaseOrders.tenantId, tenant.id));
    const byId = new Map(rows.map((r) => [r.purchaseOrderId, r]));
    for (const c of deleted) expect(byId.get(c.id)).toMatchObject({ status: "DELETED", deletedInXeroAt: null });
  });

  it("edits made while the first sync pages are all mirrored at its end", async () => {
    await ctl(world.sim, "POST", "/__sim/faults", {
      faults: [{ kind: "mutate-between-pages", tenantId: paging.xeroTenantId, path: "/PurchaseOrders", entity: ENTITY, count: 25, kinds: ["edit", "submit", "delete"], times: 2 }],
    });
    const result = await sync(world, paging);
    expect(await ctl<unknown[]>(world.sim, "GET", "/__sim/faults")).toEqual([]); // both edits happened
    expect(result.pages).toBeGreaterThanOrEqual(3);
    await expectMirrors(world, paging);
  });

  it("needs accounting.invoices.read or the broad transactions scopes: without them the entity is unavailable and Xero is not asked", async () => {
    const grant = eq(xeroConnections.id, world.user.connectionId);
    const [{ scopes } = { scopes: "" }] = await world.db.db.select({ scopes: xeroConnections.scopes }).from(xeroConnections).where(grant);
    try {
      await world.db.db.update(xeroConnections).set({ scopes: "openid offline_access accounting.contacts.read accounting.settings.read" }).where(grant);
      const before = (await apiLog(world.sim, tenant.xeroTenantId)).lastSeq;
      const result = await syncTenant(world.db.db, { tenantId: tenant.id, trigger: "manual", entities: [ENTITY] });
      expect(result.status === "success" && result.entities[0]).toMatchObject({ outcome: "unavailable" });
      expect((await apiLog(world.sim, tenant.xeroTenantId, before)).entries.filter((e) => e.path.endsWith("/PurchaseOrders"))).toEqual([]);
      const [cursor] = await world.db.db.select().from(syncCursors).where(and(eq(syncCursors.tenantId, tenant.id), eq(syncCursors.entity, ENTITY)));
      expect(cursor?.unavailableReason).toContain("accounting.invoices.read");
      // The granular scope alone (apps created after March 2026 get no broad ones) is enough.
      await world.db.db.update(xeroConnections).set({ scopes: "openid offline_access accounting.invoices.read" }).where(grant);
      expect(await syncTenant(world.db.db, { tenantId: tenant.id, trigger: "manual", entities: [ENTITY] })).toMatchObject({ status: "success", entities: [{ outcome: "success" }] });
    } finally {
      await world.db.db.update(xeroConnections).set({ scopes }).where(grant);
    }
  });
});
