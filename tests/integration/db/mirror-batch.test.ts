/**
 * The mirror write path with packed pages (lib/db/queries/mirror-batch.ts): a page whose rows are
 * all sent goes as its one packed string; a page with rows left out (stored and not newer,
 * repeated ids, the engine's keyset overlap) is rebuilt from the rows sent. Either way exactly the
 * new or newer rows are written, and the connection's plan_cache_mode is back after the write.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eq, sql } from "drizzle-orm";
import { queryRows } from "@/lib/db/client";
import type { Db } from "@/lib/db";
import { JsonText, mirrorSpec, packPreparedRows, prepareMirrorRow, upsertPreparedBatch, type PreparedRow } from "@/lib/db/queries/mirror-batch";
import { invoices, users, xeroConnections, xeroTenants } from "@/lib/db/schema";
import { mapInvoice } from "@/lib/entities/invoices/map";
import { createTestDatabase, type TestDatabase } from "../../helpers/db";

const spec = mirrorSpec(invoices, invoices.invoiceId);
const upsertPreparedInvoiceBatch = (db: Db, tenant: string, rows: PreparedRow[]) => upsertPreparedBatch(db, spec, tenant, rows);

let t: TestDatabase;
let tenantId: string;

beforeAll(async () => {
  t = await createTestDatabase();
  const [user] = await t.db.insert(users).values({ email: "mirror@example.com" }).returning();
  const [conn] = await t.db
    .insert(xeroConnections)
    .values({ userId: user!.id, grantType: "authorization_code", xeroUserId: "xu", scopes: "openid", tokenSetEncrypted: "v1:dummy", accessTokenExpiresAt: new Date() })
    .returning();
  const [tenant] = await t.db.insert(xeroTenants).values({ userId: user!.id, connectionId: conn!.id, xeroTenantId: crypto.randomUUID(), name: "Org" }).returning();
  tenantId = tenant!.id;
});
afterAll(async () => {
  await t?.close();
});

const id = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, "0")}`;
/** A page of invoices as the sync prepares it: Xero's text per record, packed. */
function page(records: { n: number; ms: number; total: number }[]) {
  return packPreparedRows(
    records.map(({ n, ms, total }) => {
      const text = JSON.stringify({ InvoiceID: id(n), Type: "ACCREC", Status: "AUTHORISED", Total: total, UpdatedDateUTC: `/Date(${ms}+0000)/` });
      return prepareMirrorRow(spec, mapInvoice(tenantId, JSON.parse(text) as object, new JsonText(text)));
    }),
  );
}
const stored = async () =>
  Object.fromEntries(
    (await t.db.select({ id: invoices.invoiceId, total: invoices.total, raw: invoices.raw }).from(invoices).where(eq(invoices.tenantId, tenantId))).map((r) => [
      r.id,
      { total: Number(r.total), rawTotal: (r.raw as { Total: number }).Total },
    ]),
  );

describe("mirror batch with packed pages", () => {
  it("packs a page into one JSON array whose slices are the rows", () => {
    const rows = page([
      { n: 1, ms: 1_000, total: 1 },
      { n: 2, ms: 2_000, total: 2 },
    ]);
    for (const r of rows) expect((JSON.parse(r.json) as { raw: { InvoiceID: string } }).raw.InvoiceID).toBe(r.id);
    expect(JSON.parse(`[${rows.map((r) => r.json).join(",")}]`)).toHaveLength(2);
  });

  it("writes a whole page, then only what is new or newer of a page that overlaps it", async () => {
    const first = await t.db.transaction((tx) =>
      upsertPreparedInvoiceBatch(tx, tenantId, page([1, 2, 3, 4].map((n) => ({ n, ms: 1_000 * n, total: n })))),
    );
    expect(first).toEqual({ inserted: 4, updated: 0, unchanged: 0 });
    // 1 unchanged, 2 newer, 3 older than stored (must not win), 5 new, and 5 again, newer (the newest wins).
    const second = page([
      { n: 1, ms: 1_000, total: 1 },
      { n: 2, ms: 9_000, total: 20 },
      { n: 3, ms: 500, total: 30 },
      { n: 5, ms: 5_000, total: 5 },
      { n: 5, ms: 6_000, total: 50 },
    ]);
    const res = await t.db.transaction(async (tx) => {
      const before = await queryRows<{ plan_cache_mode: string }>(tx, sql`show plan_cache_mode`);
      const r = await upsertPreparedInvoiceBatch(tx, tenantId, second);
      const after = await queryRows<{ plan_cache_mode: string }>(tx, sql`show plan_cache_mode`);
      expect(after[0]!.plan_cache_mode).toBe(before[0]!.plan_cache_mode);
      return r;
    });
    expect(res).toEqual({ inserted: 1, updated: 1, unchanged: 3 });
    expect(await stored()).toEqual({
      [id(1)]: { total: 1, rawTotal: 1 },
      [id(2)]: { total: 20, rawTotal: 20 },
      [id(3)]: { total: 3, rawTotal: 3 },
      [id(4)]: { total: 4, rawTotal: 4 },
      [id(5)]: { total: 50, rawTotal: 50 },
    });
    // The engine leaves out the keyset overlap and passes the rest: a subset of a packed page.
    const third = page([
      { n: 4, ms: 4_000, total: 4 },
      { n: 6, ms: 7_000, total: 6 },
    ]);
    expect(await t.db.transaction((tx) => upsertPreparedInvoiceBatch(tx, tenantId, third.slice(1)))).toEqual({ inserted: 1, updated: 0, unchanged: 0 });
    expect((await stored())[id(6)]).toEqual({ total: 6, rawTotal: 6 });
  });
});
