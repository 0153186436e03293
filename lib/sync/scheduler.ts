/**
 * Scheduled syncs in the app process: each tenant that can sync (active organisation, active
 * connection, schedule not paused, not rate limited, not already syncing elsewhere) syncs at its own
 * slot of its own interval (xero_tenants.sync_interval_minutes, else SYNC_INTERVAL_MINUTES; slots as
 * lib/jobs/stagger.ts places them, kept in xero_tenants.next_sync_at; a tenant without one syncs at
 * the first tick), one tenant at a time so one process never bursts Xero's app-wide minute limit. Safe with several
 * processes on PostgreSQL: the tenant lease makes a second process skip a tenant already syncing.
 * The app runs it on PGlite only; on PostgreSQL the sync workers (lib/jobs) schedule, each
 * organisation at its own offset, and run the housekeeping.
 * A shorter housekeeping tick runs even with the schedule off (runHousekeeping).
 */
import { and, eq, isNull, lt, lte, or } from "drizzle-orm";
import type { Db } from "@/lib/db";
import { xeroConnections, xeroTenants } from "@/lib/db/schema";
import { getEnv } from "@/lib/env";
import { applySessionRetention } from "@/lib/history/retention";
import { nextScheduledRun } from "@/lib/jobs/stagger";
import { keepIdleTokensAlive } from "@/lib/jobs/token-keepalive";
import { flushUsage } from "@/lib/usage/meter";
import { pruneWebhookDeliveries } from "@/lib/xero/webhooks";
import { isDraining, syncStopSignal, track } from "./background";
import { syncTenant, type SyncResult } from "./engine";
import { DUE_WEBHOOK_SYNC_TICK_MS, runDueWebhookSyncs } from "./webhook-syncs";
import { schedulerState } from "./scheduler-state";
import { logServerError } from "@/lib/log";
import { runAlertsTick } from "@/lib/alerts/hook";
import { pruneAlertDeliveries } from "@/lib/alerts/delivery";

/** Tenants the scheduler should sync now: their slot has come (or they have none yet) and their schedule is not paused. */
export async function listSchedulableTenants(db: Db, now = new Date()): Promise<{ id: string; name: string; syncIntervalMinutes: number | null }[]> {
  return db
    .select({ id: xeroTenants.id, name: xeroTenants.name, syncIntervalMinutes: xeroTenants.syncIntervalMinutes })
    .from(xeroTenants)
    .innerJoin(xeroConnections, eq(xeroConnections.id, xeroTenants.connectionId))
    .where(
      and(
        eq(xeroTenants.status, "active"),
        eq(xeroConnections.status, "active"),
        or(isNull(xeroTenants.rateLimitedUntil), lt(xeroTenants.rateLimitedUntil, now)),
        or(isNull(xeroTenants.syncLockExpiresAt), lt(xeroTenants.syncLockExpiresAt, now)),
        isNull(xeroTenants.syncPausedAt),
        or(isNull(xeroTenants.nextSyncAt), lte(xeroTenants.nextSyncAt, now)),
      ),
    )
    .orderBy(xeroTenants.createdAt);
}

/**
 * One scheduler tick: syncs every schedulable tenant in turn. A shutdown (drainSyncs) ends the
 * tick: no further tenant starts, and the running sync stops at a page boundary once the grace
 * period is over.
 */
export async function runScheduledSyncs(db: Db, options: { now?: () => number } = {}): Promise<{ tenantId: string; result: SyncResult }[]> {
  return track(scheduledSyncs(db, options.now ?? Date.now));
}

async function scheduledSyncs(db: Db, clock: () => number): Promise<{ tenantId: string; result: SyncResult }[]> {
  const out: { tenantId: string; result: SyncResult }[] = [];
  const signal = syncStopSignal();
  const now = new Date(clock());
  const defaultMinutes = getEnv().SYNC_INTERVAL_MINUTES;
  for (const t of await listSchedulableTenants(db, now)) {
    if (isDraining()) break;
    try {
      const minutes = t.syncIntervalMinutes ?? defaultMinutes;
      if (minutes > 0) await db.update(xeroTenants).set({ nextSyncAt: nextScheduledRun(t.id, now, minutes * 60_000) }).where(eq(xeroTenants.id, t.id));
      let result = await syncTenant(db, { tenantId: t.id, trigger: "schedule", signal, now: clock });
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

/**
 * The scheduler's short tick, every DUE_WEBHOOK_SYNC_TICK_MS whether or not syncs are scheduled:
 * starts webhook syncs whose debounce window has ended, and (when `upkeep`, hourly) applies the
 * sessions log's retention, forgets webhook digests older than 24 hours and refreshes idle
 * connections' tokens (a paused or webhook-only organisation must not lose its grant).
 */
export async function runHousekeeping(db: Db, options: { upkeep: boolean }): Promise<void> {
  const env = getEnv();
  await runDueWebhookSyncs(db, env.WEBHOOK_SYNC_DEBOUNCE_SECONDS);
  // Xero calls made outside a sync (/connections at a disconnect) are recorded here.
  await flushUsage(db);
  await runAlertsTick(db);
  if (!options.upkeep) return;
  await applySessionRetention(db, env.SESSION_RETENTION_DAYS);
  await pruneWebhookDeliveries(db);
  await pruneAlertDeliveries(db);
  // This process's scheduler is the only upkeep without workers (PGlite): paused and idle
  // connections are kept alive here as the workers' upkeep does.
  await keepIdleTokensAlive(db);
}

const UPKEEP_EVERY_MS = 60 * 60_000;
const SCHEDULE_TICK_MS = 60_000;

let timer: NodeJS.Timeout | undefined;
let housekeeping: NodeJS.Timeout | undefined;

/**
 * Starts the in-process scheduler (idempotent): housekeeping shortly after start and then every
 * DUE_WEBHOOK_SYNC_TICK_MS; scheduled syncs a first time shortly after start, then every
 * `intervalMinutes` (default SYNC_INTERVAL_MINUTES; 0: none). `getDb` defaults to the process's database.
 */
export function startScheduler(options: { intervalMinutes?: number; firstDelayMs?: number; getDb?: () => Promise<Db> } = {}): void {
  if (timer || housekeeping) return;
  const getDb = options.getDb ?? (async () => (await import("@/lib/db")).getDb());
  let lastUpkeep = 0;
  const chore = async () => {
    try {
      const upkeep = Date.now() - lastUpkeep >= UPKEEP_EVERY_MS;
      if (upkeep) lastUpkeep = Date.now();
      await runHousekeeping(await getDb(), { upkeep });
    } catch (error) {
      logServerError("scheduler housekeeping", error);
    } finally {
      housekeeping = setTimeout(() => void chore(), DUE_WEBHOOK_SYNC_TICK_MS);
      housekeeping.unref?.();
    }
  };
  housekeeping = setTimeout(() => void chore(), options.firstDelayMs ?? 15_000);
  housekeeping.unref?.();

  const minutes = options.intervalMinutes ?? getEnv().SYNC_INTERVAL_MINUTES;
  if (minutes <= 0) return;
  // Each organisation has its own interval and slot: look for due ones every minute (one query).
  const intervalMs = Math.min(minutes * 60_000, SCHEDULE_TICK_MS);
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
  if (housekeeping) clearTimeout(housekeeping);
  timer = undefined;
  housekeeping = undefined;
  schedulerState.nextRunAt = null;
}
