/**
 * Scheduled syncs in the app process: every SYNC_INTERVAL_MINUTES, sync each tenant that can sync
 * (active organisation, active connection, not rate limited, not already syncing elsewhere), one
 * tenant at a time so one process never bursts Xero's app-wide minute limit. Safe with several
 * processes on PostgreSQL: the tenant lease makes a second process skip a tenant already syncing.
 * (The design's pg-boss worker will take this over on PostgreSQL; until then the app runs it.)
 */
import { and, eq, isNull, lt, or } from "drizzle-orm";
import type { Db } from "@/lib/db";
import { xeroConnections, xeroTenants } from "@/lib/db/schema";
import { getEnv } from "@/lib/env";
import { isDraining, syncStopSignal, track } from "./background";
import { syncTenant, type SyncResult } from "./engine";
import { schedulerState } from "./scheduler-state";
import { logServerError } from "@/lib/api/log";

/** Tenants the scheduler should sync now. */
export async function listSchedulableTenants(db: Db, now = new Date()): Promise<{ id: string; name: string }[]> {
  return db
    .select({ id: xeroTenants.id, name: xeroTenants.name })
    .from(xeroTenants)
    .innerJoin(xeroConnections, eq(xeroConnections.id, xeroTenants.connectionId))
    .where(
      and(
        eq(xeroTenants.status, "active"),
        eq(xeroConnections.status, "active"),
        or(isNull(xeroTenants.rateLimitedUntil), lt(xeroTenants.rateLimitedUntil, now)),
        or(isNull(xeroTenants.syncLockExpiresAt), lt(xeroTenants.syncLockExpiresAt, now)),
      ),
    )
    .orderBy(xeroTenants.createdAt);
}

/**
 * One scheduler tick: syncs every schedulable tenant in turn. A shutdown (drainSyncs) ends the
 * tick: no further tenant starts, and the running sync stops at a page boundary once the grace
 * period is over.
 */
export async function runScheduledSyncs(db: Db): Promise<{ tenantId: string; result: SyncResult }[]> {
  return track(scheduledSyncs(db));
}

async function scheduledSyncs(db: Db): Promise<{ tenantId: string; result: SyncResult }[]> {
  const out: { tenantId: string; result: SyncResult }[] = [];
  const signal = syncStopSignal();
  for (const t of await listSchedulableTenants(db)) {
    if (isDraining()) break;
    try {
      let result = await syncTenant(db, { tenantId: t.id, trigger: "schedule", signal });
      out.push({ tenantId: t.id, result });
      // A webhook announced changes while it ran (see requestFollowUpSync): once more, now.
      for (let again = 0; again < 3 && "followUpRequested" in result && result.followUpRequested; again++) {
        if (isDraining()) break;
        result = await syncTenant(db, { tenantId: t.id, trigger: "webhook", signal });
        out.push({ tenantId: t.id, result });
      }
    } catch (error) {
      logServerError(`sync scheduled ${t.id}`, error);
    }
  }
  return out;
}

let timer: NodeJS.Timeout | undefined;

/**
 * Starts the in-process scheduler (idempotent): a first tick shortly after start, then every
 * `intervalMinutes` (default SYNC_INTERVAL_MINUTES). `getDb` defaults to the process's database.
 */
export function startScheduler(options: { intervalMinutes?: number; firstDelayMs?: number; getDb?: () => Promise<Db> } = {}): void {
  if (timer) return;
  const minutes = options.intervalMinutes ?? getEnv().SYNC_INTERVAL_MINUTES;
  if (minutes <= 0) return;
  const intervalMs = minutes * 60_000;
  const getDb = options.getDb ?? (async () => (await import("@/lib/db")).getDb());
  const tick = async () => {
    if (schedulerState.running) return;
    schedulerState.running = true;
    try {
      await runScheduledSyncs(await getDb());
    } catch (error) {
      logServerError("sync scheduler tick", error);
    } finally {
      schedulerState.running = false;
      schedulerState.nextRunAt = new Date(Date.now() + intervalMs);
      timer = setTimeout(() => void tick(), intervalMs);
      timer.unref?.();
    }
  };
  const first = options.firstDelayMs ?? 15_000;
  schedulerState.nextRunAt = new Date(Date.now() + first);
  timer = setTimeout(() => void tick(), first);
  timer.unref?.();
}

export function stopScheduler(): void {
  if (timer) clearTimeout(timer);
  timer = undefined;
  schedulerState.nextRunAt = null;
}
