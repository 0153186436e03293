/**
 * Bank transactions on the keyset contract (keyset-contract.ts), and what is theirs: line items
 * come with every record (page is always sent), Xero's VOIDED ones stay as VOIDED, and the
 * granular scope alone reads them.
 */
import { and, eq } from "drizzle-orm";
import { expect, it } from "vitest";
import { bankTransactions, syncCursors, xeroConnections } from "@/lib/db/schema";
import { syncTenant } from "@/lib/sync";
import { bankTransactionsTruth } from "@/tests/helpers/entity-truth/bankTransactions";
import { apiLog } from "../sync/harness";
import { describeKeysetEntity } from "./keyset-contract";

describeKeysetEntity(
  {
    entity: "bankTransactions",
    count: 2300,
    smallCount: 260,
    invoices: 400,
    // Each overpayment and prepayment brings its own bank transaction: none here, so the counts are exact.
    otherCounts: { overpayments: 0, prepayments: 0 },
    truth: bankTransactionsTruth,
    changeKinds: ["create", "edit", "reconcile"],
    cancelKinds: { delete: "DELETED" },
  },
  ({ world, big }) => {
    it("line items come with every record, and the seed's VOIDED transactions stay VOIDED", async () => {
      const rows = await world().db.db.select({ status: bankTransactions.status, raw: bankTransactions.raw }).from(bankTransactions).where(eq(bankTransactions.tenantId, big().id));
      expect(rows.every((r) => ((r.raw as { LineItems?: unknown[] }).LineItems ?? []).length > 0)).toBe(true);
      expect(rows.some((r) => r.status === "VOIDED")).toBe(true);
    });

    it("needs accounting.banktransactions.read or the broad transactions scopes: without them unavailable, Xero not asked; the granular scope alone is enough", async () => {
      const db = world().db.db;
      const t = big();
      const grant = eq(xeroConnections.id, world().user.connectionId);
      const [{ scopes } = { scopes: "" }] = await db.select({ scopes: xeroConnections.scopes }).from(xeroConnections).where(grant);
      try {
        await db.update(xeroConnections).set({ scopes: "openid offline_access accounting.invoices.read accounting.contacts.read" }).where(grant);
        const before = (await apiLog(world().sim, t.xeroTenantId)).lastSeq;
        const result = await syncTenant(db, { tenantId: t.id, trigger: "manual", entities: ["bankTransactions"] });
        expect(result.status === "success" && result.entities[0]).toMatchObject({ outcome: "unavailable" });
        expect((await apiLog(world().sim, t.xeroTenantId, before)).entries.filter((e) => e.path.endsWith("/BankTransactions"))).toEqual([]);
        const [cursor] = await db.select().from(syncCursors).where(and(eq(syncCursors.tenantId, t.id), eq(syncCursors.entity, "bankTransactions")));
        expect(cursor?.unavailableReason).toContain("accounting.banktransactions.read");
        await db.update(xeroConnections).set({ scopes: "openid offline_access accounting.banktransactions.read" }).where(grant);
        expect(await syncTenant(db, { tenantId: t.id, trigger: "manual", entities: ["bankTransactions"] })).toMatchObject({ status: "success", entities: [{ outcome: "success" }] });
      } finally {
        await db.update(xeroConnections).set({ scopes }).where(grant);
      }
    });
  },
);
