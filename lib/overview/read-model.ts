import { sql } from "drizzle-orm";
import type { Db } from "@/lib/db";
import { summarySums } from "@/lib/entities/summaries";
import { todayUtc } from "@/lib/lists/today";
import { memoByVersion } from "@/lib/lists/data-version-cache";
import type { Reader } from "@/lib/lists/tenant-scope";
import { getTenantSyncStatuses, type TenantSyncStatus } from "./sync-status";

/**
 * The overview read model: the sync status of each organisation of the user (./sync-status.ts)
 * and the two charts (receivables by age, invoiced vs paid per month).
 */

export interface Overview {
  orgs: TenantSyncStatus[];
  aging: AgingSeries[];
  monthly: MonthlySeries[];
}

/**
 * Everything the overview page shows, in a fixed number of queries whatever the number of
 * organisations. The charts read the summaries kept as invoices are written and change only when
 * a sync stores something, so they are also kept per data version, taken from the sync status just read.
 */
export async function getOverview(db: Db, reader: Reader, now = new Date()): Promise<Overview> {
  const orgs = await getTenantSyncStatuses(db, reader, { now });
  const ids = orgs.map((o) => o.id);
  const version = mirrorVersion(orgs);
  const [aging, monthly] = await Promise.all([
    memoByVersion(`aging:${reader.id}:${ids.join(",")}:${version}`, () => receivablesAging(db, ids, now), now),
    memoByVersion(`monthly:${reader.id}:${ids.join(",")}:${version}`, () => invoicedVsPaid(db, ids, now), now),
  ]);
  return { orgs, aging, monthly };
}

/**
 * The data version (lib/lists/data-version-cache.ts) from rows the sync status already read: the
 * cursors move in the transaction that stores records, a disconnect changes the status, and every
 * run that starts or ends changes the latest run.
 */
function mirrorVersion(orgs: TenantSyncStatus[]): string {
  const at = (d: Date | null) => d?.getTime() ?? "";
  return orgs
    .map((o) => [o.id, o.status, o.lastRun?.sessionId ?? "", o.lastRun?.outcome ?? "", ...o.entities.map((e) => `${e.entity}${at(e.highWaterMark)}/${at(e.lastSuccessAt)}/${at(e.lastAttemptAt)}`)].join(";"))
    .join("|");
}

export const AGE_BUCKETS = ["current", "1–30", "31–60", "61–90", "90+"] as const;
export type AgeBucket = (typeof AGE_BUCKETS)[number];

export interface AgingSeries {
  currency: string;
  buckets: { bucket: AgeBucket; amount: string; count: number }[];
}

/**
 * Receivables (sales invoices still owed: approved, amount due above zero) by days overdue, per
 * currency, from the invoices' due-date summaries. Only the days of the months around the 0–90
 * days overdue window need their own day; every other month lies wholly in "current" (due after
 * today, or no due date) or "90+", so it is read by month (facet `dueMonth`): ~4 months of days and
 * ~2 years of months per organisation instead of ~2 years of days, in one grouped query.
 */
export async function receivablesAging(db: Db, tenantIds: string[], now = new Date()): Promise<AgingSeries[]> {
  if (tenantIds.length === 0) return [];
  const today = todayUtc(now);
  // [from, to): the first of the month holding today - 90 days, and the first after today's month.
  const t = new Date(`${today}T00:00:00Z`);
  const from = new Date(Date.UTC(t.getUTCFullYear(), t.getUTCMonth(), t.getUTCDate() - 90));
  const fromMonth = new Date(Date.UTC(from.getUTCFullYear(), from.getUTCMonth(), 1)).toISOString().slice(0, 10);
  const toMonth = new Date(Date.UTC(t.getUTCFullYear(), t.getUTCMonth() + 1, 1)).toISOString().slice(0, 10);
  const days = sql`(${today}::date - day)`;
  const bucket = sql`case when day is null or ${days} <= 0 then 0 when ${days} <= 30 then 1 when ${days} <= 60 then 2 when ${days} <= 90 then 3 else 4 end`;
  const window = sql`day >= ${fromMonth}::date and day < ${toMonth}::date`;
  const sums = await summarySums(
    db,
    "invoices",
    ["due", "dueMonth"],
    tenantIds,
    // Written as two ranges of (facet, day), each an index range of mirror_summaries_facet_day_idx.
    sql`dim = 'ACCREC' and status in ('AUTHORISED', 'SUBMITTED') and ((facet = 'due' and ${window}) or (facet = 'dueMonth' and (day is null or day < ${fromMonth}::date or day >= ${toMonth}::date)))`,
    [sql`currency`, bucket],
  );
  const rows = sums.map((r) => ({ currency: r.g0!, bucket: Number(r.g1), amount: r.s0 ?? "0", n: Number(r.n) }));
  return groupSeries(rows, (list) =>
    AGE_BUCKETS.map((b, i) => {
      const r = list.find((x) => x.bucket === i);
      return { bucket: b, amount: r?.amount ?? "0", count: r?.n ?? 0 };
    }),
  ).map(([currency, buckets]) => ({ currency, buckets }));
}

export interface MonthlySeries {
  currency: string;
  months: { month: string; invoiced: string; paid: string }[];
}

/**
 * Sales invoiced (by invoice date) and paid (amount paid, by the date an invoice was fully paid)
 * for the last `months` calendar months including this one, per currency.
 */
export async function invoicedVsPaid(db: Db, tenantIds: string[], now = new Date(), months = 12): Promise<MonthlySeries[]> {
  if (tenantIds.length === 0) return [];
  const start = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - (months - 1), 1)).toISOString().slice(0, 10);
  // The summaries' day is the first of the month: the same months as the dates themselves from `start`, a first.
  const where = sql`dim = 'ACCREC' and status in ('AUTHORISED', 'SUBMITTED', 'PAID') and day >= ${start}::date`;
  const byMonth = [sql`currency`, sql`to_char(day, 'YYYY-MM')`];
  const asRows = (rows: Record<string, string | null>[]) => rows.map((r) => ({ currency: r.g0!, month: r.g1!, amount: r.s0 ?? "0" }));
  const [invoiced, paid] = await Promise.all([
    summarySums(db, "invoices", "invoiced", tenantIds, where, byMonth).then(asRows),
    summarySums(db, "invoices", "paid", tenantIds, where, byMonth).then(asRows),
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
