/**
 * A sync worker (npm run worker; also beside the app under npm start on PostgreSQL). Any number of
 * them, on any number of machines, share one PostgreSQL:
 *
 * - sync jobs (queue.ts), SYNC_MAX_CONCURRENT at once per worker: each syncs one organisation
 *   under its lease and then completes, retries, defers or follows up (outcome.ts);
 * - a tick every DUE_WEBHOOK_SYNC_TICK_MS: scheduled syncs whose slot has come (schedule.ts),
 *   webhook syncs whose debounce window ended (lib/sync/webhook-syncs.ts), and dead jobs;
 * - the hourly upkeep, once across workers (pg-boss cron): the sessions log's retention, old
 *   webhook digests, and the keep-alive refresh of idle Xero tokens (token-keepalive.ts).
 *
 * A SIGKILLed worker's job is recovered within seconds: while a job runs, its worker holds a
 * session-level advisory lock named after the job on a connection of its own, which PostgreSQL
 * drops the moment that process dies. A tick that can take the lock of a running job knows its
 * worker is gone: it ends the dead job's tenant lease (owned by "job:<id>") and fails the job, which
 * pg-boss retries on any worker; the retry takes the lease, marks the dead run interrupted and
 * resumes from the committed cursor. No clocks race: pg-boss's expiry is only a backstop.
 */
import { eq, sql } from "drizzle-orm";
import type PgBoss from "pg-boss";
import postgres from "postgres";
import { queryRows, type Db } from "@/lib/db";
import { xeroConnections, xeroTenants } from "@/lib/db/schema";
import { getEnv } from "@/lib/env";
import { applySessionRetention } from "@/lib/history/retention";
import { logServerError } from "@/lib/log";
import { syncTenant, type SyncResult, type SyncTenantOptions } from "@/lib/sync/engine";
import { requestFollowUpSync } from "@/lib/sync/lease";
import { DUE_WEBHOOK_SYNC_TICK_MS, runDueWebhookSyncs } from "@/lib/sync/webhook-syncs";
import { pruneWebhookDeliveries } from "@/lib/xero/webhooks";
import { enableSyncJobs } from "./mode";
import { classifySyncOutcome, type JobOutcome } from "./outcome";
import { getBoss, sendSyncJob, stopBoss, SYNC_QUEUE, UPKEEP_CRON, UPKEEP_QUEUE, type SyncJobData } from "./queue";
import { enqueueScheduledSyncs } from "./schedule";
import { keepIdleTokensAlive } from "./token-keepalive";
import { flushUsage } from "@/lib/usage/meter";
import { runAlertsTick } from "@/lib/alerts/hook";
import { pruneAlertDeliveries } from "@/lib/alerts/delivery";

/** Workers' tenant leases: renewed every third of it, so a lease outlives a stall of 15 s only. */
export const WORKER_LEASE_TTL_MS = 15_000;
/** How often a worker looks for jobs whose worker died (one small query on pg-boss's active jobs). */
const DEAD_JOB_CHECK_MS = 5_000;
/** A job younger than this is not judged dead: its worker may not have taken its lock yet. */
const DEAD_JOB_GRACE_SECONDS = 5;
/** Advisory-lock namespace of running jobs (the two-key form; the job id's hash is the second key). */
const JOB_LOCK_SPACE = 73164;

export interface WorkerOptions {
  /** PostgreSQL: the database the app uses. */
  url: string;
  db: Db;
  /** Jobs this worker runs at once (default SYNC_MAX_CONCURRENT). */
  concurrency?: number;
  /** Default DUE_WEBHOOK_SYNC_TICK_MS. */
  tickMs?: number;
  /** How often an idle worker looks for jobs (seconds, default 2). */
  pollingIntervalSeconds?: number;
  /** Advanced / tests: passed to every sync (call-layer tuning, page size …). */
  syncOptions?: Partial<SyncTenantOptions>;
  /** One line per event worth a log line (default console.log). */
  log?: (line: string) => void;
}

export interface SyncWorker {
  /** One tick now (tests; the worker ticks by itself). */
  tick(): Promise<void>;
  /** Looks for dead workers' jobs now (tests; the worker does every DEAD_JOB_CHECK_MS). */
  reap(): Promise<void>;
  /**
   * Drains: takes no more jobs; running syncs get `graceMs` to finish, then stop at their next page
   * boundary (each is queued again at once for another worker, resuming from the cursor). Resolves
   * when all ended.
   */
  stop(graceMs: number): Promise<{ stopped: boolean }>;
}

export async function startWorker(options: WorkerOptions): Promise<SyncWorker> {
  const { url, db } = options;
  const env = getEnv();
  const log = options.log ?? ((line: string) => console.log(line));
  // Webhook syncs made due by the tick go through requestSync: as jobs, like the app's.
  enableSyncJobs(url);
  const boss = await getBoss(url, { supervise: true });
  // The connection whose session holds the locks of this worker's running jobs: PostgreSQL drops
  // them when the process dies. idle_timeout 0: never closed while the worker lives.
  const live = postgres(url, { max: 1, idle_timeout: 0, onnotice: () => {}, connection: { application_name: "xero-sync-worker" } });
  await live`select 1`;
  const stopController = new AbortController();
  const running = new Set<Promise<unknown>>();
  let stopping = false;

  const handle = async ([job]: PgBoss.Job<SyncJobData>[]) => {
    if (!job) return;
    const p = runJob(job);
    running.add(p);
    try {
      const done = await p;
      log(`sync ${job.data.tenantId}: ${done.outcome} (job ${job.id}${done.sessionId ? `, session ${done.sessionId}` : ""})`);
      return done;
    } catch (error) {
      log(`sync ${job.data.tenantId}: failed, pg-boss retries it (job ${job.id})`);
      throw error;
    } finally {
      running.delete(p);
    }
  };

  const runJob = async (job: PgBoss.Job<SyncJobData>) => {
    await live`select pg_advisory_lock(${JOB_LOCK_SPACE}, hashtext(${job.id}))`;
    try {
      return await syncJob(job);
    } finally {
      await live`select pg_advisory_unlock(${JOB_LOCK_SPACE}, hashtext(${job.id}))`.catch(() => {});
    }
  };

  const syncJob = async (job: PgBoss.Job<SyncJobData>): Promise<{ outcome: string; sessionId: string | null; until?: string }> => {
    const { tenantId, trigger, entities, full } = job.data;
    const sync: SyncTenantOptions = {
      ...options.syncOptions,
      tenantId,
      trigger,
      entities,
      full,
      signal: stopController.signal,
      leaseTtlMs: options.syncOptions?.leaseTtlMs ?? WORKER_LEASE_TTL_MS,
      leaseOwner: `job:${job.id}`,
    };
    let result: SyncResult = await syncTenant(db, sync);
    let outcome = await outcomeOf(tenantId, result);
    if (outcome.action === "follow_up") {
      // Another sync holds the lease: it syncs once more when it ends. If it ended in between, run now.
      if (await requestFollowUpSync(db, tenantId)) return { outcome: "follow_up", sessionId: null };
      result = await syncTenant(db, sync);
      outcome = await outcomeOf(tenantId, result);
      if (outcome.action === "follow_up") return { outcome: "follow_up", sessionId: null };
    }
    const sessionId = "sessionId" in result ? result.sessionId : null;
    if (result.status === "interrupted" && stopController.signal.aborted) {
      // This worker is shutting down, the sync did not fail: handed to another worker at once.
      await sendSyncJob(boss, { tenantId, trigger, entities, full });
      return { outcome: "handed_over", sessionId };
    }
    if (outcome.action === "retry") throw new Error(`sync of tenant ${tenantId} ended ${outcome.reason}; retrying (session ${sessionId ?? "none"})`);
    if (outcome.action === "defer") {
      await sendSyncJob(boss, { tenantId, trigger, entities, full }, { startAfter: outcome.until });
      log(`sync ${tenantId}: Xero's daily limit; deferred to ${outcome.until.toISOString()}`);
      return { outcome: "deferred", until: outcome.until.toISOString(), sessionId };
    }
    // A webhook announced changes while it ran: one more sync of every entity, queued like any other.
    if (outcome.followUp) await sendSyncJob(boss, { tenantId, trigger: "webhook" });
    return { outcome: outcome.reason, sessionId };
  };

  const outcomeOf = async (tenantId: string, result: SyncResult): Promise<JobOutcome> => {
    let needsReconnect = false;
    if (result.status === "error") {
      const [row] = await db
        .select({ tenant: xeroTenants.status, connection: xeroConnections.status })
        .from(xeroTenants)
        .innerJoin(xeroConnections, eq(xeroConnections.id, xeroTenants.connectionId))
        .where(eq(xeroTenants.id, tenantId));
      needsReconnect = !row || row.tenant !== "active" || row.connection !== "active";
    }
    return classifySyncOutcome(result, { needsReconnect, now: new Date() });
  };

  const concurrency = options.concurrency ?? env.SYNC_MAX_CONCURRENT;
  const workOptions = { batchSize: 1, pollingIntervalSeconds: options.pollingIntervalSeconds ?? 2 };
  // pg-boss 10 runs one job at a time per work(): one per slot.
  for (let i = 0; i < concurrency; i++) await boss.work<SyncJobData>(SYNC_QUEUE, workOptions, handle);

  await boss.schedule(UPKEEP_QUEUE, UPKEEP_CRON);
  await boss.work(UPKEEP_QUEUE, { pollingIntervalSeconds: 30 }, async () => {
    await applySessionRetention(db, env.SESSION_RETENTION_DAYS);
    await pruneWebhookDeliveries(db);
    await flushUsage(db);
    await pruneAlertDeliveries(db);
    const tokens = await keepIdleTokensAlive(db);
    if (tokens.refreshed || tokens.failed) log(`token keep-alive: ${tokens.refreshed} refreshed, ${tokens.failed} failed`);
  });

  const reapDeadJobs = async () => {
    const active = await queryRows<{ id: string; tenant_id: string | null }>(
      db,
      sql`select id::text as id, data->>'tenantId' as tenant_id from pgboss.job
          where name = ${SYNC_QUEUE} and state = 'active' and started_on < now() - ${`${DEAD_JOB_GRACE_SECONDS} seconds`}::interval`,
    );
    for (const job of active) {
      // Taken (and released at once) only if no live worker holds it.
      const [free] = await queryRows<{ free: boolean }>(db, sql`select pg_try_advisory_xact_lock(${JOB_LOCK_SPACE}, hashtext(${job.id})) as free`);
      if (!free?.free) continue;
      if (job.tenant_id) {
        await db
          .update(xeroTenants)
          .set({ syncLockExpiresAt: sql`now()` })
          .where(sql`${xeroTenants.id} = ${job.tenant_id}::uuid and ${xeroTenants.syncLockOwner} = ${`job:${job.id}`}`);
      }
      await boss.fail(SYNC_QUEUE, job.id, { message: "the worker running it stopped" });
      // Its sync did not fail, its worker died: retried now, not after the backoff.
      await queryRows(db, sql`update pgboss.job set start_after = now() where name = ${SYNC_QUEUE} and id = ${job.id}::uuid and state = 'retry'`);
      log(`sync ${job.tenant_id ?? "?"}: the worker of job ${job.id} is gone; retrying it`);
    }
  };

  let reaping: Promise<void> | null = null;
  const reap = () =>
    (reaping ??= reapDeadJobs()
      .catch((error: unknown) => logServerError("sync worker: dead jobs", error))
      .finally(() => (reaping = null)));
  let ticking: Promise<void> | null = null;
  const tick = () =>
    (ticking ??= (async () => {
      try {
        await reap();
        await enqueueScheduledSyncs(db, boss, getEnv().SYNC_INTERVAL_MINUTES);
        await runDueWebhookSyncs(db, getEnv().WEBHOOK_SYNC_DEBOUNCE_SECONDS);
        await runAlertsTick(db);
      } catch (error) {
        logServerError("sync worker tick", error);
      } finally {
        ticking = null;
      }
    })());
  const tickMs = options.tickMs ?? DUE_WEBHOOK_SYNC_TICK_MS;
  const timer = setInterval(() => void tick(), tickMs);
  const reaper = setInterval(() => void reap(), DEAD_JOB_CHECK_MS);
  void tick();

  return {
    tick,
    reap,
    async stop(graceMs) {
      if (stopping) return { stopped: false };
      stopping = true;
      clearInterval(timer);
      clearInterval(reaper);
      await boss.offWork(SYNC_QUEUE);
      await boss.offWork(UPKEEP_QUEUE);
      const allDone = async () => {
        while (running.size) await Promise.allSettled([...running]);
      };
      let stopped = false;
      if (running.size) {
        let graceTimer: NodeJS.Timeout | undefined;
        const grace = new Promise<"grace">((r) => (graceTimer = setTimeout(() => r("grace"), graceMs)));
        const first = await Promise.race([allDone().then(() => "done" as const), grace]);
        clearTimeout(graceTimer);
        if (first === "grace" && running.size) {
          stopped = true;
          stopController.abort();
          await allDone();
        }
      }
      await ticking;
      await reaping;
      // Waits for pg-boss to record the outcomes of the jobs that just ended.
      await stopBoss(url);
      await live.end({ timeout: 5 });
      return { stopped };
    },
  };
}
