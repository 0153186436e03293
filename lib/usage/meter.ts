/**
 * The usage meter: every call this process sends to Xero's API (the Accounting API through
 * lib/xero/client.ts, /connections through lib/xero/identity.ts) is tallied here in memory, per
 * UTC day and Xero organisation, and written to xero_usage_days by `flushUsage` — at the end of
 * each entity of a sync, after a connect, and by the housekeeping tick for anything left — so a
 * call costs no database round trip. The write adds to the day's row (INSERT … ON CONFLICT DO
 * UPDATE SET calls = calls + excluded.calls), so processes flushing at once add up correctly.
 *
 * Bytes are the response body as it came over the wire: compressed bytes when Xero compressed it
 * (see lib/xero/client.ts for how axios is kept from decompressing before we count), failed
 * answers (429, 5xx) included: Xero counts those calls and sends their bodies too.
 */
import { sql } from "drizzle-orm";
import type { Db } from "@/lib/db/client";
import { xeroUsageDays } from "@/lib/db/schema";
import { getEnv } from "@/lib/env";
import { logServerError } from "@/lib/log";

interface Tally {
  day: string;
  clientId: string;
  xeroTenantId: string;
  calls: number;
  bytes: number;
  dayLimitRemaining: number | null;
  dayLimitSeenAt: Date | null;
}

const store = globalThis as unknown as { __xeroUsageTallies?: Map<string, Tally> };
const tallies = () => (store.__xeroUsageTallies ??= new Map());

/** The UTC calendar day of an instant, as the table keys it (YYYY-MM-DD). */
export function usageDay(at: Date): string {
  return at.toISOString().slice(0, 10);
}

function tallyFor(xeroTenantId: string, at: Date): Tally {
  const clientId = getEnv().XERO_CLIENT_ID ?? "";
  const day = usageDay(at);
  const key = `${clientId}\u0000${xeroTenantId}\u0000${day}`;
  let t = tallies().get(key);
  if (!t) {
    t = { day, clientId, xeroTenantId, calls: 0, bytes: 0, dayLimitRemaining: null, dayLimitSeenAt: null };
    tallies().set(key, t);
  }
  return t;
}

/** A request to Xero's API was sent (whatever comes of it). `xeroTenantId` '' for calls about no one organisation. */
export function meterCall(xeroTenantId: string, at = new Date()): void {
  tallyFor(xeroTenantId, at).calls++;
}

/**
 * An answer arrived: its body's bytes as received, and Xero's daily quota left when it says
 * (X-DayLimit-Remaining, lower-cased header names).
 */
export function meterAnswer(xeroTenantId: string, bytes: number, headers: Record<string, string>, at = new Date()): void {
  const t = tallyFor(xeroTenantId, at);
  t.bytes += bytes;
  const remaining = headers["x-daylimit-remaining"];
  if (remaining !== undefined && /^\d+$/.test(remaining.trim())) {
    t.dayLimitRemaining = Number(remaining);
    t.dayLimitSeenAt = at;
  }
}

/**
 * Writes what was tallied (of `xeroTenantIds` only, when given) to xero_usage_days, adding to each
 * day's row, in one statement; `db` may be a transaction. A failed write puts the tallies back for
 * the next flush (and is logged, never thrown: metering must not fail a sync).
 */
export async function flushUsage(db: Db, xeroTenantIds?: readonly string[]): Promise<void> {
  const map = tallies();
  const taken: [string, Tally][] = [];
  for (const [key, t] of map) {
    if (xeroTenantIds && !xeroTenantIds.includes(t.xeroTenantId)) continue;
    taken.push([key, t]);
    map.delete(key);
  }
  if (!taken.length) return;
  try {
    await db
      .insert(xeroUsageDays)
      .values(taken.map(([, t]) => t))
      .onConflictDoUpdate({
        target: [xeroUsageDays.clientId, xeroUsageDays.xeroTenantId, xeroUsageDays.day],
        set: {
          calls: sql`${xeroUsageDays.calls} + excluded.calls`,
          bytes: sql`${xeroUsageDays.bytes} + excluded.bytes`,
          // The newest report of the quota wins, whichever process flushes last.
          dayLimitRemaining: sql`case when excluded.day_limit_seen_at is not null and (${xeroUsageDays.dayLimitSeenAt} is null or excluded.day_limit_seen_at >= ${xeroUsageDays.dayLimitSeenAt}) then excluded.day_limit_remaining else ${xeroUsageDays.dayLimitRemaining} end`,
          dayLimitSeenAt: sql`case when excluded.day_limit_seen_at is not null and (${xeroUsageDays.dayLimitSeenAt} is null or excluded.day_limit_seen_at >= ${xeroUsageDays.dayLimitSeenAt}) then excluded.day_limit_seen_at else ${xeroUsageDays.dayLimitSeenAt} end`,
        },
      });
  } catch (error) {
    for (const [key, t] of taken) {
      const now = map.get(key);
      if (!now) map.set(key, t);
      else {
        now.calls += t.calls;
        now.bytes += t.bytes;
        if (t.dayLimitSeenAt && (!now.dayLimitSeenAt || t.dayLimitSeenAt > now.dayLimitSeenAt)) {
          now.dayLimitRemaining = t.dayLimitRemaining;
          now.dayLimitSeenAt = t.dayLimitSeenAt;
        }
      }
    }
    logServerError("recording Xero usage", error);
  }
}

/** For tests: forget what was tallied and not flushed. */
export function resetUsageTallies(): void {
  tallies().clear();
}
