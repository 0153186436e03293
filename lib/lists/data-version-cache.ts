import { inArray, sql } from "drizzle-orm";
import type { Db } from "@/lib/db";
import { syncCursors, xeroTenants } from "@/lib/db/schema";

/**
 * Aggregates over the mirror for the list and overview pages (invoice totals of a filtered set,
 * receivables ageing) read every matching row (100,000 invoices for a big organisation: ~40 ms on
 * an idle machine, several times that under load), yet they change only when a sync stores
 * something. So they are kept per (caller's key, day) in this process, keyed by a "data version"
 * read from the tiny sync_cursors / xero_tenants rows: the sync engine advances a cursor in the same
 * transaction that stores records, and disconnects change the tenant row. A TTL bounds anything that
 * slips past that (e.g. a repair run that rewrites rows without moving the cursor). The UTC day is
 * part of the key because what is overdue changes at midnight.
 */

const TTL_MS = 5 * 60_000;
const MAX_ENTRIES = 500;
const cache = new Map<string, { at: number; value: unknown }>();

/** A string that changes whenever the mirrored data of these tenants may have changed. */
export async function dataVersion(db: Db, tenantIds: string[]): Promise<string> {
  if (tenantIds.length === 0) return "none";
  const [cursors, tenants] = await Promise.all([
    db
      .select({ v: sql<string>`coalesce(string_agg(${syncCursors.tenantId}::text || ${syncCursors.entity} || coalesce(${syncCursors.highWaterMark}::text, '') || coalesce(${syncCursors.lastSuccessAt}::text, '') || coalesce(${syncCursors.lastAttemptAt}::text, ''), '|' order by ${syncCursors.tenantId}, ${syncCursors.entity}), '')` })
      .from(syncCursors)
      .where(inArray(syncCursors.tenantId, tenantIds)),
    db
      .select({ v: sql<string>`coalesce(string_agg(${xeroTenants.id}::text || ${xeroTenants.status} || coalesce(${xeroTenants.syncSessionId}::text, ''), '|' order by ${xeroTenants.id}), '')` })
      .from(xeroTenants)
      .where(inArray(xeroTenants.id, tenantIds)),
  ]);
  return `${cursors[0]?.v ?? ""}#${tenants[0]?.v ?? ""}`;
}

/**
 * `compute()`, remembered per `key` (which must include the user) until the data version of
 * `tenantIds`, the UTC day or the TTL changes.
 */
export async function memoByDataVersion<T>(db: Db, tenantIds: string[], key: string, compute: () => Promise<T>, now = new Date()): Promise<T> {
  return memoByVersion(`${key}:${await dataVersion(db, tenantIds)}`, compute, now);
}

/**
 * The same, for a caller that has already read the rows a data version is made of (the overview's
 * sync status holds every cursor and organisation row): `versionedKey` is the key with that version.
 */
export async function memoByVersion<T>(versionedKey: string, compute: () => Promise<T>, now = new Date()): Promise<T> {
  const full = `${versionedKey}:${now.toISOString().slice(0, 10)}`;
  const hit = cache.get(full);
  if (hit && now.getTime() - hit.at < TTL_MS) return hit.value as T;
  const value = await compute();
  if (cache.size >= MAX_ENTRIES) cache.delete(cache.keys().next().value!);
  cache.set(full, { at: now.getTime(), value });
  return value;
}

/** For tests and benchmarks. */
export function clearDataVersionCache(): void {
  cache.clear();
}
