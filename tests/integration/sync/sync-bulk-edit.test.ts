/**
 * A sync started seconds after a bulk edit (hundreds of records stamped with one UpdatedDateUTC),
 * as a webhook starts one: the walk pages through the group by page number, so it must verify
 * the run from shortly before it began, a range that still holds the group. Found by the chaos
 * run (npm run chaos; at the time seed 1, round 1: 192 invoices edited, pages of 100): with Xero
 * answering fast, every verification became a run needing another, the walk gave up after its
 * verification limit ("records kept changing") and so did every retry in the next seconds,
 * although nothing was changing.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { syncTenant } from "@/lib/sync";
import { createWorld, ctl, expectMirrorsSimulator, type SyncWorld } from "./harness";

describe("sync: right after a bulk edit", () => {
  let world: SyncWorld;
  beforeAll(async () => {
    world = await createWorld([{ name: "Fresh Bulk (NZ)", invoices: 1000, contacts: 50 }]);
  });
  afterAll(() => world?.close());

  it("over 100 invoices edited in one second just before the sync: it succeeds, verifying the run once Xero's clock has moved past the group", async () => {
    const t = world.user.tenants[0]!;
    const first = await syncTenant(world.db.db, { tenantId: t.id, trigger: "manual", pageSize: 100 });
    expect(first.status).toBe("success");
    const { changes } = await ctl<{ changes: unknown[] }>(world.sim, "POST", "/__sim/mutate", { tenantId: t.xeroTenantId, entity: "invoices", count: 300, kinds: ["edit"] });
    // Only drafts and authorised invoices can be edited: 121 of these 1,000, still over a page.
    expect(changes.length).toBeGreaterThan(100);

    const r = await syncTenant(world.db.db, { tenantId: t.id, trigger: "webhook", pageSize: 100 });
    expect(r.status, JSON.stringify(r)).toBe("success");
    if (r.status !== "success") return;
    const inv = r.entities.find((e) => e.entity === "invoices")!;
    expect(inv.updated).toBe(changes.length);
    expect(inv.verifications).toBeGreaterThanOrEqual(1);
    expect(inv.verifications).toBeLessThanOrEqual(3);
    await expectMirrorsSimulator(world, t);
  });
});
