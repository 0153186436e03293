/**
 * The sync queue on pg-boss (PostgreSQL only): its names, its policy and how jobs are sent.
 *
 * One job syncs one organisation. The queue's policy is pg-boss's "short": at most one job per
 * organisation waits (the singleton key is xero_tenants.id), so a burst of Sync now presses,
 * webhooks and schedule ticks costs one queued sync. Running two jobs of one organisation at
 * once is prevented by the tenant's sync lease (lib/sync/lease.ts), which a second job finds
 * held: it asks the holder for one more sync when it ends and completes. ("singleton" and
 * "stately" would keep a second job from starting, but pg-boss 10 then fails the whole fetch on
 * its unique index: one waiting organisation would stall every other one behind it.)
 */
import PgBoss from "pg-boss";
import postgres from "postgres";
import { getEnv } from "@/lib/env";
import type { SyncEntity } from "@/lib/entities/registry";
import type { SyncTrigger } from "@/lib/sync/engine";
import { logServerError } from "@/lib/log";

export const SYNC_QUEUE = "xero-sync";
/** Hourly upkeep (sessions retention, webhook digests, token keep-alive): pg-boss's cron runs it once across workers. */
export const UPKEEP_QUEUE = "xero-sync-upkeep";
export const UPKEEP_CRON = "7 * * * *";

export interface SyncJobData {
  /** xero_tenants.id */
  tenantId: string;
  trigger: SyncTrigger;
  entities?: SyncEntity[];
  full?: boolean;
}

/**
 * Transient failures are retried 5 times, 10 s, 20 s, 40 s … apart (pg-boss's backoff with
 * jitter). A job that outlives SYNC_MAX_MINUTES by 10 minutes is expired by pg-boss and retried:
 * a backstop; a dead worker's job is found within seconds by the worker tick (lib/jobs/worker.ts).
 */
export function syncQueueOptions(): Omit<PgBoss.Queue, "name"> {
  const maxMinutes = getEnv().SYNC_MAX_MINUTES || 12 * 60;
  return { policy: "short", retryLimit: 5, retryDelay: 10, retryBackoff: true, expireInSeconds: maxMinutes * 60 + 600 };
}

const g = globalThis as unknown as { __xeroSyncBoss?: Map<string, Promise<PgBoss>> };

/**
 * This process's pg-boss on `url` (started once, with its queues created): the app only sends,
 * workers also work. pg-boss creates its own schema (pgboss) in the database on first start.
 */
export function getBoss(url: string, options: { supervise?: boolean } = {}): Promise<PgBoss> {
  const bosses = (g.__xeroSyncBoss ??= new Map());
  let pending = bosses.get(url);
  if (!pending) {
    pending = (async () => {
      // The app only sends: maintenance and cron belong to the workers.
      const boss = new PgBoss({ connectionString: url, max: 4, supervise: options.supervise ?? false, schedule: options.supervise ?? false, application_name: "xero-sync-jobs" });
      boss.on("error", (error: unknown) => logServerError("pg-boss", error));
      // Processes starting at once (the app, workers) would race pg-boss's schema and queue
      // creation into deadlocks: an advisory lock on a dedicated connection serialises them.
      const single = postgres(url, { max: 1, onnotice: () => {}, connect_timeout: 10 });
      try {
        await single`select pg_advisory_lock(7316402953)`;
        await boss.start();
        await ensureQueue(boss, SYNC_QUEUE, syncQueueOptions());
        await ensureQueue(boss, UPKEEP_QUEUE, { policy: "short", retryLimit: 2, retryDelay: 60, expireInSeconds: 3600 });
        await single`select pg_advisory_unlock(7316402953)`;
      } finally {
        await single.end({ timeout: 5 });
      }
      return boss;
    })();
    pending.catch(() => bosses.delete(url));
    bosses.set(url, pending);
  }
  return pending;
}

/** Stops and forgets this process's pg-boss on `url` (workers on shutdown, tests). */
export async function stopBoss(url: string, options: PgBoss.StopOptions = {}): Promise<void> {
  const pending = g.__xeroSyncBoss?.get(url);
  if (!pending) return;
  g.__xeroSyncBoss!.delete(url);
  const boss = await pending.catch(() => null);
  await boss?.stop({ graceful: true, wait: true, timeout: 10_000, ...options });
}

async function ensureQueue(boss: PgBoss, name: string, options: Omit<PgBoss.Queue, "name">): Promise<void> {
  if (await boss.getQueue(name)) return;
  try {
    await boss.createQueue(name, { name, ...options });
  } catch (error) {
    // Another process created it in the meantime.
    if (!(await boss.getQueue(name))) throw error;
  }
}

/**
 * Sends a sync job; null when one for the organisation already waits (it covers this request).
 * `startAfter`: not before then (Xero's daily limit resets).
 */
export async function sendSyncJob(boss: PgBoss, data: SyncJobData, options: { startAfter?: Date } = {}): Promise<string | null> {
  return boss.send(SYNC_QUEUE, data, { singletonKey: data.tenantId, ...(options.startAfter ? { startAfter: options.startAfter } : {}) });
}
