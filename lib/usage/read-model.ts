/**
 * What the app spends of its Xero plan (XERO_PLAN), for the usage page, the organisation page and
 * the overview's warnings; read from xero_usage_days (written by ./meter.ts).
 *
 * - Calls today, per organisation: ours (what this app sent today, UTC) and Xero's own view
 *   (the plan's daily quota less the last X-DayLimit-Remaining, when Xero said so today); the
 *   meter shows the larger, since other apps of the operator, or a restarted process, share it.
 * - Egress, per app: response bytes this calendar month (UTC) against the plan's allowance, and a
 *   projection of the month at the month's rate so far.
 * - Connections, per app: distinct organisations connected to the app by any of its users (not
 *   disconnected, on a grant not revoked). Xero counts a connection per organisation connected to
 *   the app; two users connecting one organisation are one connection in its cap, which is also how
 *   the consent refuses "one more".
 * Figures of the whole app are totals; names are only ever those of the reader's organisations.
 */
import { and, eq, gte, inArray, isNotNull, ne, sql } from "drizzle-orm";
import type { Db } from "@/lib/db/client";
import { xeroConnections, xeroTenants, xeroUsageDays } from "@/lib/db/schema";
import { getEnv } from "@/lib/env";
import type { Reader } from "@/lib/lists/tenant-scope";
import { planNamed, USAGE_WARNING_RATIO, type XeroPlan } from "./plans";
import { usageDay } from "./meter";

const DAY_MS = 86_400_000;
/** Xero's refresh tokens die after this long unused. */
export const REFRESH_TOKEN_LIFE_DAYS = 60;
/** A connection whose refresh token has this many days left or fewer shows the countdown. */
export const TOKEN_WARNING_DAYS = 14;

export interface Meter {
  used: number;
  /** null: the plan states no limit (show `used` without a share). */
  limit: number | null;
  /** used / limit, or null without a limit. */
  ratio: number | null;
  /** At or beyond USAGE_WARNING_RATIO of the limit. */
  warning: boolean;
}

export function meter(used: number, limit: number | null): Meter {
  const ratio = limit === null || limit <= 0 ? null : used / limit;
  return { used, limit, ratio, warning: ratio !== null && ratio >= USAGE_WARNING_RATIO };
}

/** The month so far (UTC) scaled to the whole month: the egress at the current rate. */
export function projectMonth(bytesSoFar: number, now: Date): number {
  const start = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1);
  const end = Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1);
  const elapsed = Math.max(now.getTime() - start, 60 * 60_000); // an hour at least: no wild figure on the 1st at 00:01
  return Math.round((bytesSoFar * (end - start)) / elapsed);
}

/** The first day of `now`'s month (UTC), as the table keys days. */
export function monthStart(now: Date): string {
  return `${usageDay(now).slice(0, 7)}-01`;
}

export interface CallsToday {
  /** Calls this app sent today (UTC). */
  ours: number;
  /** Xero's view: the quota less X-DayLimit-Remaining, when Xero reported it today; else null. */
  xeros: number | null;
  /** X-DayLimit-Remaining as Xero last said it today (above the plan's quota: Xero gives this app more). */
  remaining: number | null;
  remainingSeenAt: Date | null;
  /** The larger of the two against the plan's daily quota. */
  quota: Meter;
}

export function callsToday(row: { calls: number; dayLimitRemaining: number | null; dayLimitSeenAt: Date | null } | undefined, plan: XeroPlan, now: Date): CallsToday {
  const ours = row?.calls ?? 0;
  const seenToday = row?.dayLimitSeenAt && row.dayLimitRemaining !== null && usageDay(row.dayLimitSeenAt) === usageDay(now);
  const xeros = seenToday ? Math.max(0, plan.callsPerDayPerOrg - (row.dayLimitRemaining ?? 0)) : null;
  return { ours, xeros, remaining: seenToday ? row.dayLimitRemaining : null, remainingSeenAt: seenToday ? row.dayLimitSeenAt : null, quota: meter(Math.max(ours, xeros ?? 0), plan.callsPerDayPerOrg) };
}

export interface TokenLife {
  endsAt: Date;
  daysLeft: number;
  /** TOKEN_WARNING_DAYS or fewer left: keep-alive has not run (workers down, or refresh failing). */
  warning: boolean;
}

/** When a refresh token issued at `issuedAt` dies unused, and whether to warn. */
export function tokenLife(issuedAt: Date, now: Date): TokenLife {
  const endsAt = new Date(issuedAt.getTime() + REFRESH_TOKEN_LIFE_DAYS * DAY_MS);
  const daysLeft = Math.max(0, Math.ceil((endsAt.getTime() - now.getTime()) / DAY_MS));
  return { endsAt, daysLeft, warning: daysLeft <= TOKEN_WARNING_DAYS };
}

const clientId = () => getEnv().XERO_CLIENT_ID ?? "";
export const currentPlan = (): XeroPlan => planNamed(getEnv().XERO_PLAN);

export interface OrgUsage {
  plan: XeroPlan;
  calls: CallsToday;
  bytesToday: number;
  bytesThisMonth: number;
  /** Null for a connection without a refresh token (a Custom Connection). */
  token: TokenLife | null;
}

/** One organisation of the reader's (xero_tenants.id; the caller has checked it is theirs). */
export async function getOrgUsage(db: Db, org: { xeroTenantId: string; connectionId: string }, now = new Date()): Promise<OrgUsage> {
  const plan = currentPlan();
  const today = usageDay(now);
  const [rows, [conn]] = await Promise.all([
    db
      .select()
      .from(xeroUsageDays)
      .where(and(eq(xeroUsageDays.clientId, clientId()), eq(xeroUsageDays.xeroTenantId, org.xeroTenantId), gte(xeroUsageDays.day, monthStart(now)))),
    db.select({ issuedAt: xeroConnections.refreshTokenIssuedAt }).from(xeroConnections).where(eq(xeroConnections.id, org.connectionId)),
  ]);
  const todayRow = rows.find((r) => r.day === today);
  return {
    plan,
    calls: callsToday(todayRow, plan, now),
    bytesToday: todayRow?.bytes ?? 0,
    bytesThisMonth: rows.reduce((n, r) => n + r.bytes, 0),
    token: conn?.issuedAt ? tokenLife(conn.issuedAt, now) : null,
  };
}

export interface AppUsage {
  plan: XeroPlan;
  egress: Meter & { projected: number | null; projectedWarning: boolean };
  connections: Meter;
  /** The reader's organisations, each with its calls today. */
  organisations: { id: string; name: string; xeroTenantId: string; calls: CallsToday }[];
}

/** Distinct organisations connected to the app: what Xero's connection cap counts. */
export async function countConnectedOrganisations(db: Db): Promise<number> {
  const [row] = await db
    .select({ n: sql<number>`count(distinct ${xeroTenants.xeroTenantId})::int` })
    .from(xeroTenants)
    .innerJoin(xeroConnections, eq(xeroConnections.id, xeroTenants.connectionId))
    .where(and(ne(xeroTenants.status, "disconnected"), ne(xeroConnections.status, "revoked")));
  return Number(row?.n ?? 0);
}

/** The app-wide meter, with the reader's organisations' calls today. */
export async function getAppUsage(db: Db, reader: Reader, now = new Date()): Promise<AppUsage> {
  const plan = currentPlan();
  const today = usageDay(now);
  const [[month], connected, orgs] = await Promise.all([
    db
      .select({ bytes: sql<string>`coalesce(sum(${xeroUsageDays.bytes}), 0)::text` })
      .from(xeroUsageDays)
      .where(and(eq(xeroUsageDays.clientId, clientId()), gte(xeroUsageDays.day, monthStart(now)))),
    countConnectedOrganisations(db),
    db
      .select({ id: xeroTenants.id, name: xeroTenants.name, xeroTenantId: xeroTenants.xeroTenantId })
      .from(xeroTenants)
      .where(
        and(
          eq(xeroTenants.userId, reader.id),
          ne(xeroTenants.status, "disconnected"),
          ...(reader.tenantIds ? [inArray(xeroTenants.id, reader.tenantIds.length ? [...reader.tenantIds] : ["00000000-0000-0000-0000-000000000000"])] : []),
        ),
      )
      .orderBy(xeroTenants.name),
  ]);
  const ids = [...new Set(orgs.map((o) => o.xeroTenantId))];
  const todays = ids.length
    ? await db
        .select()
        .from(xeroUsageDays)
        .where(and(eq(xeroUsageDays.clientId, clientId()), eq(xeroUsageDays.day, today), inArray(xeroUsageDays.xeroTenantId, ids)))
    : [];
  const bytes = Number(month?.bytes ?? 0);
  const egress = meter(bytes, plan.egressBytesPerMonth);
  const projected = projectMonth(bytes, now);
  return {
    plan,
    egress: {
      ...egress,
      projected,
      projectedWarning: plan.egressBytesPerMonth !== null && projected >= plan.egressBytesPerMonth,
    },
    connections: meter(connected, plan.connections),
    organisations: orgs.map((o) => ({ ...o, calls: callsToday(todays.find((r) => r.xeroTenantId === o.xeroTenantId), plan, now) })),
  };
}

export interface UsageWarnings {
  /** Messages for the overview's banner (80 % of egress, connections, an organisation's quota). */
  messages: string[];
  /** The reader's organisations whose Xero access ends soon (refresh token near 60 days unused). */
  expiring: { id: string; name: string; token: TokenLife }[];
}

const pct = (m: Meter) => `${Math.floor((m.ratio ?? 0) * 100)} %`;

/** What the overview warns about; cheap (a few indexed reads). */
export async function getUsageWarnings(db: Db, reader: Reader, now = new Date()): Promise<UsageWarnings> {
  const [usage, tokens] = await Promise.all([
    getAppUsage(db, reader, now),
    db
      .select({ id: xeroTenants.id, name: xeroTenants.name, issuedAt: xeroConnections.refreshTokenIssuedAt })
      .from(xeroTenants)
      .innerJoin(xeroConnections, eq(xeroConnections.id, xeroTenants.connectionId))
      .where(and(eq(xeroTenants.userId, reader.id), eq(xeroTenants.status, "active"), eq(xeroConnections.status, "active"), isNotNull(xeroConnections.refreshTokenIssuedAt)))
      .orderBy(xeroTenants.name),
  ]);
  const messages: string[] = [];
  const { plan } = usage;
  if (usage.egress.warning) messages.push(`Data from Xero this month is at ${pct(usage.egress)} of the ${plan.label} plan's allowance.`);
  if (usage.connections.warning) messages.push(`${usage.connections.used} of the ${plan.label} plan's ${plan.connections} connected organisations are in use.`);
  for (const o of usage.organisations) if (o.calls.quota.warning) messages.push(`${o.name} has used ${pct(o.calls.quota)} of today's ${plan.callsPerDayPerOrg} calls.`);
  const allowed = reader.tenantIds ? new Set(reader.tenantIds) : null;
  const expiring = tokens
    .filter((t) => !allowed || allowed.has(t.id))
    .map((t) => ({ id: t.id, name: t.name, token: tokenLife(t.issuedAt!, now) }))
    .filter((t) => t.token.warning);
  return { messages, expiring };
}
