/**
 * Accounts over HTTP: xero-node against the simulator, a real database. The chart is one answer
 * with If-Modified-Since; an unused account deleted in Xero vanishes from the answers, so a walk
 * without the header (a full sync, or the daily reconciliation) flags it deleted_in_xero_at.
 */
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ledgerAccounts, syncCursors } from "@/lib/db/schema";
import { syncTenant, type EntitySyncResult } from "@/lib/sync";
import { accountViews } from "@/tests/helpers/entity-truth/accounts";
import { createWorld, ctl, type SyncWorld } from "../sync/harness";
import { observedSource, type ObservedSource } from "./settings-harness";

type Changes = { changes: { id: string; kind: string }[] };

describe("accounts: unpaged with If-Modified-Since, hard deletes reconciled", () => {
  let world: SyncWorld;
  let tenant: SyncWorld["user"]["tenants"][number];
  let source: ObservedSource;

  const sync = async (full = false): Promise<EntitySyncResult> => {
    const result = await syncTenant(world.db.db, { tenantId: tenant.id, trigger: "manual", entities: ["accounts"], source, full });
    expect(result.status).toBe("success");
    if (result.status !== "success") throw new Error(result.status);
    return result.entities[0]!;
  };
  const expectTruth = async () => {
    const v = await accountViews(world.db.db, world.sim, tenant);
    expect(v.got.length).toBe(v.want.length);
    expect(v.got).toEqual(v.want);
    expect(v.deleted.got).toEqual(v.deleted.want);
    return v;
  };
  const mutate = (kinds: string[], count: number) => ctl<Changes>(world.sim, "POST", "/__sim/mutate", { tenantId: tenant.xeroTenantId, entity: "accounts", count, kinds });

  beforeAll(async () => {
    world = await createWorld([{ name: "Chart Org (UK)", invoices: 400, contacts: 40, counts: { accounts: 40 } }]);
    tenant = world.user.tenants[0]!;
    source = observedSource();
  });
  afterAll(() => world?.close());

  it("first sync: the whole chart in one call, equal to Xero's", async () => {
    const r = await sync();
    expect(source.take("accounts")).toEqual([{ ifModifiedSince: undefined }]);
    const v = await expectTruth();
    expect(r.inserted).toBe(v.want.length);
    expect(v.want.length).toBe(40);
    expect(r.pages).toBe(1);
    const [cursor] = await world.db.db.select().from(syncCursors).where(and(eq(syncCursors.tenantId, tenant.id), eq(syncCursors.entity, "accounts")));
    expect(cursor!.highWaterMark).not.toBeNull();
    expect(cursor!.lastFullSyncAt).not.toBeNull();
  });

  it("no-op: one call with If-Modified-Since, nothing written", async () => {
    const [cursor] = await world.db.db.select().from(syncCursors).where(and(eq(syncCursors.tenantId, tenant.id), eq(syncCursors.entity, "accounts")));
    const r = await sync();
    const asked = source.take("accounts");
    expect(asked).toEqual([{ ifModifiedSince: cursor!.highWaterMark }]);
    expect(r.inserted + r.updated).toBe(0);
    // Only the records of the cursor's second come back (Xero compares inclusively).
    expect(r.fetched).toBeLessThan(40);
    expect(r.deletedInXero).toBeUndefined();
    await expectTruth();
  });

  it("incremental: only the edited, archived and created accounts are written", async () => {
    const edits = await mutate(["edit"], 3);
    const archived = await mutate(["archive"], 2);
    const created = await mutate(["create"], 1);
    expect(edits.changes.length + archived.changes.length + created.changes.length).toBe(6);
    const r = await sync();
    expect(source.take("accounts").length).toBe(1);
    expect(r.inserted).toBe(1);
    expect(r.updated).toBe(5);
    const v = await expectTruth();
    for (const c of archived.changes) expect(v.got.find((a) => a.id === c.id)?.status).toBe("ARCHIVED");
  });

  it("a hard-deleted account is not seen by the incremental walk, then flagged by a full sync (one call without If-Modified-Since)", async () => {
    const gone = await mutate(["delete"], 2);
    expect(gone.changes.length).toBe(2);
    const incremental = await sync();
    expect(incremental.deletedInXero).toBeUndefined();
    const flaggedBefore = await world.db.db.select().from(ledgerAccounts).where(eq(ledgerAccounts.tenantId, tenant.id));
    expect(flaggedBefore.filter((a) => a.deletedInXeroAt !== null)).toEqual([]);

    const full = await sync(true);
    // The incremental walk asked with If-Modified-Since; the full one without (everything, so absences mean deletes).
    expect(source.take("accounts").map((q) => q.ifModifiedSince instanceof Date)).toEqual([true, false]);
    expect(full.deletedInXero).toBe(2);
    expect(full.inserted + full.updated).toBe(0);
    const v = await expectTruth();
    expect(v.deleted.got).toEqual(gone.changes.map((c) => c.id).sort());
  });
});
