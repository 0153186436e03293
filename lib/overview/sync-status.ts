import { and, desc, eq, inArray } from "drizzle-orm";
import type { Db } from "@/lib/db";
import {
  syncCursors,
  xeroConnections,
  xeroSessions,
  xeroTenants,
  type ConnectionStatus,
  type TenantStatus,
  type XeroSession,
} from "@/lib/db/schema";
import { enabledEntityNames } from "@/lib/entities/enabled";
import type { SyncEntity } from "@/lib/entities/registry";
import { getEnv } from "@/lib/env";
import { isInterrupted } from "@/lib/history/read-model";
import type { Reader } from "@/lib/lists/tenant-scope";
import { listQueuedTenantIds } from "@/lib/jobs/metrics";
import { syncJobsUrl } from "@/lib/jobs/mode";
import { schedulerState, waitingTenantIds } from "@/lib/sync";
import { countRecordsByTenant, mirrorTable, type EntityTable } from "./record-counts";

/**
 * The sync status of the user's organisations: the one read model the overview, its Sync now
 * panel and the read API share. Four queries whatever the number of organisations and entities
 * (the organisations with their connections; then together their cursors, their latest sync run
 * each, and the records held per entity table), every one scoped to the user's organisations.
 */

export type OrgState = "active" | "syncing" | "rate_limited" | "needs_reconnect" | "disconnected";

/** One sync run (a `sync` xero_sessions row) as the overview shows it. */
export interface SyncRun {
  sessionId: string;
  /** The entities it syncs, comma-separated. */
  entity: string | null;
  trigger: string | null;
  startedAt: Date;
  heartbeatAt: Date | null;
  finishedAt: Date | null;
  /** "interrupted" also for a run still marked running whose heartbeat went stale (its process died). */
  outcome: XeroSession["outcome"];
  pages: number;
  apiCalls: number;
  recordsFetched: number;
  recordsInserted: number;
  recordsUpdated: number;
  recordsUnchanged: number;
  rateLimitWaits: number;
  rateLimitWaitMs: number;
  retries: number;
  error: string | null;
}

export interface EntitySyncStatus {
  entity: SyncEntity;
  /** Rows held in the mirror. */
  records: number;
  lastSuccessAt: Date | null;
  lastAttemptAt: Date | null;
  lastError: string | null;
  lastErrorAt: Date | null;
  lastFullSyncAt: Date | null;
  /** The cursor: the largest UpdatedDateUTC stored. */
  highWaterMark: Date | null;
  /** Why the grant cannot read this entity (a scope it lacks), if so: shown instead of syncing it. */
  unavailableReason: string | null;
}

export interface TenantSyncStatus {
  /** xero_tenants.id */
  id: string;
  name: string;
  xeroTenantId: string;
  connectionId: string;
  connectedAt: Date;
  status: TenantStatus;
  /** Why it is not active: the organisation's reason, else its connection's. */
  statusReason: string | null;
  connectionStatus: ConnectionStatus;
  /** The organisation or its grant needs Connect Xero again before it can sync. */
  needsReconnect: boolean;
  /** Set while Xero's daily limit stops syncing (null once it has passed). */
  rateLimitedUntil: Date | null;
  state: OrgState;
  /** The running sync with its live counters, or null. */
  running: SyncRun | null;
  /** Waiting in this process for a background slot (or its turn among a connection's first syncs). */
  queued: boolean;
  /** The latest sync run: the running one while a sync runs, else the last finished one. */
  lastRun: SyncRun | null;
  /** When the scheduler is expected to sync it next; null when scheduling is off or it cannot sync. */
  nextSyncAt: Date | null;
  entities: EntitySyncStatus[];
}

export interface SyncStatusOptions {
  /** Narrows to one organisation (another user's yields []). */
  tenantId?: string;
  now?: Date;
  /** Default: SYNC_INTERVAL_MINUTES. */
  intervalMinutes?: number;
  /** The mirror tables whose records are counted; default every enabled entity (XERO_SYNC_ENTITIES). */
  tables?: readonly EntityTable[];
}

/** Each organisation the reader may see (by name) with its state, running and latest sync, and per-entity sync facts. */
export async function getTenantSyncStatuses(db: Db, reader: Reader, opts: SyncStatusOptions = {}): Promise<TenantSyncStatus[]> {
  if (reader.tenantIds?.length === 0) return [];
  const userId = reader.id;
  const now = opts.now ?? new Date();
  const tenants = await db
    .select({
      id: xeroTenants.id,
      name: xeroTenants.name,
      xeroTenantId: xeroTenants.xeroTenantId,
      connectionId: xeroTenants.connectionId,
      connectedAt: xeroTenants.connectedAt,
      status: xeroTenants.status,
      statusReason: xeroTenants.statusReason,
      rateLimitedUntil: xeroTenants.rateLimitedUntil,
      syncSessionId: xeroTenants.syncSessionId,
      syncLockExpiresAt: xeroTenants.syncLockExpiresAt,
      scheduledAt: xeroTenants.nextSyncAt,
      connectionStatus: xeroConnections.status,
      connectionStatusReason: xeroConnections.statusReason,
    })
    .from(xeroTenants)
    .innerJoin(xeroConnections, eq(xeroConnections.id, xeroTenants.connectionId))
    .where(
      and(
        eq(xeroTenants.userId, userId),
        reader.tenantIds ? inArray(xeroTenants.id, [...reader.tenantIds]) : undefined,
        opts.tenantId ? eq(xeroTenants.id, opts.tenantId) : undefined,
      ),
    )
    .orderBy(xeroTenants.name, xeroTenants.id);
  if (tenants.length === 0) return [];
  const ids = tenants.map((t) => t.id);
  const tables = opts.tables ?? enabledEntityNames().map(mirrorTable);

  const [cursors, latestRuns, counts] = await Promise.all([
    db.select().from(syncCursors).where(inArray(syncCursors.tenantId, ids)),
    // The latest sync run per organisation (a run opens its row when it takes the lease, so a
    // running sync is always its organisation's latest), via xero_sessions_tenant_started_idx.
    db
      .selectDistinctOn([xeroSessions.tenantId])
      .from(xeroSessions)
      .where(and(inArray(xeroSessions.tenantId, ids), eq(xeroSessions.userId, userId), eq(xeroSessions.kind, "sync")))
      .orderBy(xeroSessions.tenantId, desc(xeroSessions.startedAt)),
    countRecordsByTenant(db, tables, ids),
  ]);
  // With sync workers, queued means a job waits in the queue; else, in this process's pool.
  const jobs = syncJobsUrl() !== null;
  const waiting = jobs ? await listQueuedTenantIds(db, ids) : waitingTenantIds();
  const interval = opts.intervalMinutes ?? getEnv().SYNC_INTERVAL_MINUTES;

  return tenants.map((t) => {
    const latest = latestRuns.find((s) => s.tenantId === t.id);
    const leaseHeld = !!t.syncSessionId && !!t.syncLockExpiresAt && t.syncLockExpiresAt > now;
    // Running: its row says so and either the lease is still held or the run is still beating.
    const isRunning = !!latest && latest.outcome === "running" && ((leaseHeld && t.syncSessionId === latest.id) || !isInterrupted(latest, now));
    const lastRun = latest ? syncRunOf(latest, isRunning) : null;
    const rateLimitedUntil = t.rateLimitedUntil && t.rateLimitedUntil > now ? t.rateLimitedUntil : null;
    const needsReconnect = t.status === "needs_reconnect" || (t.status !== "disconnected" && t.connectionStatus !== "active");
    const state: OrgState =
      t.status === "disconnected" ? "disconnected" : needsReconnect ? "needs_reconnect" : isRunning || leaseHeld ? "syncing" : rateLimitedUntil ? "rate_limited" : "active";
    return {
      id: t.id,
      name: t.name,
      xeroTenantId: t.xeroTenantId,
      connectionId: t.connectionId,
      connectedAt: t.connectedAt,
      status: t.status,
      statusReason: t.statusReason ?? (t.connectionStatus !== "active" ? t.connectionStatusReason : null),
      connectionStatus: t.connectionStatus,
      needsReconnect,
      rateLimitedUntil,
      state,
      running: isRunning ? lastRun : null,
      queued: !isRunning && waiting.has(t.id),
      lastRun,
      nextSyncAt: state === "active" || state === "rate_limited" ? nextSyncAt(interval, rateLimitedUntil, latest?.startedAt ?? null, now, jobs ? t.scheduledAt : undefined) : null,
      entities: enabledEntityNames().map((entity) => {
        const c = cursors.find((x) => x.tenantId === t.id && x.entity === entity);
        return {
          entity,
          records: counts.get(entity)?.get(t.id) ?? 0,
          lastSuccessAt: c?.lastSuccessAt ?? null,
          lastAttemptAt: c?.lastAttemptAt ?? null,
          lastError: c?.lastError ?? null,
          lastErrorAt: c?.lastErrorAt ?? null,
          lastFullSyncAt: c?.lastFullSyncAt ?? null,
          highWaterMark: c?.highWaterMark ?? null,
          unavailableReason: c?.unavailableReason ?? null,
        };
      }),
    };
  });
}

function syncRunOf(s: XeroSession, isRunning: boolean): SyncRun {
  return {
    sessionId: s.id,
    entity: s.entity,
    trigger: s.trigger,
    startedAt: s.startedAt,
    heartbeatAt: s.heartbeatAt,
    finishedAt: s.finishedAt,
    outcome: s.outcome === "running" && !isRunning ? "interrupted" : s.outcome,
    pages: s.pages,
    apiCalls: s.apiCalls,
    recordsFetched: s.recordsFetched,
    recordsInserted: s.recordsInserted,
    recordsUpdated: s.recordsUpdated,
    recordsUnchanged: s.recordsUnchanged,
    rateLimitWaits: s.rateLimitWaits,
    rateLimitWaitMs: s.rateLimitWaitMs,
    retries: s.retries,
    error: s.error,
  };
}

/**
 * With sync workers, the organisation's own slot (xero_tenants.next_sync_at). Else the scheduler
 * syncs every organisation at each tick: this process's next tick when it runs the scheduler, else (another process schedules) the last run's start + the interval; never before
 * now, nor before a daily rate limit ends.
 */
function nextSyncAt(intervalMinutes: number, rateLimitedUntil: Date | null, lastStarted: Date | null, now: Date, scheduledAt?: Date | null): Date | null {
  if (intervalMinutes <= 0) return null;
  let next = scheduledAt ?? schedulerState.nextRunAt ?? (lastStarted ? new Date(lastStarted.getTime() + intervalMinutes * 60_000) : now);
  if (next < now) next = now;
  if (rateLimitedUntil && rateLimitedUntil > next) next = rateLimitedUntil;
  return next;
}
