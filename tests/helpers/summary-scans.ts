import { and, count, eq, gte, inArray, isNull, sql } from "drizzle-orm";
import type { Db } from "@/lib/db";
import { invoices } from "@/lib/db/schema";
import type { EntityCount } from "@/lib/entities/read-model";
import { ENTITIES } from "@/lib/entities/registry";
import { todayUtc } from "@/lib/lists/today";
import { AGE_BUCKETS, type AgingSeries, type MonthlySeries } from "@/lib/overview/read-model";

/**
 * The overview's charts and record counts computed by scanning the mirror's rows, as they were
 * before the summaries (lib/entities/summaries.ts): what the summaries must equal, in the tests,
 * and the "before" of the benchmarks.
 */

/** Records per entity over these tenants, those flagged deleted in Xero left out. */
export async function scannedEntityCounts(db: Db, tenantIds: string[]): Promise<EntityCount[]> {
  return Promise.all(
    ENTITIES.map(async (def) => {
      const cols = def.table as unknown as { tenantId: Parameters<typeof inArray>[0]; deletedInXeroAt: Parameters<typeof isNull>[0] };
      const [r] = tenantIds.length ? await db.select({ n: count() }).from(def.table).where(and(inArray(cols.tenantId, tenantIds), isNull(cols.deletedInXeroAt))) : [{ n: 0 }];
      return { entity: def.name, records: Number(r?.n ?? 0) };
    }),
  );
}

/** Receivables (sales invoices still owed) by days overdue, per currency. */
export async function scannedReceivablesAging(db: Db, tenantIds: string[], now = new Date()): Promise<AgingSeries[]> {
  if (tenantIds.length === 0) return [];
  const today = todayUtc(now);
  const days = sql`(${today}::date - ${invoices.dueDate})`;
  const bucket = sql<number>`case when ${invoices.dueDate} is null or ${days} <= 0 then 0 when ${days} <= 30 then 1 when ${days} <= 60 then 2 when ${days} <= 90 then 3 else 4 end`;
  const rows = await db
    .select({
      currency: sql<string>`coalesce(${invoices.currencyCode}, '')`,
      bucket: bucket,
      amount: sql<string>`sum(${invoices.amountDue})::text`,
      n: count(),
    })
    .from(invoices)
    .where(
      and(
        inArray(invoices.tenantId, tenantIds),
        eq(invoices.type, "ACCREC"),
        inArray(invoices.status, ["AUTHORISED", "SUBMITTED"]),
        sql`${invoices.amountDue} > 0`,
      ),
    )
    .groupBy(sql`1`, sql`2`);
  return groupSeries(rows, (list) =>
    AGE_BUCKETS.map((b, i) => {
      const r = list.find((x) => Number(x.bucket) === i);
      return { bucket: b, amount: r?.amount ?? "0", count: Number(r?.n ?? 0) };
    }),
  ).map(([currency, buckets]) => ({ currency, buckets }));
}

/**
 * Sales invoiced (by invoice date) and paid (amount paid, by the date an invoice was fully paid)
 * for the last `months` calendar months including this one, per currency.
 */
export async function scannedInvoicedVsPaid(db: Db, tenantIds: string[], now = new Date(), months = 12): Promise<MonthlySeries[]> {
  if (tenantIds.length === 0) return [];
  const start = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - (months - 1), 1)).toISOString().slice(0, 10);
  const base = and(inArray(invoices.tenantId, tenantIds), eq(invoices.type, "ACCREC"), inArray(invoices.status, ["AUTHORISED", "SUBMITTED", "PAID"]));
  const [invoiced, paid] = await Promise.all([
    db
      .select({ currency: sql<string>`coalesce(${invoices.currencyCode}, '')`, month: sql<string>`to_char(${invoices.date}, 'YYYY-MM')`, amount: sql<string>`sum(${invoices.total})::text` })
      .from(invoices)
      .where(and(base, gte(invoices.date, start)))
      .groupBy(sql`1`, sql`2`),
    db
      .select({
        currency: sql<string>`coalesce(${invoices.currencyCode}, '')`,
        month: sql<string>`to_char(${invoices.fullyPaidOnDate}, 'YYYY-MM')`,
        amount: sql<string>`sum(${invoices.amountPaid})::text`,
      })
      .from(invoices)
      .where(and(base, gte(invoices.fullyPaidOnDate, start)))
      .groupBy(sql`1`, sql`2`),
  ]);
  const monthKeys: string[] = [];
  for (let i = 0; i < months; i++) monthKeys.push(new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - (months - 1) + i, 1)).toISOString().slice(0, 7));
  const currencies = [...new Set([...invoiced, ...paid].map((r) => r.currency))];
  const volume = (c: string) => [...invoiced, ...paid].filter((r) => r.currency === c).reduce((s, r) => s + Number(r.amount), 0); // ordering only
  return currencies
    .sort((a, b) => volume(b) - volume(a))
    .map((currency) => ({
      currency,
      months: monthKeys.map((month) => ({
        month,
        invoiced: invoiced.find((r) => r.currency === currency && r.month === month)?.amount ?? "0",
        paid: paid.find((r) => r.currency === currency && r.month === month)?.amount ?? "0",
      })),
    }));
}

function groupSeries<R extends { currency: string; amount: string }, T>(rows: R[], build: (list: R[]) => T): [string, T][] {
  const byCurrency = new Map<string, R[]>();
  for (const r of rows) byCurrency.set(r.currency, [...(byCurrency.get(r.currency) ?? []), r]);
  // Largest currency first (Number() only orders; amounts are shown from the decimal strings).
  return [...byCurrency.entries()]
    .sort((a, b) => b[1].reduce((s, r) => s + Number(r.amount), 0) - a[1].reduce((s, r) => s + Number(r.amount), 0))
    .map(([c, list]) => [c, build(list)]);
}
