/**
 * The schedule's cadence, per entity: how often a scheduled sync polls it, and what that costs of
 * the organisation's daily quota. Pure: the engine, the scheduler's status and the organisation's
 * page call it with what they read.
 *
 * - Transactional entities (invoices, payments, journals …) are polled at the organisation's interval.
 * - Rarely changing ones are polled less often: their definition's `cadence` (accounts, items) or
 *   their refresh walk's `everyHours` (tax rates, tracking categories), never more often than the interval.
 * - With webhooks configured, entities Xero announces (the definition's webhook category) are synced
 *   by their webhooks within seconds; the schedule only runs a slow safety poll for a lost delivery.
 * - When Xero says little of the day's quota is left, every cadence stretches so the schedule does
 *   not spend the rest (Sync now still runs).
 * An idle poll is one call per entity (a keyset page, an unpaged answer, an offset page or a
 * refresh, all short); the reconciling walks of accounts and items are one of those polls.
 */
import type { EntityDefinition } from "@/lib/entities/definition";

/** The intervals an organisation's schedule offers, in minutes. */
export const SCHEDULE_INTERVALS = [15, 30, 60, 120, 240, 360, 720, 1440] as const;

/** Safety poll of an entity Xero announces by webhook: a lost delivery shows within this. */
export const WEBHOOK_SAFETY_POLL_HOURS = 6;

/** The share of the daily quota the schedule may plan to use before the page warns. */
export const SCHEDULE_QUOTA_SHARE = 0.25;

/** Xero's X-DayLimit-Remaining below this share of the quota stretches the cadence. */
export const LOW_QUOTA_RATIO = 0.2;

/** The most a low quota stretches the cadence (an hourly poll becomes daily). */
export const MAX_STRETCH = 24;

/**
 * A poll counts as due this much before its time: a tick of the scheduler comes a little after the
 * previous sync's start, and the success it is measured from is recorded a little after that.
 */
const DUE_SLACK_MS = 2 * 60_000;

/** How an organisation does against its schedule, most urgent first (lib/overview/sync-status.ts; the overview sorts by it). */
export const HEALTH_ORDER = ["action_required", "failing", "late", "paused", "on_time"] as const;
export type SyncHealth = (typeof HEALTH_ORDER)[number];

export interface CadenceContext {
  /** The organisation's interval in minutes (its own, else SYNC_INTERVAL_MINUTES). */
  intervalMinutes: number;
  /** XERO_WEBHOOK_KEY is set: Xero's announcements start syncs. */
  webhooks: boolean;
  /** Multiplies every cadence (quotaStretch); default 1. */
  stretch?: number;
}

export type CadenceBasis = "interval" | "rarely_changes" | "webhooks";

export interface EntityCadenceInfo {
  /** Minutes between the schedule's polls of the entity. */
  everyMinutes: number;
  /** Why that often: the interval, a rarely changing entity, or webhooks plus a safety poll. */
  basis: CadenceBasis;
}

/** How often the schedule polls `def` for an organisation. */
export function entityCadence(def: EntityDefinition, ctx: CadenceContext): EntityCadenceInfo {
  const interval = Math.max(1, ctx.intervalMinutes);
  const stretch = Math.max(1, ctx.stretch ?? 1);
  const rareHours = def.walk.kind === "refresh" ? def.walk.everyHours : def.cadence?.everyHours;
  let base: EntityCadenceInfo;
  if (rareHours !== undefined) base = { everyMinutes: Math.max(interval, rareHours * 60), basis: "rarely_changes" };
  else if (ctx.webhooks && def.xero.webhookCategory) base = { everyMinutes: Math.max(interval, WEBHOOK_SAFETY_POLL_HOURS * 60), basis: "webhooks" };
  else base = { everyMinutes: interval, basis: "interval" };
  return { ...base, everyMinutes: Math.round(base.everyMinutes * stretch) };
}

/** Whether a scheduled sync at `nowMs` polls an entity last synced successfully at `lastSuccessAt`. */
export function isEntityDue(lastSuccessAt: Date | null | undefined, everyMinutes: number, nowMs: number): boolean {
  if (!lastSuccessAt) return true;
  const everyMs = everyMinutes * 60_000;
  return nowMs - lastSuccessAt.getTime() >= everyMs - Math.min(DUE_SLACK_MS, everyMs / 10);
}

/** When the schedule polls the entity next (now if it is due or never synced). */
export function nextEntityDueAt(lastSuccessAt: Date | null | undefined, everyMinutes: number, now: Date): Date {
  if (!lastSuccessAt) return now;
  const at = lastSuccessAt.getTime() + everyMinutes * 60_000;
  return at > now.getTime() ? new Date(at) : now;
}

export interface CallsProjection {
  /** Calls a day the schedule makes for an idle organisation. */
  total: number;
  perEntity: { entity: string; everyMinutes: number; calls: number }[];
}

/** Calls a day of an idle organisation's schedule: one call per poll of each entity. */
export function projectCallsPerDay(defs: readonly EntityDefinition[], ctx: CadenceContext): CallsProjection {
  const perEntity = defs.map((def) => {
    const { everyMinutes } = entityCadence(def, ctx);
    return { entity: def.name, everyMinutes, calls: Math.ceil(1440 / everyMinutes) };
  });
  return { total: perEntity.reduce((n, e) => n + e.calls, 0), perEntity };
}

/** The schedule plans to use more of the daily quota than it should leave to people and webhooks. */
export function exceedsQuotaShare(callsPerDay: number, quotaPerDay: number): boolean {
  return callsPerDay > quotaPerDay * SCHEDULE_QUOTA_SHARE;
}

/**
 * How much to stretch the cadence when Xero's X-DayLimit-Remaining says less than LOW_QUOTA_RATIO
 * of the quota is left: enough that the schedule's next 24 hours use at most half of what is left
 * (Xero's day is rolling, so the rest frees up as the day goes by). 1 when nothing is known.
 */
export function quotaStretch(callsPerDay: number, quotaPerDay: number, dayLimitRemaining: number | null | undefined): number {
  if (dayLimitRemaining === null || dayLimitRemaining === undefined) return 1;
  if (dayLimitRemaining >= quotaPerDay * LOW_QUOTA_RATIO) return 1;
  const allowed = Math.max(1, dayLimitRemaining / 2);
  return Math.min(MAX_STRETCH, Math.max(1, callsPerDay / allowed));
}
