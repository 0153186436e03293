import type { Db } from "@/lib/db";
import { memoByDataVersion } from "@/lib/lists/data-version-cache";
import { scopeTenantIds } from "@/lib/lists/tenant-scope";
import { invoiceTotals, type CurrencyTotal, type InvoiceQuery } from "./read-model";

/** invoiceTotals, remembered until the data version, the day or the TTL changes. */
export async function cachedInvoiceTotals(db: Db, userId: string, q: InvoiceQuery, now = new Date()): Promise<CurrencyTotal[]> {
  const { ids } = await scopeTenantIds(db, userId, q.tenant);
  if (ids.length === 0) return [];
  const filters = { t: q.tenant, s: q.status, ty: q.type, c: q.contact, f: q.from, to: q.to, o: q.overdue, q: q.q };
  return memoByDataVersion(db, ids, `totals:${userId}:${JSON.stringify(filters)}`, () => invoiceTotals(db, userId, q, now), now);
}
