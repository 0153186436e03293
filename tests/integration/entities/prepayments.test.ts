import { and, eq } from "drizzle-orm";
import { expect, it } from "vitest";
import { allocations, prepayments } from "@/lib/db/schema";
import { prepaymentsTruth } from "@/tests/helpers/entity-truth/prepayments";
import { simState } from "@/tests/helpers/entity-truth/allocations";
import { ctl } from "../sync/harness";
import { describeKeysetEntity, expectTruth } from "./keyset-contract";

describeKeysetEntity(
  { entity: "prepayments", count: 1050, smallCount: 240, invoices: 3000, truth: prepaymentsTruth, changeKinds: ["create", "allocate"], cancelKinds: { void: "VOIDED" } },
  ({ world, big, sync, mutate }) => {
    it("Xero has no DELETED prepayment: a delete is refused, and the mirror holds none", async () => {
      const t = big();
      await expect(ctl(world().sim, "POST", "/__sim/mutate", { tenantId: t.xeroTenantId, entity: "prepayments", count: 1, kinds: ["delete"] })).rejects.toThrow(/400/);
      const states = await simState<{ status: string }>(world().sim, t.xeroTenantId, "prepayments");
      expect(new Set(states.map((s) => s.status))).toEqual(new Set(["AUTHORISED", "PAID", "VOIDED"]));
      const rows = await world().db.db.select({ status: prepayments.status }).from(prepayments).where(eq(prepayments.tenantId, t.id));
      expect(rows.some((r) => r.status === "DELETED")).toBe(false);
    });

    it("an allocation in Xero replaces the prepayment's allocation rows", async () => {
      const t = big();
      const changed = (await mutate(t, ["allocate"], 3)).filter((c) => c.entity === "prepayments");
      expect(changed.length).toBeGreaterThan(0);
      const e = await sync(t);
      expect(e.updated).toBe(changed.length);
      await expectTruth(prepaymentsTruth, world(), t);
      const rows = await world().db.db.select().from(allocations).where(and(eq(allocations.tenantId, t.id), eq(allocations.sourceId, changed[0]!.id)));
      expect(rows.length).toBeGreaterThan(0);
      expect(rows.every((r) => r.sourceEntity === "prepayments" && r.invoiceId !== null && r.allocationId !== null)).toBe(true);
    });
  },
);
