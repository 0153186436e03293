/**
 * Items over HTTP: one answer with If-Modified-Since; an item has no status, so Xero's delete
 * removes it and only a walk of everything shows it: a full sync, or the reconciliation the
 * incremental sync does once `reconcileHours` have passed since the last one.
 */
import { and, eq, isNotNull } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { items } from "@/lib/db/schema";
import { itemsEntity } from "@/lib/entities/items";
import { syncTenant, type EntitySyncResult } from "@/lib/sync";
import { itemViews } from "@/tests/helpers/entity-truth/items";
import { createWorld, ctl, type SyncWorld } from "../sync/harness";
import { ageCursor, observedSource, type ObservedSource } from "./settings-harness";

type Changes = { changes: { id: string; kind: string }[] };

describe("items: unpaged with If-Modified-Since, hard deletes only", () => {
  let world: SyncWorld;
  let tenant: SyncWorld["user"]["tenants"][number];
  let source: ObservedSource;
  const reconcileHours = itemsEntity.deletes.reconcileHours!;

  const sync = async (full = false): Promise<EntitySyncResult> => {
    const result = await syncTenant(world.db.db, { tenantId: tenant.id, trigger: "manual", entities: ["items"], source, full });
    expect(result.status).toBe("success");
    if (result.status !== "success") throw new Error(result.status);
    return result.entities[0]!;
  };
  const expectTruth = async () => {
    const v = await itemViews(world.db.db, world.sim, tenant);
    expect(v.got.length).toBe(v.want.length);
    expect(v.got).toEqual(v.want);
    return v;
  };
  const mutate = (kinds: string[], count: number) => ctl<Changes>(world.sim, "POST", "/__sim/mutate", { tenantId: tenant.xeroTenantId, entity: "items", count, kinds });
  const flagged = async () =>
    (await world.db.db.select({ id: items.itemId }).from(items).where(and(eq(items.tenantId, tenant.id), isNotNull(items.deletedInXeroAt)))).map((r) => r.id).sort();

  beforeAll(async () => {
    world = await createWorld([{ name: "Items Org (NZ)", invoices: 300, contacts: 30, counts: { items: 60 } }]);
    tenant = world.user.tenants[0]!;
    source = observedSource();
  });
  afterAll(() => world?.close());

  it("first sync: every item in one call, equal to Xero's", async () => {
    const r = await sync();
    expect(source.take("items")).toEqual([{ ifModifiedSince: undefined }]);
    expect(r.inserted).toBe(60);
    await expectTruth();
  });

  it("second sync with nothing changed: one call with If-Modified-Since, nothing written", async () => {
    const r = await sync();
    const asked = source.take("items");
    expect(asked.length).toBe(1);
    expect(asked[0]!.ifModifiedSince).toBeInstanceOf(Date);
    expect(r.inserted + r.updated).toBe(0);
    expect(r.fetched).toBeLessThan(60);
    await expectTruth();
  });

  it("incremental: only the edited and created items are written", async () => {
    const edited = await mutate(["edit"], 4);
    await mutate(["create"], 2);
    const r = await sync();
    expect(source.take("items").length).toBe(1);
    expect(r.inserted).toBe(2);
    expect(r.updated).toBe(edited.changes.length);
    await expectTruth();
  });

  it("a deleted item: the incremental walk cannot see it; the reconciliation after reconcileHours flags it", async () => {
    const gone = await mutate(["delete"], 3);
    expect(gone.changes.length).toBe(3);
    await sync();
    expect(await flagged()).toEqual([]);
    expect(source.take("items")[0]!.ifModifiedSince).toBeInstanceOf(Date);

    // Not due yet: a day minus an hour since the last walk of everything.
    await ageCursor(world.db.db, tenant.id, "items", reconcileHours - 1);
    await sync();
    expect(source.take("items")[0]!.ifModifiedSince).toBeInstanceOf(Date);
    expect(await flagged()).toEqual([]);

    await ageCursor(world.db.db, tenant.id, "items", 2);
    const r = await sync();
    expect(source.take("items")).toEqual([{ ifModifiedSince: undefined }]);
    expect(r.deletedInXero).toBe(3);
    expect(r.inserted + r.updated).toBe(0);
    const v = await expectTruth();
    expect(v.deleted.want).toEqual(gone.changes.map((c) => c.id).sort());
    expect(await flagged()).toEqual(v.deleted.want);

    // Reconciled just now: the next sync is incremental again and flags nothing more.
    const next = await sync();
    expect(source.take("items")[0]!.ifModifiedSince).toBeInstanceOf(Date);
    expect(next.deletedInXero).toBeUndefined();
    expect(await flagged()).toEqual(v.deleted.want);
  });

  it("a full sync flags a deleted item at once", async () => {
    const gone = await mutate(["delete"], 1);
    const r = await sync(true);
    expect(source.take("items")).toEqual([{ ifModifiedSince: undefined }]);
    expect(r.deletedInXero).toBe(1);
    expect(await flagged()).toContain(gone.changes[0]!.id);
    await expectTruth();
  });

  it("a flagged item that Xero returns again is unflagged: by the reconciliation, and by the incremental walk when it changed", async () => {
    // Two live items the mirror holds as deleted (say an answer that once lacked them).
    const live = (await itemViews(world.db.db, world.sim, tenant)).want.slice(0, 2).map((i) => i.id);
    const before = await flagged();
    for (const id of live) await world.db.db.update(items).set({ deletedInXeroAt: new Date() }).where(and(eq(items.tenantId, tenant.id), eq(items.itemId, id)));
    expect(await flagged()).toEqual([...before, ...live].sort());

    const r = await sync(true);
    expect(r.deletedInXero).toBeUndefined();
    expect(await flagged()).toEqual(before);

    // The incremental walk: an edit brings the item back with a newer UpdatedDateUTC.
    const edited = await mutate(["edit"], 1);
    const id = edited.changes[0]!.id;
    await world.db.db.update(items).set({ deletedInXeroAt: new Date() }).where(and(eq(items.tenantId, tenant.id), eq(items.itemId, id)));
    const inc = await sync();
    expect(source.take("items")[1]!.ifModifiedSince).toBeInstanceOf(Date);
    expect(inc.updated).toBe(1);
    expect(await flagged()).toEqual(before);
    await expectTruth();
  });
});
