/**
 * The sync engine as the app sees it: start a sync in the background ("Sync now"), and read the
 * state of every tenant's sync for the dashboard. Scoped by user: a tenant that is not the user's
 * is "not found".
 */
import { and, desc, eq, inArray } from "drizzle-orm";
import type { Db } from "@/lib/db";
import { listSyncCursorsByTenants } from "@/lib/db/queries/sync-cursors";
import { SYNC_ENTITIES, xeroSessions, xeroTenants, type SyncEntity, type XeroSession } from "@/lib/db/schema";
import { getEnv } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { startSync, type SyncResult, type SyncTenantOptions, type SyncTrigger } from "./engine";
import { requestFollowUpSync } from "./lease";
import { schedulerState } from "./scheduler-state";
import { logServerError } from "@/lib/api/log";

export interface RequestSyncInput {
  userId: string;
  /** xero_tenants.id */
  tenantId: string;
  entities?: readonly SyncEntity[];
  full?: boolean;
  trigger?: SyncTrigger;
  /**
   * When a sync of the tenant is already running, have another one run after it (webhooks: the
   * running sync may already have walked past the announced change). "Sync now" just follows.
   */
  followUpIfRunning?: boolean;
}

export type RequestSyncResult =
  | { status: "started"; sessionId: string }
  | { status: "already_running"; sessionId: string | null; followUp?: true }
  | { status: "skipped"; reason: "rate_limited" | "needs_reconnect" | "disconnected" | "not_found"; rateLimitedUntil?: Date };

const background = new Set<Promise<SyncResult>>();

/**
 * Starts a sync of one of the user's tenants and returns as soon as it holds the tenant's lease,
 * with the session id to follow (xero_sessions row, updated after every page). If a sync of the
 * tenant is already running anywhere, says so with that sync's session id.
 * Throws AppError("not_found") when the tenant is not the user's.
 */
export async function requestSync(db: Db, input: RequestSyncInput, advanced: Partial<SyncTenantOptions> = {}): Promise<RequestSyncResult> {
  const [owned] = await db
    .select({ id: xeroTenants.id })
    .from(xeroTenants)
    .where(and(eq(xeroTenants.id, input.tenantId), eq(xeroTenants.userId, input.userId)));
  if (!owned) throw new AppError("not_found", "That organisation is not connected to your account.");
  const options: SyncTenantOptions = { ...advanced, tenantId: input.tenantId, entities: input.entities, full: input.full, trigger: input.trigger ?? "manual" };
  let started = await startSync(db, options);
  if ("status" in started && started.status === "already_running" && input.followUpIfRunning) {
    if (await requestFollowUpSync(db, input.tenantId)) return { ...started, followUp: true };
    started = await startSync(db, options); // it ended in between: start one now
  }
  if ("status" in started) return started;
  const run = started.run;
  const p = run()
    .catch((error: unknown): SyncResult => {
      logServerError(`sync background ${input.tenantId}`, error);
      return { status: "error", sessionId: started.sessionId, entities: [], calls: 0, error: "internal" };
    })
    .then(async (result) => {
      // Changes were announced while it ran: one more sync of every entity picks them up. Started
      // before this promise settles, so waitForBackgroundSyncs sees it.
      if ("followUpRequested" in result && result.followUpRequested) {
        await requestSync(db, { userId: input.userId, tenantId: input.tenantId, trigger: "webhook", followUpIfRunning: true }, advanced).catch((error: unknown) =>
          logServerError(`sync follow-up ${input.tenantId}`, error),
        );
      }
      return result;
    });
  background.add(p);
  void p.finally(() => background.delete(p));
  return { status: "started", sessionId: started.sessionId };
}

/** Resolves when every sync this process started in the background has finished (tests, shutdown). */
export async function waitForBackgroundSyncs(): Promise<void> {
  while (background.size) await Promise.allSettled([...background]);
}

export interface EntitySyncStatus {
  entity: SyncEntity;
  lastSuccessAt: Date | null;
  lastAttemptAt: Date | null;
  lastError: string | null;
  lastErrorAt: Date | null;
  lastFullSyncAt: Date | null;
  /** Largest UpdatedDateUTC stored (the cursor). */
  highWaterMark: Date | null;
}

export interface RunningSync {
  sessionId: string;
  startedAt: Date;
  heartbeatAt: Date | null;
  entity: string | null;
  trigger: string | null;
  apiCalls: number;
  pages: number;
  recordsFetched: number;
  recordsInserted: number;
  recordsUpdated: number;
  recordsUnchanged: number;
  rateLimitWaits: number;
  retries: number;
}

export interface TenantSyncStatus {
  tenantId: string;
  name: string;
  status: "active" | "disconnected" | "needs_reconnect";
  statusReason: string | null;
  /** Set while Xero's daily limit stops syncing. */
  rateLimitedUntil: Date | null;
  running: RunningSync | null;
  lastRun: { sessionId: string; outcome: XeroSession["outcome"]; startedAt: Date; finishedAt: Date | null; error: string | null } | null;
  nextScheduledAt: Date | null;
  entities: EntitySyncStatus[];
}

/** Per tenant of the user: each entity's last success / error, the running sync's progress, limits, next run. */
export async function getSyncStatus(db: Db, userId: string, now = new Date()): Promise<TenantSyncStatus[]> {
  const tenants = await db.select().from(xeroTenants).where(eq(xeroTenants.userId, userId)).orderBy(xeroTenants.name);
  if (tenants.length === 0) return [];
  const ids = tenants.map((t) => t.id);
  const cursors = await listSyncCursorsByTenants(db, ids);
  const runningIds = tenants
    .filter((t) => t.syncLockOwner && t.syncLockExpiresAt && t.syncLockExpiresAt > now && t.syncSessionId)
    .map((t) => t.syncSessionId!);
  const running = runningIds.length ? await db.select().from(xeroSessions).where(inArray(xeroSessions.id, runningIds)) : [];
  const lastRuns = await Promise.all(
    ids.map(async (id) => {
      const [row] = await db
        .select()
        .from(xeroSessions)
        .where(and(eq(xeroSessions.tenantId, id), eq(xeroSessions.kind, "sync")))
        .orderBy(desc(xeroSessions.startedAt))
        .limit(1);
      return row;
    }),
  );
  const env = getEnv();
  return tenants.map((t, i) => {
    const r = running.find((s) => s.id === t.syncSessionId && s.outcome === "running");
    const last = lastRuns[i];
    const schedulable = env.SYNC_INTERVAL_MINUTES > 0 && t.status === "active";
    return {
      tenantId: t.id,
      name: t.name,
      status: t.status,
      statusReason: t.statusReason,
      rateLimitedUntil: t.rateLimitedUntil && t.rateLimitedUntil > now ? t.rateLimitedUntil : null,
      running: r
        ? {
            sessionId: r.id,
            startedAt: r.startedAt,
            heartbeatAt: r.heartbeatAt,
            entity: r.entity,
            trigger: r.trigger,
            apiCalls: r.apiCalls,
            pages: r.pages,
            recordsFetched: r.recordsFetched,
            recordsInserted: r.recordsInserted,
            recordsUpdated: r.recordsUpdated,
            recordsUnchanged: r.recordsUnchanged,
            rateLimitWaits: r.rateLimitWaits,
            retries: r.retries,
          }
        : null,
      lastRun: last ? { sessionId: last.id, outcome: last.outcome, startedAt: last.startedAt, finishedAt: last.finishedAt, error: last.error } : null,
      nextScheduledAt: schedulable ? nextRunFor(t.rateLimitedUntil, last?.startedAt ?? null, env.SYNC_INTERVAL_MINUTES, now) : null,
      entities: SYNC_ENTITIES.map((entity) => {
        const c = cursors.find((x) => x.tenantId === t.id && x.entity === entity);
        return {
          entity,
          lastSuccessAt: c?.lastSuccessAt ?? null,
          lastAttemptAt: c?.lastAttemptAt ?? null,
          lastError: c?.lastError ?? null,
          lastErrorAt: c?.lastErrorAt ?? null,
          lastFullSyncAt: c?.lastFullSyncAt ?? null,
          highWaterMark: c?.highWaterMark ?? null,
        };
      }),
    };
  });
}

/** The scheduler's next tick in this process, or (another process schedules) last run + interval. */
function nextRunFor(rateLimitedUntil: Date | null, lastStarted: Date | null, intervalMinutes: number, now: Date): Date {
  const tick = schedulerState.nextRunAt;
  let next = tick ?? (lastStarted ? new Date(lastStarted.getTime() + intervalMinutes * 60_000) : now);
  if (next < now) next = now;
  if (rateLimitedUntil && rateLimitedUntil > next) next = rateLimitedUntil;
  return next;
}
