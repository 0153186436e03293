/**
 * Scheduled syncs with workers: every active organisation has its own slot in each of its
 * intervals (xero_tenants.sync_interval_minutes, else SYNC_INTERVAL_MINUTES; lib/jobs/stagger.ts),
 * kept in xero_tenants.next_sync_at; a paused organisation is not enqueued. Each worker's
 * tick claims the organisations whose slot has come (a conditional UPDATE to the following slot,
 * so of several workers ticking at once exactly one sends the job) and enqueues their syncs. A
 * slot missed while no worker ran is claimed by the first tick after, once, not once per missed slot.
 */
import { and, eq, isNull, lte } from "drizzle-orm";
import type PgBoss from "pg-boss";
import type { Db } from "@/lib/db";
import { xeroConnections, xeroTenants } from "@/lib/db/schema";
import { sendSyncJob } from "./queue";
import { nextScheduledRun } from "./stagger";

/** Gives unscheduled active tenants their slot, then enqueues those due; returns the tenants enqueued. */
export async function enqueueScheduledSyncs(db: Db, boss: PgBoss, intervalMinutes: number, now = new Date()): Promise<string[]> {
  if (intervalMinutes <= 0) return [];
  const intervalMsOf = (own: number | null) => (own ?? intervalMinutes) * 60_000;
  const unscheduled = await db
    .select({ id: xeroTenants.id, syncIntervalMinutes: xeroTenants.syncIntervalMinutes })
    .from(xeroTenants)
    .where(and(eq(xeroTenants.status, "active"), isNull(xeroTenants.nextSyncAt)));
  for (const t of unscheduled) {
    await db
      .update(xeroTenants)
      .set({ nextSyncAt: nextScheduledRun(t.id, now, intervalMsOf(t.syncIntervalMinutes)) })
      .where(and(eq(xeroTenants.id, t.id), isNull(xeroTenants.nextSyncAt)));
  }
  const due = await db
    .select({ id: xeroTenants.id, nextSyncAt: xeroTenants.nextSyncAt, rateLimitedUntil: xeroTenants.rateLimitedUntil, syncIntervalMinutes: xeroTenants.syncIntervalMinutes })
    .from(xeroTenants)
    .innerJoin(xeroConnections, eq(xeroConnections.id, xeroTenants.connectionId))
    .where(and(eq(xeroTenants.status, "active"), eq(xeroConnections.status, "active"), isNull(xeroTenants.syncPausedAt), lte(xeroTenants.nextSyncAt, now)))
    .orderBy(xeroTenants.nextSyncAt);
  const sent: string[] = [];
  for (const t of due) {
    const [claimed] = await db
      .update(xeroTenants)
      .set({ nextSyncAt: nextScheduledRun(t.id, now, intervalMsOf(t.syncIntervalMinutes)) })
      .where(and(eq(xeroTenants.id, t.id), eq(xeroTenants.nextSyncAt, t.nextSyncAt!)))
      .returning({ id: xeroTenants.id });
    if (!claimed) continue;
    // A daily-limited organisation syncs when its quota resets rather than being skipped for a whole interval.
    const startAfter = t.rateLimitedUntil && t.rateLimitedUntil > now ? t.rateLimitedUntil : undefined;
    await sendSyncJob(boss, { tenantId: t.id, trigger: "schedule" }, { startAfter });
    sent.push(t.id);
  }
  return sent;
}
