import { and, eq, sql } from "drizzle-orm";
import { expect, it } from "vitest";
import type { Db } from "@/lib/db";
import { allocations, invoices } from "@/lib/db/schema";
import { creditNotesTruth } from "@/tests/helpers/entity-truth/creditNotes";
import { describeKeysetEntity, expectTruth } from "./keyset-contract";

/** Each allocation row's physical address: a rewritten row gets a new one. */
async function allocationRowVersions(db: Db, tenantId: string): Promise<Map<string, string>> {
  const rows = await db
    .select({ sourceId: allocations.sourceId, position: allocations.position, ctid: sql<string>`${sql.raw("ctid")}::text` })
    .from(allocations)
    .where(and(eq(allocations.tenantId, tenantId), eq(allocations.sourceEntity, "creditNotes")));
  return new Map(rows.map((r) => [`${r.sourceId}/${r.position}`, r.ctid]));
}

describeKeysetEntity(
  {
    entity: "creditNotes",
    // Credits are allocated to open invoices as they are seeded: a tenth of the invoices' count
    // leaves open invoices to allocate more to.
    count: 1100,
    smallCount: 240,
    invoices: 3000,
    truth: creditNotesTruth,
    changeKinds: ["create", "edit", "authorise", "allocate"],
    cancelKinds: { void: "VOIDED", delete: "DELETED" },
  },
  ({ world, big, sync, mutate }) => {
    it("allocations: written with their credit note, replaced when it changes, untouched when it does not", async () => {
      const t = big();
      const db = world().db.db;
      const before = await allocationRowVersions(db, t.id);
      expect(before.size).toBeGreaterThan(100);
      const changes = (await mutate(t, ["allocate"], 5)).filter((c) => c.entity === "creditNotes");
      expect(changes.length).toBeGreaterThan(0);
      const allocated = new Set(changes.map((c) => c.id));
      const e = await sync(t);
      expect(e.updated).toBe(allocated.size);
      await expectTruth(creditNotesTruth, world(), t);
      const after = await allocationRowVersions(db, t.id);
      let untouched = 0;
      for (const [key, ctid] of after) {
        const [sourceId] = key.split("/");
        if (allocated.has(sourceId!)) expect(before.get(key), key).not.toBe(ctid);
        else {
          expect(before.get(key), key).toBe(ctid);
          untouched++;
        }
      }
      expect(untouched).toBe(before.size - [...before.keys()].filter((k) => allocated.has(k.split("/")[0]!)).length);
      // Each allocated credit note has one allocation more than before.
      for (const id of allocated) {
        const n = (m: Map<string, string>) => [...m.keys()].filter((k) => k.startsWith(`${id}/`)).length;
        expect(n(after), id).toBe(n(before) + 1);
      }
    });

    it("an invoice's credit-note, overpayment and prepayment allocations add up to its AmountCredited", async () => {
      const t = big();
      await sync(t, { entities: ["invoices", "overpayments", "prepayments"] });
      await sync(t);
      const db = world().db.db;
      const credited = await db.select({ id: invoices.invoiceId, amountCredited: invoices.amountCredited }).from(invoices).where(eq(invoices.tenantId, t.id));
      const sums = await db
        .select({ invoiceId: allocations.invoiceId, allocated: sql<string>`sum(${allocations.amount})` })
        .from(allocations)
        .where(eq(allocations.tenantId, t.id))
        .groupBy(allocations.invoiceId);
      const allocated = new Map(sums.map((s) => [s.invoiceId, s.allocated]));
      expect(credited.filter((i) => Number(i.amountCredited) > 0).length).toBeGreaterThan(20);
      // Exact decimals: compared as cents.
      const cents = (v: string | null | undefined) => Math.round(Number(v ?? 0) * 100);
      for (const i of credited) expect(cents(allocated.get(i.id)), i.id).toBe(cents(i.amountCredited));
      const kinds = await db.selectDistinct({ source: allocations.sourceEntity }).from(allocations).where(eq(allocations.tenantId, t.id));
      expect(kinds.map((k) => k.source).sort()).toEqual(["creditNotes", "overpayments", "prepayments"]);
    });
  },
);
