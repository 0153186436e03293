/**
 * A mirror that held rows before the summaries existed: start-up (backfillSummaries, run after the
 * migrations) gives each organisation and entity without summaries its summaries from the table,
 * and leaves the ones that have them.
 */
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { invoices } from "@/lib/db/schema";
import { entityCounts, entityTotals, scannedEntityTotals } from "@/lib/entities/read-model";
import { parseEntityQuery } from "@/lib/entities/read-model-params";
import { invoicesEntity } from "@/lib/entities/invoices";
import { backfillSummaries } from "@/lib/entities/summaries";
import { todayUtc } from "@/lib/lists/today";
import { receivablesAging } from "@/lib/overview/read-model";
import { createTestDatabase, type TestDatabase } from "@/tests/helpers/db";
import { seedContacts, seedInvoices, seedTenant, seedUser } from "@/tests/helpers/seed-mirror";
import { scannedEntityCounts, scannedReceivablesAging } from "@/tests/helpers/summary-scans";

const NOW = new Date("2026-05-15T12:00:00Z");

describe("backfilling the summaries at start-up", () => {
  let t: TestDatabase;
  let userId: string;
  let ids: string[];

  beforeAll(async () => {
    t = await createTestDatabase();
    userId = (await seedUser(t.db)).id;
    const a = await seedTenant(t.db, userId, { name: "Before" });
    const b = await seedTenant(t.db, userId, { name: "Also before" });
    ids = [a.id, b.id];
    for (const [i, id] of ids.entries()) await seedInvoices(t.db, id, 400 + i * 100, await seedContacts(t.db, id, 20, { ns: 0x40 + i }), { today: NOW, ns: 0x50 + i });
  });
  afterAll(() => t?.close());

  it("summarises rows stored without summaries, and leaves summaries that exist", async () => {
    // As before the upgrade: rows, no summaries (and one tenant's summaries kept, to be left alone).
    await t.db.execute(sql`delete from mirror_summaries where tenant_id = ${ids[0]!}::uuid`);
    // A row written straight into the table of the summarised tenant: the backfill does not look at it.
    await t.db.insert(invoices).values({ tenantId: ids[1]!, invoiceId: crypto.randomUUID(), type: "ACCREC", status: "AUTHORISED", xeroUpdatedAt: NOW, raw: {}, total: "7", amountDue: "7", currencyCode: "NZD" });
    const q = parseEntityQuery(invoicesEntity, { org: ids[0]! });
    expect(await entityTotals(t.db, { id: userId }, invoicesEntity, q, NOW)).toEqual([]);

    await backfillSummaries(t.db);
    expect(await entityTotals(t.db, { id: userId }, invoicesEntity, q, NOW)).toEqual(await scannedEntityTotals(t.db, invoicesEntity, [ids[0]!], q, todayUtc(NOW)));
    expect(await receivablesAging(t.db, [ids[0]!], NOW)).toEqual(await scannedReceivablesAging(t.db, [ids[0]!], NOW));
    const counts = await entityCounts(t.db, { id: userId });
    const scanned = await scannedEntityCounts(t.db, ids);
    expect(counts.find((c) => c.entity === "contacts")).toEqual(scanned.find((c) => c.entity === "contacts"));
    // The second tenant kept its summaries: the row written around them is not counted.
    expect(counts.find((c) => c.entity === "invoices")!.records).toBe(scanned.find((c) => c.entity === "invoices")!.records - 1);
  });
});

describe("a facet added to a definition, and the ageing read from it", () => {
  let t: TestDatabase;
  let ids: string[];

  beforeAll(async () => {
    t = await createTestDatabase();
    const userId = (await seedUser(t.db)).id;
    ids = [];
    for (let i = 0; i < 2; i++) {
      const id = (await seedTenant(t.db, userId, { name: `Ageing ${i + 1}` })).id;
      ids.push(id);
      await seedInvoices(t.db, id, 600, await seedContacts(t.db, id, 20, { ns: 0x60 + i }), { today: NOW, ns: 0x70 + i });
    }
  });
  afterAll(() => t?.close());

  it("fills in a facet an organisation's summaries lack, and leaves the others", async () => {
    // As after an upgrade that added the month facet: every other facet summarised, not this one.
    await t.db.execute(sql`delete from mirror_summaries where tenant_id = ${ids[0]!}::uuid and facet = 'dueMonth'`);
    const before = await t.db.execute(sql`select count(*)::int as n from mirror_summaries where tenant_id = ${ids[1]!}::uuid`);
    await backfillSummaries(t.db);
    expect(await receivablesAging(t.db, ids, NOW)).toEqual(await scannedReceivablesAging(t.db, ids, NOW));
    expect(await t.db.execute(sql`select count(*)::int as n from mirror_summaries where tenant_id = ${ids[1]!}::uuid`)).toEqual(before);
  });

  it("the ageing equals the scan on any day: month ends and starts, a leap day, either side of the 90-day line", async () => {
    for (const day of ["2026-06-15", "2026-06-30", "2026-07-01", "2026-03-31", "2026-03-01", "2028-02-29", "2026-12-31", "2027-01-01", "2026-09-13", "2025-06-20"]) {
      const now = new Date(`${day}T09:00:00Z`);
      expect({ day, aging: await receivablesAging(t.db, ids, now) }).toEqual({ day, aging: await scannedReceivablesAging(t.db, ids, now) });
    }
  });
});
