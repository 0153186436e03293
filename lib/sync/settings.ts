/**
 * An organisation's schedule, as its user sets it: its own interval, pause and resume, and which
 * entities it syncs (scope-aware: an entity the grant cannot read cannot be turned on). Every write
 * is scoped to the user's own organisations: another user's id is `not_found`. Also what the
 * engine and the organisation's page need to compute the cadence (lib/sync/cadence.ts).
 */
import { and, desc, eq, gt, isNotNull, isNull } from "drizzle-orm";
import type { Db } from "@/lib/db";
import { syncCursors, xeroConnections, xeroTenants, xeroUsageDays } from "@/lib/db/schema";
import type { EntityDefinition } from "@/lib/entities/definition";
import { enabledEntityNames, isEnabledEntity } from "@/lib/entities/enabled";
import { entity as entityNamed } from "@/lib/entities/registry";
import { hasEntityScope, missingScopeMessage } from "@/lib/entities/scopes";
import { getEnv } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { nextScheduledRun } from "@/lib/jobs/stagger";
import { planNamed } from "@/lib/usage/plans";
import { projectCallsPerDay, quotaStretch, SCHEDULE_INTERVALS, type CadenceContext } from "./cadence";

export type ScheduleInterval = (typeof SCHEDULE_INTERVALS)[number];

async function ownedTenant(db: Db, userId: string, tenantId: string) {
  const [row] = await db
    .select({ id: xeroTenants.id, status: xeroTenants.status, scopes: xeroConnections.scopes })
    .from(xeroTenants)
    .innerJoin(xeroConnections, eq(xeroConnections.id, xeroTenants.connectionId))
    .where(and(eq(xeroTenants.id, tenantId), eq(xeroTenants.userId, userId)));
  if (!row || row.status === "disconnected") throw new AppError("not_found", "No such organisation.");
  return row;
}

/**
 * Sets the organisation's interval (null: SYNC_INTERVAL_MINUTES again) and moves its next slot to
 * the new interval's, so the change holds from now rather than after the old slot.
 */
export async function setSyncInterval(db: Db, userId: string, tenantId: string, minutes: ScheduleInterval | null, now = new Date()): Promise<void> {
  await ownedTenant(db, userId, tenantId);
  const effective = minutes ?? getEnv().SYNC_INTERVAL_MINUTES;
  await db
    .update(xeroTenants)
    .set({ syncIntervalMinutes: minutes, nextSyncAt: effective > 0 ? nextScheduledRun(tenantId, now, effective * 60_000) : null })
    .where(eq(xeroTenants.id, tenantId));
}

/** Stops scheduled syncs of the organisation (Sync now and webhooks still run; its tokens are kept alive). */
export async function pauseSchedule(db: Db, userId: string, tenantId: string, now = new Date()): Promise<void> {
  await ownedTenant(db, userId, tenantId);
  await db
    .update(xeroTenants)
    .set({ syncPausedAt: now })
    .where(and(eq(xeroTenants.id, tenantId), isNull(xeroTenants.syncPausedAt)));
}

/** Resumes scheduled syncs: the next scheduler tick syncs it (what is due by its cadence). */
export async function resumeSchedule(db: Db, userId: string, tenantId: string, now = new Date()): Promise<void> {
  await ownedTenant(db, userId, tenantId);
  await db
    .update(xeroTenants)
    .set({ syncPausedAt: null, nextSyncAt: now })
    .where(and(eq(xeroTenants.id, tenantId), isNotNull(xeroTenants.syncPausedAt)));
}

/**
 * Turns one entity on or off for the organisation. Only entities this installation mirrors
 * (XERO_SYNC_ENTITIES) are offered; one the grant lacks the scope of cannot be turned on, and the
 * refusal says why (a reconnect, or Xero's plan). Turning off keeps the rows already mirrored.
 */
export async function setEntityEnabled(db: Db, userId: string, tenantId: string, entity: string, enabled: boolean, now = new Date()): Promise<void> {
  const tenant = await ownedTenant(db, userId, tenantId);
  if (!isEnabledEntity(entity)) throw new AppError("bad_request", "This installation does not sync that kind of data.");
  const def = entityNamed(entity);
  if (enabled && !hasEntityScope(def, tenant.scopes)) throw new AppError("bad_request", missingScopeMessage(def));
  const disabledAt = enabled ? null : now;
  await db
    .insert(syncCursors)
    .values({ tenantId, entity, disabledAt })
    .onConflictDoUpdate({ target: [syncCursors.tenantId, syncCursors.entity], set: { disabledAt } });
}

/** The entities the organisation has turned off (sync_cursors.disabled_at set). */
export async function listDisabledEntities(db: Db, tenantId: string): Promise<Set<string>> {
  const rows = await db
    .select({ entity: syncCursors.entity })
    .from(syncCursors)
    .where(and(eq(syncCursors.tenantId, tenantId), isNotNull(syncCursors.disabledAt)));
  return new Set(rows.map((r) => r.entity));
}

/**
 * Xero's last X-DayLimit-Remaining for the organisation, if one was seen in the last 24 hours
 * (the usage meter records it in xero_usage_days).
 */
export async function latestDayLimitRemaining(db: Db, xeroTenantId: string, now = new Date()): Promise<number | null> {
  const [row] = await db
    .select({ remaining: xeroUsageDays.dayLimitRemaining })
    .from(xeroUsageDays)
    .where(
      and(
        eq(xeroUsageDays.xeroTenantId, xeroTenantId),
        isNotNull(xeroUsageDays.dayLimitRemaining),
        gt(xeroUsageDays.dayLimitSeenAt, new Date(now.getTime() - 86_400_000)),
      ),
    )
    .orderBy(desc(xeroUsageDays.dayLimitSeenAt))
    .limit(1);
  return row?.remaining ?? null;
}

export interface TenantSchedule extends CadenceContext {
  /** The organisation's own interval; null: SYNC_INTERVAL_MINUTES. */
  ownIntervalMinutes: number | null;
  pausedAt: Date | null;
  /** The enabled entities it syncs (on, in XERO_SYNC_ENTITIES). */
  entities: readonly EntityDefinition[];
  disabled: Set<string>;
  dayLimitRemaining: number | null;
  quotaPerDay: number;
  /** Calls a day of its schedule when idle, at the unstretched cadence. */
  projectedCallsPerDay: number;
}

/** What the cadence of one organisation depends on: its interval, webhooks, its entities and Xero's quota left. */
export async function loadTenantSchedule(
  db: Db,
  tenant: { id: string; xeroTenantId: string; syncIntervalMinutes: number | null; syncPausedAt: Date | null },
  now = new Date(),
): Promise<TenantSchedule> {
  const env = getEnv();
  const [disabled, dayLimitRemaining] = await Promise.all([listDisabledEntities(db, tenant.id), latestDayLimitRemaining(db, tenant.xeroTenantId, now)]);
  const entities = enabledEntityNames()
    .filter((e) => !disabled.has(e))
    .map(entityNamed);
  const base: CadenceContext = { intervalMinutes: tenant.syncIntervalMinutes ?? env.SYNC_INTERVAL_MINUTES, webhooks: Boolean(env.XERO_WEBHOOK_KEY) };
  const quotaPerDay = planNamed(env.XERO_PLAN).callsPerDayPerOrg;
  const projected = projectCallsPerDay(entities, base).total;
  return {
    ...base,
    stretch: quotaStretch(projected, quotaPerDay, dayLimitRemaining),
    ownIntervalMinutes: tenant.syncIntervalMinutes,
    pausedAt: tenant.syncPausedAt,
    entities,
    disabled,
    dayLimitRemaining,
    quotaPerDay,
    projectedCallsPerDay: projected,
  };
}
