/**
 * The sync engine: mirrors one tenant's invoices and contacts from Xero into the database,
 * incrementally, under the tenant's lease, through the call layer (see call-layer.ts, walk.ts,
 * lease.ts for the arguments behind each part). No next/* imports: the app, the CLI, the
 * scheduler and tests all call `syncTenant` / `requestSync`.
 *
 * Per entity: the walk starts at the committed cursor (nothing for a full re-sync); each page is
 * mapped, then stored (only new or newer rows) together with the cursor advance, the lease renewal
 * (a fence) and the session's counters in ONE transaction. The next page is fetched while the
 * current one is written, so a sync is bounded by the slower of Xero and the database, not their sum.
 */
import { eq } from "drizzle-orm";
import type { Db } from "@/lib/db";
import { JsonText, packPreparedRows, prepareChildRows, prepareMirrorRow, upsertPreparedBatch, type MirrorRow, type MirrorSpec, type PreparedRow } from "@/lib/db/queries/mirror-batch";
import { markMissingAsDeleted } from "@/lib/db/queries/mirror-reconcile";
import { advanceSyncCursor, advanceSyncPosition, getSyncCursor, listSyncCursorsByTenants, markSyncAttempt, markSyncError, markSyncSuccess, markSyncUnavailable } from "@/lib/db/queries/sync-cursors";
import { addXeroSessionProgress, finishXeroSession, type XeroSessionProgress } from "@/lib/db/queries/xero-sessions";
import { xeroConnections, xeroTenants, type XeroTenant } from "@/lib/db/schema";
import type { EntityDefinition } from "@/lib/entities/definition";
import { enabledEntityNames } from "@/lib/entities/enabled";
import { entity as entityNamed, type SyncEntity } from "@/lib/entities/registry";
import { hasEntityScope, missingScopeMessage } from "@/lib/entities/scopes";
import { writeSpecOf } from "@/lib/entities/write-spec";
import { getEnv } from "@/lib/env";
import { isAppError } from "@/lib/errors";
import { isXeroAuthError } from "@/lib/xero/auth-errors";
import { isKeyConfigurationError } from "@/lib/xero/token-crypto";
import { XeroIssuerMismatchError } from "@/lib/xero/issuer";
import { getValidAccessToken } from "@/lib/xero/token-store";
import { recordTenantAccessLost } from "@/lib/xero/tenant-access";
import { logServerError } from "@/lib/log";
import { flushUsage } from "@/lib/usage/meter";
import { alertsAfterSync } from "@/lib/alerts/hook";
import { entityCadence, isEntityDue } from "./cadence";
import { XeroCaller, type CallEvents, type CallLayerOptions } from "./call-layer";
import { DailyRateLimitError, MalformedXeroResponseError, SyncInterruptedError, SyncLeaseLostError, SyncWalkError, TenantForbiddenError, XeroScopeError } from "./errors";
import { acquireSyncLease, releaseSyncLease, renewSyncLease, type Lease } from "./lease";
import { loadTenantSchedule } from "./settings";
import { sharedLimiterFor } from "./shared-limits";
import type { SourcePage, XeroSource } from "./source";
import { beginRecovery, finishRecovery, type RecoveryPlan } from "./recovery";
import { DEFAULT_PAGE_SIZE, SKEW_MS, SyncWalk } from "./walk";

export type SyncTrigger = "manual" | "schedule" | "cli" | "webhook" | "login" | "connect";

export interface SyncProgressEvent {
  sessionId: string;
  entity: SyncEntity;
  page: number;
  fetched: number;
  inserted: number;
  updated: number;
  unchanged: number;
  cursor: Date | null;
  repair?: boolean;
}

export interface SyncTenantOptions {
  /** xero_tenants.id (our uuid, not Xero's tenant id). */
  tenantId: string;
  /** Default: the enabled entities (XERO_SYNC_ENTITIES; lib/entities/enabled.ts). */
  entities?: readonly SyncEntity[];
  /** Ignore the cursor and walk everything; also repairs rows whose JSON changed without a newer UpdatedDateUTC. */
  full?: boolean;
  trigger: SyncTrigger;
  onProgress?: (event: SyncProgressEvent) => void;
  /** Advanced / tests: where pages come from (default: xero-node through lib/xero/client.ts). */
  source?: XeroSource;
  /** Advanced / tests: call-layer tuning (timeouts, backoff, limits). */
  callOptions?: Partial<CallLayerOptions>;
  /** Advanced / tests: lease time-to-live (default 60 s; renewed every third of it). */
  leaseTtlMs?: number;
  /** Who holds the lease (default pid:uuid); a sync job names its job, so a dead one's lease can be found. */
  leaseOwner?: string;
  pageSize?: number;
  /** Advanced: pages written at once (default 2; 1 = strictly one transaction after another). */
  writeDepth?: number;
  /** Aborted (the server shuts down): the sync stops at the next page boundary, resumable. */
  signal?: AbortSignal;
  /** Overall time bound in ms, checked at page boundaries (default SYNC_MAX_MINUTES; 0 = none). */
  maxDurationMs?: number;
  /** Advanced / tests: the clock the time bound, the due checks and the recorded successes read (default Date.now). */
  now?: () => number;
}

export interface EntitySyncResult {
  entity: SyncEntity;
  /**
   * unavailable: the grant lacks the entity's scope (a reconnect, or for journals Xero's
   * Advanced plan, would give it); the other entities sync on.
   */
  outcome: "success" | "error" | "rate_limited" | "skipped" | "unavailable";
  /** Not due (a refresh done recently enough, or a scheduled sync before the entity's cadence): nothing was asked of Xero. */
  notDue?: boolean;
  /** Offset walks: the position (e.g. last JournalNumber) before and after. */
  positionBefore?: number | null;
  positionAfter?: number;
  /** Rows Xero no longer returns, flagged deleted_in_xero_at by this sync. */
  deletedInXero?: number;
  /** A recovery its user asked for, done by this walk (lib/sync/recovery.ts). */
  recovery?: RecoveryPlan["detail"];
  pages: number;
  fetched: number;
  inserted: number;
  updated: number;
  unchanged: number;
  cursorBefore: string | null;
  cursorAfter: string | null;
  repairs: number;
  /** Extra requests that verified a run of page-number steps (see walk.ts). */
  verifications: number;
  error?: string;
}

export type SyncResult =
  | { status: "already_running"; sessionId: string | null }
  /** not_due: a scheduled sync whose every entity was polled recently enough for its cadence (no session, no call). */
  | { status: "skipped"; reason: "rate_limited" | "needs_reconnect" | "disconnected" | "not_found" | "not_due"; rateLimitedUntil?: Date }
  | {
      /** interrupted: stopped between pages (shutdown, time bound); the next sync resumes. */
      status: "success" | "error" | "rate_limited" | "interrupted";
      sessionId: string;
      entities: EntitySyncResult[];
      calls: number;
      error?: string;
      rateLimitedUntil?: Date;
      /** A change was announced while this sync ran (requestFollowUpSync): sync again. */
      followUpRequested?: boolean;
    };

interface RunContext {
  db: Db;
  tenant: XeroTenant;
  lease: Lease;
  caller: XeroCaller;
  source: XeroSource;
  full: boolean;
  /** The connection's granted scopes (space-separated, as Xero returned them). */
  grantedScopes: string;
  pageSize: number;
  writeDepth: number;
  pending: XeroSessionProgress;
  /** The entity being walked has a recovery applied: how far its pages are rewritten. */
  recovery?: RecoveryPlan;
  onProgress?: (event: SyncProgressEvent) => void;
  leaseLost: () => boolean;
  /** Why to stop at the next page boundary, if so. */
  stopReason: () => SyncInterruptedError | null;
  clock: () => number;
}

type Prepared = { rows: PreparedRow[]; serverTime: Date | null; maxPosition: number | null };

/**
 * One record's JSON text as an object for the mapper. The scanner (wire-json.ts) already checked
 * the page's structure, so this fails only for a record Xero sent broken inside.
 */
function parseRecord<T>(json: string, what: string, index: number): T {
  try {
    return JSON.parse(json) as T;
  } catch {
    // Its position only: the parser's message quotes the record's text, which is customer data.
    throw new MalformedXeroResponseError(`Xero sent a ${what} that is not valid JSON (record ${index + 1} of the page)`);
  }
}

/** A page as flat strings (see PreparedRow), record by record, so each record's objects die young. */
function preparePage(def: EntityDefinition, spec: MirrorSpec, tenantId: string, page: SourcePage): Prepared {
  const what = def.singular.toLowerCase();
  const positionKey = def.positionColumn ? spec.columns.find((c) => c.name === def.positionColumn?.name)?.key : undefined;
  let maxPosition: number | null = null;
  const rows = packPreparedRows(
    page.records.map((json, i) => {
      const wire = parseRecord<Record<string, unknown>>(json, what, i);
      const row = def.map(tenantId, wire, new JsonText(json)) as MirrorRow;
      if (positionKey) {
        const p = Number(row[positionKey]);
        if (Number.isFinite(p) && (maxPosition === null || p > maxPosition)) maxPosition = p;
      }
      const id = row[spec.idKey] as string;
      const children = def.children?.map((c, k) => prepareChildRows(spec.children[k]!, c.rows(id, wire)));
      return prepareMirrorRow(spec, row, children);
    }),
  );
  return { rows, serverTime: page.serverTime, maxPosition };
}

let defaultSource: Promise<XeroSource> | undefined;
async function resolveSource(source: XeroSource | undefined): Promise<XeroSource> {
  if (source) return source;
  defaultSource ??= import("./xero-source").then((m) => m.createXeroSource());
  return defaultSource;
}

/** A short, secret-free description of why a sync failed. */
export function describeSyncError(error: unknown): string {
  if (isAppError(error)) return error.publicMessage;
  if (error instanceof Error) return error.message.split("\n")[0] ?? error.name;
  return String(error);
}

/**
 * Loads a tenant for syncing and says why it cannot sync, if so. Not user-scoped: callers
 * (requestSync, the scheduler, the CLI) resolve tenants through scoped queries first.
 */
async function loadTenant(db: Db, tenantId: string) {
  const [row] = await db
    .select({ tenant: xeroTenants, connectionStatus: xeroConnections.status, scopes: xeroConnections.scopes })
    .from(xeroTenants)
    .innerJoin(xeroConnections, eq(xeroConnections.id, xeroTenants.connectionId))
    .where(eq(xeroTenants.id, tenantId));
  return row;
}

/**
 * Syncs one tenant now, in this call: takes the tenant's lease (or returns "already_running" with
 * the running session's id), records the run as a `sync` xero_sessions row with live counters, and
 * walks each entity from its cursor. Never throws for Xero or auth failures: they end up in the
 * result, the session row, sync_cursors.last_error and (daily limit, 403, invalid_grant) on the
 * tenant / connection.
 */
export async function syncTenant(db: Db, options: SyncTenantOptions): Promise<SyncResult> {
  const started = await startSync(db, options);
  if ("status" in started) return started;
  return started.run();
}

type Started = { run: () => Promise<SyncResult>; sessionId: string };

/** Checks the tenant, takes the lease and opens the session; `run` does the work. */
export async function startSync(db: Db, options: SyncTenantOptions): Promise<Started | Extract<SyncResult, { status: "already_running" | "skipped" }>> {
  const loaded = await loadTenant(db, options.tenantId);
  if (!loaded) return { status: "skipped", reason: "not_found" };
  const { tenant, connectionStatus, scopes } = loaded;
  // An entity the organisation turned off is never walked; a scheduled sync walks only what its cadence makes due.
  const schedule = await loadTenantSchedule(db, tenant, new Date((options.now ?? Date.now)()));
  const enabled = enabledEntityNames().filter((e) => !schedule.disabled.has(e));
  const entities = [...new Set(options.entities ?? enabled)].filter((e) => !schedule.disabled.has(e));
  const notDue = options.trigger === "schedule" && !options.full ? await notDueEntities(db, tenant.id, entities, schedule, scopes, options.now ?? Date.now) : new Set<string>();
  if (tenant.status === "disconnected") return { status: "skipped", reason: "disconnected" };
  if (tenant.status === "needs_reconnect" || connectionStatus !== "active") return { status: "skipped", reason: "needs_reconnect" };
  if (tenant.rateLimitedUntil && tenant.rateLimitedUntil.getTime() > Date.now()) {
    return { status: "skipped", reason: "rate_limited", rateLimitedUntil: tenant.rateLimitedUntil };
  }
  // Nothing to ask Xero: no lease, and no empty run in the sessions log in place of the last real one.
  if (entities.length > 0 && entities.every((e) => notDue.has(e))) return { status: "skipped", reason: "not_due" };
  const acquired = await acquireSyncLease(
    db,
    tenant.id,
    {
      userId: tenant.userId,
      connectionId: tenant.connectionId,
      tenantId: tenant.id,
      kind: "sync",
      entity: entities.join(","),
      trigger: options.trigger,
      detail: { full: Boolean(options.full), entities },
    },
    { ttlMs: options.leaseTtlMs, owner: options.leaseOwner, coversAnnounced: announcedEntities(enabled).every((e) => entities.includes(e) && !notDue.has(e)) },
  );
  if (!acquired.acquired) return { status: "already_running", sessionId: acquired.sessionId };
  const lease = acquired.lease;
  return { sessionId: lease.session.id, run: () => runSync(db, tenant, scopes, lease, entities, notDue, options).finally(() => alertsAfterSync(db, tenant.userId)) };
}

/** The enabled entities whose changes Xero announces by webhook (their definitions' webhook category). */
export function announcedEntities(enabled: readonly SyncEntity[]): SyncEntity[] {
  return enabled.filter((e) => entityNamed(e).xero.webhookCategory !== undefined);
}

/** The entities a scheduled sync leaves alone this time: polled recently enough for their cadence (lib/sync/cadence.ts). */
async function notDueEntities(
  db: Db,
  tenantId: string,
  entities: readonly SyncEntity[],
  schedule: Awaited<ReturnType<typeof loadTenantSchedule>>,
  grantedScopes: string,
  clock: () => number,
): Promise<Set<string>> {
  const cursors = await listSyncCursorsByTenants(db, [tenantId]);
  const nowMs = clock();
  const out = new Set<string>();
  for (const e of entities) {
    const cursor = cursors.find((c) => c.entity === e);
    // A recovery its user asked for is due whatever the cadence.
    if (cursor?.recovery) continue;
    // One the grant cannot read waits for a reconnect (Sync now and the reconnect say so), not for the schedule.
    if (!hasEntityScope(entityNamed(e), grantedScopes)) {
      out.add(e);
      continue;
    }
    const { everyMinutes } = entityCadence(entityNamed(e), schedule);
    if (!isEntityDue(cursor?.lastSuccessAt, everyMinutes, nowMs)) out.add(e);
  }
  return out;
}

async function runSync(
  db: Db,
  tenant: XeroTenant,
  grantedScopes: string,
  lease: Lease,
  entities: SyncEntity[],
  notDue: ReadonlySet<string>,
  options: SyncTenantOptions,
): Promise<SyncResult> {
  const sessionId = lease.session.id;
  const pending: XeroSessionProgress = {};
  const bump = (key: keyof XeroSessionProgress, n = 1) => {
    pending[key] = (pending[key] ?? 0) + n;
  };
  let calls = 0;
  const throttled: Record<string, number> = {};
  const events: CallEvents = {
    onCall: () => {
      calls++;
      bump("apiCalls");
    },
    onRetry: () => bump("retries"),
    onRateLimitWait: (ms) => {
      bump("rateLimitWaits");
      bump("rateLimitWaitMs", Math.round(ms));
    },
    onThrottled: (problem) => {
      throttled[problem] = (throttled[problem] ?? 0) + 1;
    },
  };

  // Heartbeat: renew the lease (and the session's heartbeat) during long waits between pages.
  let lost = false;
  const beat = setInterval(
    () => {
      renewSyncLease(db, lease)
        .then((ok) => {
          if (!ok) lost = true;
          return addXeroSessionProgress(db, sessionId, {});
        })
        .catch(() => {});
    },
    Math.max(200, Math.floor(lease.ttlMs / 3)),
  );
  beat.unref?.();

  const results: EntitySyncResult[] = [];
  let fatal: unknown;
  try {
    const source = await resolveSource(options.source);
    const env = getEnv();
    const clock = options.now ?? Date.now;
    const startedMs = clock();
    const maxMs = options.maxDurationMs ?? env.SYNC_MAX_MINUTES * 60_000;
    const callOptions: CallLayerOptions = { timeoutMs: env.XERO_TIMEOUT_MS, ...options.callOptions };
    // On PostgreSQL, Xero's limits are kept for every process together (shared-limits.ts).
    const limiter = sharedLimiterFor(db, env.XERO_CLIENT_ID ?? "", tenant.xeroTenantId, callOptions);
    const caller = new XeroCaller(
      tenant.xeroTenantId,
      {
        get: async (forceRefresh, rejected) =>
          (await getValidAccessToken(db, tenant.connectionId, { forceRefresh, rejectedAccessToken: rejected })).accessToken,
      },
      (error) => source.classify(error),
      { ...callOptions, ...(limiter ? { limiter } : {}) },
      events,
    );
    const ctx: RunContext = {
      db,
      tenant,
      lease,
      caller,
      source,
      full: Boolean(options.full),
      grantedScopes,
      pageSize: options.pageSize ?? DEFAULT_PAGE_SIZE,
      writeDepth: Math.max(1, options.writeDepth ?? 2),
      pending,
      onProgress: options.onProgress,
      leaseLost: () => lost,
      stopReason: () => {
        if (options.signal?.aborted) return new SyncInterruptedError("shutdown");
        if (maxMs > 0 && clock() - startedMs >= maxMs) return new SyncInterruptedError("time_limit", Math.round(maxMs / 60_000));
        return null;
      },
      clock,
    };
    for (const entity of entities) {
      await flushUsage(db, [tenant.xeroTenantId]); // the previous entity's calls: one write per entity, none per call
      if (fatal) {
        results.push(emptyResult(entity, "skipped"));
        continue;
      }
      const result = emptyResult(entity, "success");
      results.push(result);
      if (notDue.has(entity)) {
        result.notDue = true;
        continue;
      }
      const def = entityNamed(entity);
      const missing = hasEntityScope(def, ctx.grantedScopes) ? null : missingScopeMessage(def);
      if (missing) {
        // Known before asking: no call spent on an answer that can only be 401.
        result.outcome = "unavailable";
        result.error = missing;
        await markSyncUnavailable(db, tenant.id, entity, missing);
        continue;
      }
      try {
        const walked = await syncEntity(ctx, def, result);
        if (walked) await markSyncSuccess(db, tenant.id, entity, { at: new Date(clock()), xeroTime: walked.xeroTime, full: walked.full });
      } catch (caught) {
        if (caught instanceof SyncInterruptedError) {
          // Not a failure of the entity: what was walked is committed, the rest comes next time.
          result.outcome = "skipped";
          result.error = caught.publicMessage;
          fatal = caught;
          continue;
        }
        if (caught instanceof XeroScopeError) {
          result.outcome = "unavailable";
          result.error = missingScopeMessage(def);
          await markSyncUnavailable(db, tenant.id, entity, result.error).catch(() => {});
          continue;
        }
        const error = caught instanceof TenantForbiddenError ? await checkTenantAccess(db, tenant.id) : caught;
        result.outcome = error instanceof DailyRateLimitError ? "rate_limited" : "error";
        result.error = describeSyncError(error);
        await markSyncError(db, tenant.id, entity, result.error).catch(() => {});
        // Tenant-wide conditions stop the other entities too; an entity's own failure does not.
        // A key this server lacks is one too (the tokens of every entity are the same).
        if (
          error instanceof DailyRateLimitError ||
          error instanceof TenantForbiddenError ||
          error instanceof SyncLeaseLostError ||
          error instanceof XeroIssuerMismatchError ||
          isXeroAuthError(error) ||
          isKeyConfigurationError(error)
        ) {
          fatal = error;
        } else if (!isAppError(error) && !(error instanceof SyncWalkError)) {
          // Unknown failure (a bug, the database): log the cause for the operator.
          logServerError(`sync ${tenant.id} ${entity}`, error);
        }
      }
    }
  } catch (error) {
    fatal ??= error;
    logServerError(`sync ${tenant.id}`, error);
  } finally {
    clearInterval(beat);
  }

  // The last entity's calls, and /connections asked after a 403 (about no one organisation).
  await flushUsage(db, [tenant.xeroTenantId, ""]);
  // Record tenant-level consequences.
  let rateLimitedUntil: Date | undefined;
  try {
    if (fatal instanceof DailyRateLimitError) {
      rateLimitedUntil = fatal.until;
      await db.update(xeroTenants).set({ rateLimitedUntil }).where(eq(xeroTenants.id, tenant.id));
    } else if (!fatal && tenant.rateLimitedUntil) {
      await db.update(xeroTenants).set({ rateLimitedUntil: null }).where(eq(xeroTenants.id, tenant.id));
    }
  } catch (error) {
    logServerError(`sync ${tenant.id}: recording the outcome`, error);
  }

  const failed = results.find((r) => r.outcome === "error");
  const interrupted = fatal instanceof SyncInterruptedError;
  const status: "success" | "error" | "rate_limited" | "interrupted" = rateLimitedUntil
    ? "rate_limited"
    : interrupted && !failed
      ? "interrupted"
      : failed || fatal
        ? "error"
        : "success";
  const error = fatal ? describeSyncError(fatal) : failed?.error;
  let followUpRequested = false;
  try {
    await finishXeroSession(db, sessionId, status, {
      error: error ?? null,
      progress: pending,
      detail: {
        entities: Object.fromEntries(results.map((r) => [r.entity, r])),
        ...(Object.keys(throttled).length ? { throttled } : {}),
        ...(rateLimitedUntil ? { rateLimitedUntil: rateLimitedUntil.toISOString() } : {}),
        ...(isXeroAuthError(fatal) ? { reconnectRequired: true } : {}),
        ...(results.some((r) => r.recovery) ? { recovery: Object.fromEntries(results.flatMap((r) => (r.recovery ? [[r.entity, r.recovery]] : []))) } : {}),
      },
    });
  } finally {
    const released = await releaseSyncLease(db, lease).catch((e: unknown) => {
      logServerError(`sync ${tenant.id}: releasing the lease`, e);
      return { followUpRequested: false };
    });
    followUpRequested = released.followUpRequested;
  }
  return {
    status,
    sessionId,
    entities: results,
    calls,
    ...(error ? { error } : {}),
    ...(rateLimitedUntil ? { rateLimitedUntil } : {}),
    ...(followUpRequested ? { followUpRequested } : {}),
  };
}

/**
 * After a 403: Xero's usual meaning is that the organisation was disconnected from the app in Xero;
 * /connections tells that from "still granted" (needs a reconnect). When /connections cannot be
 * read (5xx, timeout, garbage) nothing is marked: the tenant stays active and the next sync asks again.
 */
async function checkTenantAccess(db: Db, tenantId: string): Promise<TenantForbiddenError> {
  try {
    return new TenantForbiddenError(await recordTenantAccessLost(db, tenantId));
  } catch (error) {
    logServerError(`sync ${tenantId}: recording a 403`, error);
    return new TenantForbiddenError("unknown");
  }
}

function emptyResult(entity: SyncEntity, outcome: EntitySyncResult["outcome"]): EntitySyncResult {
  return { entity, outcome, pages: 0, fetched: 0, inserted: 0, updated: 0, unchanged: 0, cursorBefore: null, cursorAfter: null, repairs: 0, verifications: 0 };
}

/**
 * Walks one entity as its definition says; returns what markSyncSuccess records (Xero's
 * DateTimeUTC of the last answer, whether it was a walk of everything), or null when the entity
 * was not due (a refresh done recently enough).
 */
async function syncEntity(runCtx: RunContext, def: EntityDefinition, result: EntitySyncResult): Promise<{ xeroTime: Date | null; full: boolean } | null> {
  const { db, tenant } = runCtx;
  const spec = writeSpecOf(def);
  const stored = await getSyncCursor(db, tenant.id, def.name);
  const walk = def.walk;
  // A recovery its user asked for (lib/sync/recovery.ts), applied now that the lease is held.
  const recovery = await beginRecovery(db, tenant.id, def, stored, runCtx.lease.session.id);
  if (recovery) result.recovery = recovery.detail;
  const ctx: RunContext = recovery ? { ...runCtx, recovery } : runCtx;
  const whole = ctx.full || Boolean(recovery?.whole);
  if (walk.kind === "refresh" && !whole && !isEntityDue(stored?.lastSuccessAt, walk.everyHours * 60, ctx.clock())) {
    result.notDue = true;
    return null;
  }
  await markSyncAttempt(db, tenant.id, def.name, new Date(ctx.clock()));
  const cursor = recovery ? recovery.highWaterMark : (stored?.highWaterMark ?? null);
  const walked = await (async () => {
    switch (walk.kind) {
      case "keyset":
        return { xeroTime: await walkKeyset(ctx, def, spec, cursor, result), full: whole };
      case "unpaged": {
        // Only a walk of everything shows hard deletes: one call without If-Modified-Since, now and then.
        const reconcile = def.deletes.hardDeletes && (whole || isEntityDue(stored?.lastFullSyncAt, (def.deletes.reconcileHours ?? 24) * 60, ctx.clock()));
        return walkWhole(ctx, def, spec, whole || reconcile ? null : cursor, reconcile, result);
      }
      case "refresh":
        return walkWhole(ctx, def, spec, null, true, result);
      case "offset":
        result.cursorBefore = cursor?.toISOString() ?? null;
        result.cursorAfter = result.cursorBefore;
        return walkOffset(ctx, def, spec, ctx.full ? null : recovery ? recovery.position : (stored?.position ?? null), walk.pageSize, result);
    }
  })();
  if (recovery) await finishRecovery(db, tenant.id, def.name, recovery.request);
  return walked;
}

/**
 * Whether a page is written in full mode (rows with an equal UpdatedDateUTC rewritten when their
 * JSON differs): a full sync, or a recovery's walk that has not yet passed where the cursor stood.
 */
function writesFull(ctx: RunContext, rows: readonly PreparedRow[], fromPosition?: number): boolean {
  if (ctx.full) return true;
  const r = ctx.recovery;
  if (!r) return false;
  if (fromPosition !== undefined) return r.replaceThroughPosition === null || fromPosition < r.replaceThroughPosition;
  if (r.replaceThroughMs === null) return true;
  let first = Infinity;
  for (const row of rows) if (row.updatedMs < first) first = row.updatedMs;
  return first <= r.replaceThroughMs;
}

interface PageWrite {
  rows: PreparedRow[];
  /** The high-water mark to advance to (the largest UpdatedDateUTC stored). */
  cursor?: Date | null;
  /** Offset walks: the position to advance to. */
  position?: number | null;
  /** The answer held every record: flag stored rows that are not in it as deleted in Xero. */
  reconcile?: boolean;
  /** Offset walks: the position the answer followed. */
  fromPosition?: number;
}

/** Stores one answer with the cursor advance, the lease fence and the session's counters, in ONE transaction. */
async function commitPage(ctx: RunContext, def: EntityDefinition, spec: MirrorSpec, page: PageWrite, result: EntitySyncResult): Promise<void> {
  const { db, tenant } = ctx;
  if (ctx.leaseLost()) throw new SyncLeaseLostError();
  const c = await db.transaction(async (tx) => {
    const c = await upsertPreparedBatch(tx, spec, tenant.id, page.rows, { full: writesFull(ctx, page.rows, page.fromPosition) });
    const deleted = page.reconcile ? await markMissingAsDeleted(tx, spec, tenant.id, page.rows.map((r) => r.id)) : 0;
    if (page.cursor) await advanceSyncCursor(tx, tenant.id, def.name, page.cursor);
    if (page.position !== undefined && page.position !== null) await advanceSyncPosition(tx, tenant.id, def.name, page.position);
    if (!(await renewSyncLease(tx, ctx.lease))) throw new SyncLeaseLostError();
    await addXeroSessionProgress(tx, ctx.lease.session.id, {
      ...takePending(ctx.pending),
      pages: 1,
      recordsFetched: page.rows.length,
      recordsInserted: c.inserted,
      recordsUpdated: c.updated,
      recordsUnchanged: c.unchanged,
    });
    return { ...c, deleted };
  });
  result.pages++;
  result.fetched += page.rows.length;
  result.inserted += c.inserted;
  result.updated += c.updated;
  result.unchanged += c.unchanged;
  if (c.deleted) result.deletedInXero = (result.deletedInXero ?? 0) + c.deleted;
  if (page.cursor && (!result.cursorAfter || page.cursor.getTime() > Date.parse(result.cursorAfter))) result.cursorAfter = page.cursor.toISOString();
  ctx.onProgress?.({
    sessionId: ctx.lease.session.id,
    entity: def.name,
    page: result.pages,
    fetched: result.fetched,
    inserted: result.inserted,
    updated: result.updated,
    unchanged: result.unchanged,
    cursor: result.cursorAfter ? new Date(result.cursorAfter) : null,
  });
}

const maxUpdated = (rows: PreparedRow[]): Date | null => {
  let max = 0;
  for (const r of rows) if (r.updatedMs > max) max = r.updatedMs;
  return max > 0 ? new Date(max) : null;
};

/**
 * One answer holding everything the entity has (refresh), or everything changed since the cursor
 * (unpaged with If-Modified-Since, which Xero compares inclusively: the last record comes back and
 * costs no write). `reconcile`: the answer is complete, so rows it lacks were deleted in Xero.
 */
async function walkWhole(ctx: RunContext, def: EntityDefinition, spec: MirrorSpec, since: Date | null, reconcile: boolean, result: EntitySyncResult) {
  result.cursorBefore = since?.toISOString() ?? null;
  result.cursorAfter = result.cursorBefore;
  const stop = ctx.stopReason();
  if (stop) throw stop;
  const answer = await ctx.caller.call((token) => ctx.source.list(def, token, ctx.tenant.xeroTenantId, { ifModifiedSince: since ?? undefined }));
  const prepared = preparePage(def, spec, ctx.tenant.id, answer.value);
  await commitPage(ctx, def, spec, { rows: prepared.rows, cursor: spec.versioned ? maxUpdated(prepared.rows) : null, reconcile }, result);
  // An answer without If-Modified-Since held everything: a full walk (what reconciliation is timed by).
  return { xeroTime: prepared.serverTime, full: since === null };
}

/**
 * Xero's offset paging (journals): each answer holds the next `pageSize` records after the
 * position, in position order, and records are never edited, so the position alone is the cursor.
 * Stops at the first short answer; a stop request (shutdown, time bound) between pages resumes
 * from the committed position.
 */
async function walkOffset(ctx: RunContext, def: EntityDefinition, spec: MirrorSpec, from: number | null, pageSize: number, result: EntitySyncResult) {
  let position = from ?? 0;
  result.positionBefore = from;
  let xeroTime: Date | null = null;
  for (;;) {
    const stop = ctx.stopReason();
    if (stop) throw stop;
    const answer = await ctx.caller.call((token) => ctx.source.list(def, token, ctx.tenant.xeroTenantId, { offset: position }));
    const prepared = preparePage(def, spec, ctx.tenant.id, answer.value);
    if (prepared.serverTime) xeroTime = prepared.serverTime;
    const next = prepared.maxPosition ?? position;
    if (prepared.rows.length > 0 && next <= position) throw new SyncWalkError("out_of_order", `Xero's ${def.xero.endpoint} answer after offset ${position} did not move past it`);
    await commitPage(ctx, def, spec, { rows: prepared.rows, cursor: maxUpdated(prepared.rows), position: prepared.rows.length ? next : null, fromPosition: position }, result);
    position = next;
    result.positionAfter = position;
    if (prepared.rows.length < pageSize) break;
  }
  return { xeroTime, full: from === null };
}

/** Walks one entity to its end: a keyset walk (lib/sync/walk.ts). */
async function walkKeyset(ctx: RunContext, def: EntityDefinition, spec: MirrorSpec, cursor: Date | null, result: EntitySyncResult): Promise<Date | null> {
  const { db, tenant, caller, source } = ctx;
  const entity = def.name;
  result.cursorBefore = cursor?.toISOString() ?? null;
  result.cursorAfter = result.cursorBefore;
  const walk = new SyncWalk(ctx.full ? undefined : (cursor ?? undefined), ctx.pageSize);

  // A page is reduced to one flat string as soon as it arrives, not when the loop gets to it: the
  // next page is fetched while earlier ones are written, and only that string waits for the write.
  const fetchPage = (): Promise<Prepared> => {
    const req = walk.request();
    return caller
      .call((token) => source.list(def, token, tenant.xeroTenantId, { ifModifiedSince: req.ifModifiedSince, page: req.page, pageSize: ctx.pageSize }))
      .then((r) => preparePage(def, spec, tenant.id, r.value));
  };

  let xeroTime: Date | null = null;
  let next: Promise<Prepared> | null = fetchPage();
  // Up to two pages are written at once, each in its own transaction, committed in page order:
  // a page's transaction stores its rows, then waits for the previous page to commit before it
  // advances the cursor and commits (so the cursor never passes an uncommitted page, and if a page
  // fails the next one rolls back). Two transactions never write the same row: records the
  // previous page carries with the same timestamp (the keyset overlap) are left out, and a page
  // that shares any other id with the previous one waits for it to commit first.
  let prevCommitted: Promise<void> = Promise.resolve();
  let stop: SyncInterruptedError | null = null;
  let prevIds = new Map<string, number>();
  const writing: Promise<void>[] = [];
  try {
    while (next) {
      const { rows, serverTime } = await next;
      next = null;
      const decision = walk.accept(
        rows.map((r) => ({ id: r.id, updatedMs: r.updatedMs })),
        serverTime?.getTime(),
      );
      if (serverTime) xeroTime = serverTime;
      // Fetch the next page while this one is written; its result is used only if the write commits.
      // A stop (shutdown, time bound) fetches nothing more: this page is written, then the walk ends.
      stop ??= decision.done ? null : ctx.stopReason();
      if (!decision.done && !stop) {
        // Xero's clock must pass an instant first (see PageDecision): at most SKEW_MS and a second.
        const wait: number = decision.notBeforeServerMs !== undefined && serverTime ? Math.min(SKEW_MS + 1000, decision.notBeforeServerMs - serverTime.getTime()) : 0;
        next = wait > 0 ? new Promise<void>((r) => setTimeout(r, wait)).then((): Promise<Prepared> => fetchPage()) : fetchPage();
        next.catch(() => {});
      }
      if (decision.repair) result.repairs++;
      if (decision.verify) result.verifications++;
      if (ctx.leaseLost()) throw new SyncLeaseLostError();

      let toWrite: PreparedRow[] = [];
      let overlap = 0;
      let sharesIds = false;
      const pageIds = new Map<string, number>();
      for (const r of rows) {
        pageIds.set(r.id, r.updatedMs);
        const before = prevIds.get(r.id);
        if (before === r.updatedMs) overlap++;
        else {
          if (before !== undefined) sharesIds = true;
          toWrite.push(r);
        }
      }
      if (overlap === 0) toWrite = rows; // the packed page itself (see packPreparedRows)
      const previous = prevCommitted;
      const committed = (async () => {
        if (sharesIds) await previous;
        const c = await db.transaction(async (tx) => {
          const c = await upsertPreparedBatch(tx, spec, tenant.id, toWrite, { full: writesFull(ctx, toWrite), deferSummaries: true });
          await previous; // page order; rethrows (rolling this page back) if the previous page failed
          await c.summaries?.(); // after the previous page's commit: see BatchResult.summaries
          if (decision.cursor) await advanceSyncCursor(tx, tenant.id, entity, decision.cursor);
          // The fence: commit only while we still hold the tenant's lease.
          if (!(await renewSyncLease(tx, ctx.lease))) throw new SyncLeaseLostError();
          const delta = takePending(ctx.pending);
          await addXeroSessionProgress(tx, ctx.lease.session.id, {
            ...delta,
            pages: 1,
            recordsFetched: rows.length,
            recordsInserted: c.inserted,
            recordsUpdated: c.updated,
            recordsUnchanged: c.unchanged + overlap,
          });
          return c;
        });
        result.pages++;
        result.fetched += rows.length;
        result.inserted += c.inserted;
        result.updated += c.updated;
        result.unchanged += c.unchanged + overlap;
        if (decision.cursor) {
          const prev = result.cursorAfter ? Date.parse(result.cursorAfter) : -Infinity;
          if (decision.cursor.getTime() > prev) result.cursorAfter = decision.cursor.toISOString();
        }
        ctx.onProgress?.({
          sessionId: ctx.lease.session.id,
          entity,
          page: result.pages,
          fetched: result.fetched,
          inserted: result.inserted,
          updated: result.updated,
          unchanged: result.unchanged,
          cursor: result.cursorAfter ? new Date(result.cursorAfter) : null,
          repair: decision.repair || undefined,
        });
      })();
      committed.catch(() => {});
      prevCommitted = committed;
      prevIds = pageIds;
      writing.push(committed);
      if (writing.length >= ctx.writeDepth) await writing.shift();
    }
  } finally {
    // Let the pages already being written finish (or fail) before the caller moves on.
    await Promise.allSettled(writing);
  }
  for (const w of writing) await w; // surface a failure of the last pages
  if (stop) throw stop;
  return xeroTime;
}

function takePending(p: XeroSessionProgress): XeroSessionProgress {
  const out = { ...p };
  for (const k of Object.keys(p) as (keyof XeroSessionProgress)[]) delete p[k];
  return out;
}
