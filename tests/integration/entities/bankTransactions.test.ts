/**
 * Bank transactions synced from the simulator over HTTP by the real xero-node: first sync, only
 * changes afterwards, a no-op, edits while the sync pages, and Xero's delete semantics (a deleted
 * or voided transaction stays, marked by its status), the database equal to the simulator's truth.
 */
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bankTransactions, syncCursors, xeroConnections } from "@/lib/db/schema";
import { bankTransactionsEntity } from "@/lib/entities/bankTransactions";
import { syncTenant, type EntitySyncResult } from "@/lib/sync";
import { bankTransactionsTruth } from "@/tests/helpers/entity-truth/bankTransactions";
import { apiLog, createWorld, ctl, type SyncWorld } from "../sync/harness";

type Tenant = SyncWorld["user"]["tenants"][number];
type Changes = { changes: { entity: string; id: string; kind: string; status: string }[] };
const ENTITY = "bankTransactions";

async function sync(world: SyncWorld, tenant: Tenant, options: { full?: boolean } = {}): Promise<EntitySyncResult & { calls: number }> {
  const result = await syncTenant(world.db.db, { tenantId: tenant.id, trigger: "manual", entities: [ENTITY], ...options });
  expect(result.status).toBe("success");
  if (result.status !== "success") throw new Error(result.status);
  return { ...result.entities[0]!, calls: result.calls };
}

async function expectMirrors(world: SyncWorld, tenant: Tenant): Promise<number> {
  const { want, got } = await bankTransactionsTruth(world.db.db, world.sim, tenant);
  expect(got.length).toBe(want.length);
  expect(got).toEqual(want);
  return want.length;
}

describe("bank transactions: sync from Xero", () => {
  let world: SyncWorld;
  let tenant: Tenant;
  let paging: Tenant;

  beforeAll(async () => {
    world = await createWorld([
      { name: "Banking Org (NZ)", invoices: 300, counts: { bankTransactions: 2300 } },
      { name: "Paging Org (AU)", invoices: 100, counts: { bankTransactions: 2100 } },
    ]);
    tenant = world.user.tenants.find((t) => t.name === "Banking Org (NZ)")!;
    paging = world.user.tenants.find((t) => t.name === "Paging Org (AU)")!;
  });
  afterAll(() => world?.close());

  it("mirrors every bank transaction on the first sync, asking with page (for line items) and pageSize 1000", async () => {
    const before = (await apiLog(world.sim, tenant.xeroTenantId)).lastSeq;
    const result = await sync(world, tenant);
    const total = await expectMirrors(world, tenant);
    expect(total).toBeGreaterThanOrEqual(2300);
    expect(result.inserted).toBe(total);
    expect(result.pages).toBeLessThanOrEqual(Math.ceil(total / 1000) + 1);
    const requests = (await apiLog(world.sim, tenant.xeroTenantId, before)).entries.filter((e) => e.path.endsWith("/BankTransactions"));
    expect(requests.length).toBe(result.pages);
    for (const r of requests) {
      expect(r.status).toBe(200);
      expect(r.query.page).toMatch(/^\d+$/);
      expect(r.query.pageSize).toBe("1000");
      expect(r.query.order).toBe("UpdatedDateUTC ASC");
    }
    const [cursor] = await world.db.db.select().from(syncCursors).where(and(eq(syncCursors.tenantId, tenant.id), eq(syncCursors.entity, ENTITY)));
    expect(cursor?.highWaterMark).not.toBeNull();
    // Line items came with the records (they are only in `raw`).
    const [withLines] = await world.db.db.select({ raw: bankTransactions.raw }).from(bankTransactions).where(eq(bankTransactions.tenantId, tenant.id)).limit(1);
    expect(((withLines!.raw as { LineItems?: unknown[] }).LineItems ?? []).length).toBeGreaterThan(0);
  });

  it("brings over only the transactions that changed", async () => {
    const edited = await ctl<Changes>(world.sim, "POST", "/__sim/mutate", { tenantId: tenant.xeroTenantId, entity: ENTITY, count: 30, kinds: ["edit", "reconcile"] });
    const created = await ctl<Changes>(world.sim, "POST", "/__sim/mutate", { tenantId: tenant.xeroTenantId, entity: ENTITY, count: 4, kinds: ["create"] });
    const mine = (c: Changes) => new Set(c.changes.filter((x) => x.entity === ENTITY).map((x) => x.id));
    expect(mine(edited).size).toBe(30);
    const result = await sync(world, tenant);
    expect(result.inserted).toBe(mine(created).size);
    expect(result.updated).toBe(mine(edited).size);
    expect(result.pages).toBe(1);
    await expectMirrors(world, tenant);
  });

  it("a sync with nothing new makes one call and writes nothing", async () => {
    const result = await sync(world, tenant);
    expect(result.calls).toBeLessThanOrEqual(1);
    expect(result.inserted + result.updated).toBe(0);
    await expectMirrors(world, tenant);
  });

  it("keeps a deleted transaction, marked DELETED, and voided ones VOIDED: cancelled states, not removed rows", async () => {
    const deleted = await ctl<Changes>(world.sim, "POST", "/__sim/mutate", { tenantId: tenant.xeroTenantId, entity: ENTITY, count: 5, kinds: ["delete"] });
    const ids = deleted.changes.filter((c) => c.entity === ENTITY).map((c) => c.id);
    expect(ids).toHaveLength(5);
    const result = await sync(world, tenant);
    expect(result.updated).toBe(5);
    await expectMirrors(world, tenant);
    const rows = await world.db.db.select().from(bankTransactions).where(eq(bankTransactions.tenantId, tenant.id));
    const byId = new Map(rows.map((r) => [r.bankTransactionId, r]));
    for (const id of ids) expect(byId.get(id)).toMatchObject({ status: "DELETED", deletedInXeroAt: null });
    // The seed has voided ones too (and a voided overpayment voids its transaction).
    expect(rows.some((r) => r.status === "VOIDED")).toBe(true);
    expect(bankTransactionsEntity.deletes.statuses).toEqual(["DELETED", "VOIDED"]);
  });

  it("edits made while the first sync pages are all mirrored at its end", async () => {
    // After each of the first two pages, a person edits 25 transactions in Xero: their new
    // UpdatedDateUTC puts them past the walk's position, so later pages bring them.
    await ctl(world.sim, "POST", "/__sim/faults", {
      faults: [{ kind: "mutate-between-pages", tenantId: paging.xeroTenantId, path: "/BankTransactions", entity: ENTITY, count: 25, kinds: ["edit", "delete"], times: 2 }],
    });
    const result = await sync(world, paging);
    expect(await ctl<unknown[]>(world.sim, "GET", "/__sim/faults")).toEqual([]); // both edits happened
    expect(result.pages).toBeGreaterThanOrEqual(3);
    await expectMirrors(world, paging);
  });

  it("needs accounting.banktransactions.read or the broad transactions scopes: without them the entity is unavailable and Xero is not asked", async () => {
    const grant = eq(xeroConnections.id, world.user.connectionId);
    const [{ scopes } = { scopes: "" }] = await world.db.db.select({ scopes: xeroConnections.scopes }).from(xeroConnections).where(grant);
    try {
      await world.db.db.update(xeroConnections).set({ scopes: "openid offline_access accounting.contacts.read accounting.settings.read" }).where(grant);
      const before = (await apiLog(world.sim, tenant.xeroTenantId)).lastSeq;
      const result = await syncTenant(world.db.db, { tenantId: tenant.id, trigger: "manual", entities: [ENTITY] });
      expect(result.status === "success" && result.entities[0]).toMatchObject({ outcome: "unavailable" });
      expect((await apiLog(world.sim, tenant.xeroTenantId, before)).entries.filter((e) => e.path.endsWith("/BankTransactions"))).toEqual([]);
      const [cursor] = await world.db.db.select().from(syncCursors).where(and(eq(syncCursors.tenantId, tenant.id), eq(syncCursors.entity, ENTITY)));
      expect(cursor?.unavailableReason).toContain("accounting.banktransactions.read");
      // The granular scope alone (apps created after March 2026 get no broad ones) is enough.
      await world.db.db.update(xeroConnections).set({ scopes: "openid offline_access accounting.banktransactions.read" }).where(grant);
      expect(await syncTenant(world.db.db, { tenantId: tenant.id, trigger: "manual", entities: [ENTITY] })).toMatchObject({ status: "success", entities: [{ outcome: "success" }] });
    } finally {
      await world.db.db.update(xeroConnections).set({ scopes }).where(grant);
    }
  });
});
