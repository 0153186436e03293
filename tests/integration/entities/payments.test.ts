import { and, eq, inArray } from "drizzle-orm";
import { expect, it } from "vitest";
import { invoices, payments } from "@/lib/db/schema";
import { paymentsTruth } from "@/tests/helpers/entity-truth/payments";
import { describeKeysetEntity } from "./keyset-contract";

describeKeysetEntity(
  { entity: "payments", count: 1400, smallCount: 260, invoices: 1500, truth: paymentsTruth, changeKinds: ["create"], cancelKinds: { delete: "DELETED" } },
  ({ world, big, small, sync, mutate }) => {
    it("every payment points at a mirrored invoice and a bank account; an invoice's payments add up to its AmountPaid", async () => {
      const t = big();
      await sync(t, { entities: ["invoices"] });
      const db = world().db.db;
      const rows = await db.select().from(payments).where(eq(payments.tenantId, t.id));
      const invoiceRows = await db.select({ id: invoices.invoiceId, amountPaid: invoices.amountPaid }).from(invoices).where(eq(invoices.tenantId, t.id));
      const paidBy = new Map<string, number>();
      for (const p of rows) {
        expect(p.accountId).not.toBeNull();
        expect(p.currencyCode).not.toBeNull();
        expect(p.contactId).not.toBeNull();
        if (p.status === "AUTHORISED") paidBy.set(p.invoiceId!, (paidBy.get(p.invoiceId!) ?? 0) + Math.round(Number(p.amount) * 100));
      }
      const byId = new Map(invoiceRows.map((i) => [i.id, i]));
      for (const p of rows) expect(byId.has(p.invoiceId!), p.paymentId).toBe(true);
      for (const i of invoiceRows) expect(paidBy.get(i.id) ?? 0, i.id).toBe(Math.round(Number(i.amountPaid) * 100));
    });

    it("a deleted payment stays DELETED in the mirror and its invoice, synced again, is open again", async () => {
      const t = small();
      await sync(t, { entities: ["invoices"] });
      const changes = await mutate(t, ["delete"], 2);
      const deleted = changes.filter((c) => c.entity === "payments").map((c) => c.id);
      const reopened = changes.filter((c) => c.entity === "invoices").map((c) => c.id);
      expect(deleted.length).toBeGreaterThan(0);
      await sync(t);
      await sync(t, { entities: ["invoices"] });
      const db = world().db.db;
      const rows = await db.select().from(payments).where(and(eq(payments.tenantId, t.id), inArray(payments.paymentId, deleted)));
      expect(rows.map((r) => r.status)).toEqual(deleted.map(() => "DELETED"));
      const open = await db.select({ status: invoices.status }).from(invoices).where(and(eq(invoices.tenantId, t.id), inArray(invoices.invoiceId, reopened)));
      expect(open.map((i) => i.status)).toEqual(reopened.map(() => "AUTHORISED"));
    });
  },
);
