/**
 * Tax rates over HTTP: no UpdatedDateUTC and no If-Modified-Since, so the whole list is refreshed
 * when due (everyHours after the last refresh, or on a full sync) and compared by content: a
 * refresh that changes nothing writes nothing. Keyed by TaxType (text).
 */
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { taxRates } from "@/lib/db/schema";
import { taxRatesEntity } from "@/lib/entities/taxRates";
import { syncTenant, type EntitySyncResult } from "@/lib/sync";
import { taxRateViews } from "@/tests/helpers/entity-truth/taxRates";
import { createWorld, ctl, type SyncWorld } from "../sync/harness";
import { ageCursor, observedSource, type ObservedSource } from "./settings-harness";

type Changes = { changes: { id: string; kind: string }[] };

describe("tax rates: refreshed whole when due, compared by content", () => {
  let world: SyncWorld;
  let tenant: SyncWorld["user"]["tenants"][number];
  let source: ObservedSource;
  let count = 0;
  const everyHours = taxRatesEntity.walk.kind === "refresh" ? taxRatesEntity.walk.everyHours : 0;

  const sync = async (full = false): Promise<EntitySyncResult & { calls: number }> => {
    const result = await syncTenant(world.db.db, { tenantId: tenant.id, trigger: "manual", entities: ["taxRates"], source, full });
    expect(result.status).toBe("success");
    if (result.status !== "success") throw new Error(result.status);
    return { ...result.entities[0]!, calls: result.calls };
  };
  const expectTruth = async () => {
    const v = await taxRateViews(world.db.db, world.sim, tenant);
    expect(v.got.length).toBe(v.want.length);
    expect(v.got).toEqual(v.want);
    return v;
  };
  const mutate = (kinds: string[], n: number) => ctl<Changes>(world.sim, "POST", "/__sim/mutate", { tenantId: tenant.xeroTenantId, entity: "taxRates", count: n, kinds });
  const refreshDue = () => ageCursor(world.db.db, tenant.id, "taxRates", everyHours + 1);

  beforeAll(async () => {
    world = await createWorld([{ name: "Tax Org (UK)", invoices: 200, contacts: 20 }]);
    tenant = world.user.tenants[0]!;
    source = observedSource();
  });
  afterAll(() => world?.close());

  it("first sync: every rate in one call (no If-Modified-Since), keyed by TaxType", async () => {
    const r = await sync();
    expect(source.take("taxRates")).toEqual([{ ifModifiedSince: undefined }]);
    const v = await expectTruth();
    count = v.want.length;
    expect(count).toBeGreaterThan(10);
    expect(r.inserted).toBe(count);
    expect(v.got.some((t) => t.status === "DELETED")).toBe(true); // Xero keeps retired rates
  });

  it("not due: no call at all", async () => {
    const r = await sync();
    expect(r.calls).toBe(0);
    expect(r.notDue).toBe(true);
    expect(source.take("taxRates")).toEqual([]);
  });

  it("due and unchanged: one call, nothing written", async () => {
    await refreshDue();
    const r = await sync();
    expect(r.calls).toBe(1);
    expect(r.notDue).toBeUndefined();
    expect(r.inserted + r.updated).toBe(0);
    expect(r.unchanged).toBe(count);
    expect(r.deletedInXero).toBeUndefined();
    await expectTruth();
  });

  it("a changed rate and a renamed one are written, nothing else", async () => {
    const rate = await mutate(["rate"], 1);
    const rename = await mutate(["rename"], 1);
    expect(rate.changes.length + rename.changes.length).toBe(2);
    // Changed in Xero, but the refresh is not due: the mirror waits.
    expect((await sync()).calls).toBe(0);
    await refreshDue();
    const r = await sync();
    expect(r.calls).toBe(1);
    expect(r.updated).toBe(2);
    expect(r.inserted).toBe(0);
    await expectTruth();
  });

  it("a rate deleted in Xero (kept with Status DELETED) is written as deleted; a full sync refreshes even when not due", async () => {
    const gone = await mutate(["delete"], 1);
    const r = await sync(true);
    expect(r.calls).toBe(1);
    expect(r.updated).toBe(1);
    const [row] = await world.db.db.select().from(taxRates).where(and(eq(taxRates.tenantId, tenant.id), eq(taxRates.taxType, gone.changes[0]!.id)));
    expect(row!.status).toBe("DELETED");
    expect(taxRatesEntity.deletes.statuses).toContain("DELETED");
    await expectTruth();
  });

  it("a rate the mirror holds and Xero no longer returns is flagged deleted_in_xero_at by the refresh (text keys)", async () => {
    await world.db.db.insert(taxRates).values({ tenantId: tenant.id, taxType: `TAX "9\\9"`, name: "Gone rate", status: "ACTIVE", raw: { TaxType: `TAX "9\\9"` } });
    await refreshDue();
    const r = await sync();
    expect(r.deletedInXero).toBe(1);
    const v = await expectTruth();
    expect(v.flagged).toEqual([`TAX "9\\9"`]);
  });
});
