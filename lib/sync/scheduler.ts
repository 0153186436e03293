/**
 * Scheduled syncs in the app process: every SYNC_INTERVAL_MINUTES, sync each tenant that can sync
 * (active organisation, active connection, not rate limited, not already syncing elsewhere), one
 * tenant at a time so one process never bursts Xero's app-wide minute limit. Safe with several
 * processes on PostgreSQL: the tenant lease makes a second process skip a tenant already syncing.
 * The app runs it on PGlite only; on PostgreSQL the sync workers (lib/jobs) schedule, each
 * organisation at its own offset, and run the housekeeping.
 * A shorter housekeeping tick runs even with the schedule off (runHousekeeping).
 */
import { and, eq, isNull, lt, or } from "drizzle-orm";
import type { Db } from "@/lib/db";
import { xeroConnections, xeroTenants } from "@/lib/db/schema";
import { getEnv } from "@/lib/env";
import { applySessionRetention } from "@/lib/history/retention";
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

/**
 * The scheduler's short tick, every DUE_WEBHOOK_SYNC_TICK_MS whether or not syncs are scheduled:
 * starts webhook syncs whose debounce window has ended, and (when `upkeep`, hourly) applies the
 * sessions log's retention and forgets webhook digests older than 24 hours.
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
  const intervalMs = minutes * 60_000;
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
