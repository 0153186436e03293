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
import { entity as entityNamed, type SyncEntity } from "@/lib/entities/registry";
import { isPlanRestricted } from "@/lib/entities/scopes";
import { getEnv } from "@/lib/env";
import { isInterrupted } from "@/lib/history/read-model";
import type { Reader } from "@/lib/lists/tenant-scope";
import { listQueuedTenantIds } from "@/lib/jobs/metrics";
import { syncJobsUrl } from "@/lib/jobs/mode";
import { schedulerState, waitingTenantIds } from "@/lib/sync";
import { entityCadence, HEALTH_ORDER, nextEntityDueAt, type CadenceBasis, type SyncHealth } from "@/lib/sync/cadence";

export { HEALTH_ORDER, type SyncHealth };
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
  /** Not turned off for this organisation (sync_cursors.disabled_at). */
  enabled: boolean;
  /** Minutes between the schedule's polls of it, and why (lib/sync/cadence.ts). */
  cadenceMinutes: number;
  cadenceBasis: CadenceBasis;
  /** When the schedule polls it next; null when it is off, paused or the schedule is off. */
  nextDueAt: Date | null;
}

/** Late: no successful poll of an entity within this many times its cadence. */
export const LATE_GRACE_FACTOR = 2;

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
  /** Minutes between its scheduled syncs (its own, else SYNC_INTERVAL_MINUTES; 0: the schedule is off). */
  intervalMinutes: number;
  /** Its own interval; null: SYNC_INTERVAL_MINUTES. */
  ownIntervalMinutes: number | null;
  /** Scheduled syncs are paused since then. */
  pausedAt: Date | null;
  health: SyncHealth;
  /** A short sentence saying why. */
  healthReason: string;
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
      syncIntervalMinutes: xeroTenants.syncIntervalMinutes,
      syncPausedAt: xeroTenants.syncPausedAt,
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
  const defaultInterval = opts.intervalMinutes ?? getEnv().SYNC_INTERVAL_MINUTES;
  const webhooks = Boolean(getEnv().XERO_WEBHOOK_KEY);

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
    // The schedule is off everywhere when SYNC_INTERVAL_MINUTES is 0, whatever an organisation chose.
    const interval = defaultInterval > 0 ? (t.syncIntervalMinutes ?? defaultInterval) : 0;
    const scheduled = interval > 0 && !t.syncPausedAt && (state === "active" || state === "rate_limited" || state === "syncing");
    const entities: EntitySyncStatus[] = enabledEntityNames().map((entity) => {
      const c = cursors.find((x) => x.tenantId === t.id && x.entity === entity);
      // With the schedule off everywhere, the cadence its chosen interval (or an hour) would give.
      const cadence = entityCadence(entityNamed(entity), { intervalMinutes: interval || t.syncIntervalMinutes || 60, webhooks });
      const enabled = !c?.disabledAt;
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
        enabled,
        cadenceMinutes: cadence.everyMinutes,
        cadenceBasis: cadence.basis,
        nextDueAt: enabled && scheduled && !c?.unavailableReason ? nextEntityDueAt(c?.lastSuccessAt, cadence.everyMinutes, now) : null,
      };
    });
    const health = healthOf({ state, needsReconnect, statusReason: t.statusReason ?? t.connectionStatusReason, rateLimitedUntil, lastRun, pausedAt: t.syncPausedAt, interval, connectedAt: t.connectedAt, entities, now });
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
      nextSyncAt:
        (state === "active" || state === "rate_limited") && !t.syncPausedAt ? nextSyncAt(interval, rateLimitedUntil, latest?.startedAt ?? null, now, t.scheduledAt ?? (jobs ? null : undefined)) : null,
      intervalMinutes: interval,
      ownIntervalMinutes: t.syncIntervalMinutes,
      pausedAt: t.syncPausedAt,
      health: health.health,
      healthReason: health.reason,
      entities,
    };
  });
}

/** Sorts organisations by what needs attention first (HEALTH_ORDER), then by name. */
export function byAttention(a: TenantSyncStatus, b: TenantSyncStatus): number {
  return HEALTH_ORDER.indexOf(a.health) - HEALTH_ORDER.indexOf(b.health) || a.name.localeCompare(b.name);
}

const plural = (n: number, one: string) => `${n} ${one}${n === 1 ? "" : "s"}`;

/**
 * The organisation against its schedule. Action required: only its user can fix it (reconnect,
 * a scope a reconnect adds). Failing: the latest run or an entity's latest attempt failed, or Xero's
 * daily limit stops it. Late: an entity on the schedule has no success within its cadence ×
 * LATE_GRACE_FACTOR. Paused: its user paused the schedule.
 */
function healthOf(o: {
  state: OrgState;
  needsReconnect: boolean;
  statusReason: string | null;
  rateLimitedUntil: Date | null;
  lastRun: SyncRun | null;
  pausedAt: Date | null;
  interval: number;
  connectedAt: Date;
  entities: EntitySyncStatus[];
  now: Date;
}): { health: SyncHealth; reason: string } {
  if (o.state === "disconnected") return { health: "action_required", reason: "Disconnected: connect it again to sync." };
  if (o.needsReconnect) return { health: "action_required", reason: o.statusReason ? `Reconnect Xero: ${o.statusReason}` : "Reconnect Xero to sync it again." };
  const on = o.entities.filter((e) => e.enabled);
  const fixable = on.filter((e) => e.unavailableReason && !isPlanRestricted(entityNamed(e.entity)));
  if (fixable.length) return { health: "action_required", reason: fixable[0]!.unavailableReason! };
  if (o.rateLimitedUntil) return { health: "failing", reason: `Xero's daily limit is reached; syncing resumes at ${o.rateLimitedUntil.toISOString().slice(11, 16)} UTC.` };
  const erroring = on.filter((e) => e.lastErrorAt && (!e.lastSuccessAt || e.lastErrorAt > e.lastSuccessAt));
  if (erroring.length) return { health: "failing", reason: `${plural(erroring.length, "kind")} of data failing: ${erroring[0]!.lastError ?? "error"}` };
  if (o.lastRun && o.lastRun.outcome === "error") return { health: "failing", reason: `The last sync failed: ${o.lastRun.error ?? "error"}` };
  if (o.pausedAt) return { health: "paused", reason: "Scheduled syncs are paused." };
  if (o.interval <= 0) return { health: "on_time", reason: "Scheduled syncs are off on this server; Sync now and webhooks sync it." };
  const late = on.filter((e) => {
    if (e.unavailableReason) return false;
    const since = e.lastSuccessAt ?? o.connectedAt;
    return o.now.getTime() - since.getTime() > e.cadenceMinutes * 60_000 * LATE_GRACE_FACTOR;
  });
  if (late.length) return { health: "late", reason: `${plural(late.length, "kind")} of data not synced within ${LATE_GRACE_FACTOR}× its schedule.` };
  return { health: "on_time", reason: "Synced on schedule." };
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
