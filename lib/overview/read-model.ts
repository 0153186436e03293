import { and, count, desc, eq, gte, inArray, sql } from "drizzle-orm";
import type { Db } from "@/lib/db";
import { invoices, contacts, syncCursors, xeroConnections, xeroSessions, xeroTenants, type XeroSession } from "@/lib/db/schema";
import { SYNC_ENTITIES, type SyncEntity } from "@/lib/entities/registry";
import { todayUtc } from "@/lib/lists/today";
import { isInterrupted } from "@/lib/history/read-model";

/**
 * The overview read model: each organisation of the user with its state, per-entity sync facts and
 * any sync in progress, plus the two charts (receivables by age, invoiced vs paid per month).
 */

export type OrgState = "active" | "syncing" | "rate_limited" | "needs_reconnect" | "disconnected";

export interface EntityStatus {
  entity: SyncEntity;
  records: number;
  lastSuccessAt: Date | null;
  lastAttemptAt: Date | null;
  lastError: string | null;
  lastErrorAt: Date | null;
  /** When the scheduler will next sync it, or null when scheduling is off / not applicable. */
  nextSyncAt: Date | null;
}

export interface SyncProgress {
  sessionId: string;
  entity: string | null;
  startedAt: Date;
  pages: number;
  apiCalls: number;
  recordsFetched: number;
  recordsInserted: number;
  recordsUpdated: number;
  rateLimitWaits: number;
  rateLimitWaitMs: number;
  outcome: XeroSession["outcome"];
  finishedAt: Date | null;
  error: string | null;
}

export interface OrgOverview {
  id: string;
  name: string;
  xeroTenantId: string;
  connectionId: string;
  state: OrgState;
  statusReason: string | null;
  rateLimitedUntil: Date | null;
  connectedAt: Date;
  entities: EntityStatus[];
  /** The running sync (if any), else the latest finished sync, for the progress line. */
  progress: SyncProgress | null;
}

export interface TenantRow {
  id: string;
  name: string;
  xeroTenantId: string;
  connectionId: string;
  status: string;
  statusReason: string | null;
  rateLimitedUntil: Date | null;
  connectedAt: Date;
  syncSessionId: string | null;
  syncLockExpiresAt: Date | null;
  connectionStatus: string;
}

function progressOf(s: XeroSession): SyncProgress {
  return {
    sessionId: s.id,
    entity: s.entity,
    startedAt: s.startedAt,
    pages: s.pages,
    apiCalls: s.apiCalls,
    recordsFetched: s.recordsFetched,
    recordsInserted: s.recordsInserted,
    recordsUpdated: s.recordsUpdated,
    rateLimitWaits: s.rateLimitWaits,
    rateLimitWaitMs: s.rateLimitWaitMs,
    outcome: s.outcome,
    finishedAt: s.finishedAt,
    error: s.error,
  };
}

export function orgState(t: TenantRow, running: boolean, now: Date): OrgState {
  if (t.status === "disconnected") return "disconnected";
  if (t.status === "needs_reconnect" || t.connectionStatus !== "active") return "needs_reconnect";
  if (running) return "syncing";
  if (t.rateLimitedUntil && t.rateLimitedUntil > now) return "rate_limited";
  return "active";
}

/** Organisations of the user with per-entity status and sync progress (tenantId narrows to one). */
export async function getOrgOverviews(db: Db, userId: string, opts: { now?: Date; intervalMinutes?: number; tenantId?: string } = {}): Promise<OrgOverview[]> {
  const now = opts.now ?? new Date();
  const tenantRows: TenantRow[] = await db
    .select({
      id: xeroTenants.id,
      name: xeroTenants.name,
      xeroTenantId: xeroTenants.xeroTenantId,
      connectionId: xeroTenants.connectionId,
      status: xeroTenants.status,
      statusReason: xeroTenants.statusReason,
      rateLimitedUntil: xeroTenants.rateLimitedUntil,
      connectedAt: xeroTenants.connectedAt,
      syncSessionId: xeroTenants.syncSessionId,
      syncLockExpiresAt: xeroTenants.syncLockExpiresAt,
      connectionStatus: xeroConnections.status,
    })
    .from(xeroTenants)
    .innerJoin(xeroConnections, eq(xeroConnections.id, xeroTenants.connectionId))
    .where(and(eq(xeroTenants.userId, userId), opts.tenantId ? eq(xeroTenants.id, opts.tenantId) : undefined))
    .orderBy(xeroTenants.name, xeroTenants.id);
  if (tenantRows.length === 0) return [];
  const ids = tenantRows.map((t) => t.id);

  const [cursorRows, invoiceCounts, contactCounts, latestSyncs] = await Promise.all([
    db.select().from(syncCursors).where(inArray(syncCursors.tenantId, ids)),
    db.select({ tenantId: invoices.tenantId, n: count() }).from(invoices).where(inArray(invoices.tenantId, ids)).groupBy(invoices.tenantId),
    db.select({ tenantId: contacts.tenantId, n: count() }).from(contacts).where(inArray(contacts.tenantId, ids)).groupBy(contacts.tenantId),
    // The latest sync session per tenant (running or not), via xero_sessions_tenant_started_idx.
    db
      .selectDistinctOn([xeroSessions.tenantId])
      .from(xeroSessions)
      .where(and(inArray(xeroSessions.tenantId, ids), eq(xeroSessions.userId, userId), eq(xeroSessions.kind, "sync")))
      .orderBy(xeroSessions.tenantId, desc(xeroSessions.startedAt)),
  ]);
  const counts: Record<string, Map<string, number>> = { invoices: new Map(invoiceCounts.map((r) => [r.tenantId, Number(r.n)])), contacts: new Map(contactCounts.map((r) => [r.tenantId, Number(r.n)])) };
  const interval = opts.intervalMinutes ?? 0;

  return tenantRows.map((t) => {
    const latest = latestSyncs.find((s) => s.tenantId === t.id);
    // Running: the tenant's sync lease is held, or its latest run is still beating.
    const leaseHeld = !!t.syncSessionId && !!t.syncLockExpiresAt && t.syncLockExpiresAt > now;
    const running = leaseHeld || (!!latest && latest.outcome === "running" && !isInterrupted(latest, now));
    const state = orgState(t, running, now);
    const entities: EntityStatus[] = SYNC_ENTITIES.map((entity) => {
      const c = cursorRows.find((r) => r.tenantId === t.id && r.entity === entity);
      const base = c?.lastSuccessAt ?? c?.lastAttemptAt ?? null;
      let nextSyncAt: Date | null = null;
      if (interval > 0 && (state === "active" || state === "rate_limited")) {
        nextSyncAt = base ? new Date(base.getTime() + interval * 60_000) : now;
        if (state === "rate_limited" && t.rateLimitedUntil && t.rateLimitedUntil > nextSyncAt) nextSyncAt = t.rateLimitedUntil;
      }
      return {
        entity,
        records: counts[entity]?.get(t.id) ?? 0,
        lastSuccessAt: c?.lastSuccessAt ?? null,
        lastAttemptAt: c?.lastAttemptAt ?? null,
        lastError: c?.lastError ?? null,
        lastErrorAt: c?.lastErrorAt ?? null,
        nextSyncAt,
      };
    });
    return {
      id: t.id,
      name: t.name,
      xeroTenantId: t.xeroTenantId,
      connectionId: t.connectionId,
      state,
      statusReason: t.statusReason,
      rateLimitedUntil: t.rateLimitedUntil,
      connectedAt: t.connectedAt,
      entities,
      progress: latest ? progressOf(latest) : null,
    };
  });
}

export const AGE_BUCKETS = ["current", "1–30", "31–60", "61–90", "90+"] as const;
export type AgeBucket = (typeof AGE_BUCKETS)[number];

export interface AgingSeries {
  currency: string;
  buckets: { bucket: AgeBucket; amount: string; count: number }[];
}

/** Receivables (sales invoices still owed) by days overdue, per currency. */
export async function receivablesAging(db: Db, tenantIds: string[], now = new Date()): Promise<AgingSeries[]> {
  if (tenantIds.length === 0) return [];
  const today = todayUtc(now);
  const days = sql`(${today}::date - ${invoices.dueDate})`;
  const bucket = sql<number>`case when ${invoices.dueDate} is null or ${days} <= 0 then 0 when ${days} <= 30 then 1 when ${days} <= 60 then 2 when ${days} <= 90 then 3 else 4 end`;
  const rows = await db
    .select({
      currency: sql<string>`coalesce(${invoices.currencyCode}, '')`,
      bucket: bucket,
      amount: sql<string>`sum(${invoices.amountDue})::text`,
      n: count(),
    })
    .from(invoices)
    .where(
      and(
        inArray(invoices.tenantId, tenantIds),
        eq(invoices.type, "ACCREC"),
        inArray(invoices.status, ["AUTHORISED", "SUBMITTED"]),
        sql`${invoices.amountDue} > 0`,
      ),
    )
    .groupBy(sql`1`, sql`2`);
  return groupSeries(rows, (list) =>
    AGE_BUCKETS.map((b, i) => {
      const r = list.find((x) => Number(x.bucket) === i);
      return { bucket: b, amount: r?.amount ?? "0", count: Number(r?.n ?? 0) };
    }),
  ).map(([currency, buckets]) => ({ currency, buckets }));
}

export interface MonthlySeries {
  currency: string;
  months: { month: string; invoiced: string; paid: string }[];
}

/**
 * Sales invoiced (by invoice date) and paid (amount paid, by the date an invoice was fully paid)
 * for the last `months` calendar months including this one, per currency.
 */
export async function invoicedVsPaid(db: Db, tenantIds: string[], now = new Date(), months = 12): Promise<MonthlySeries[]> {
  if (tenantIds.length === 0) return [];
  const start = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - (months - 1), 1)).toISOString().slice(0, 10);
  const base = and(inArray(invoices.tenantId, tenantIds), eq(invoices.type, "ACCREC"), inArray(invoices.status, ["AUTHORISED", "SUBMITTED", "PAID"]));
  const [invoiced, paid] = await Promise.all([
    db
      .select({ currency: sql<string>`coalesce(${invoices.currencyCode}, '')`, month: sql<string>`to_char(${invoices.date}, 'YYYY-MM')`, amount: sql<string>`sum(${invoices.total})::text` })
      .from(invoices)
      .where(and(base, gte(invoices.date, start)))
      .groupBy(sql`1`, sql`2`),
    db
      .select({
        currency: sql<string>`coalesce(${invoices.currencyCode}, '')`,
        month: sql<string>`to_char(${invoices.fullyPaidOnDate}, 'YYYY-MM')`,
        amount: sql<string>`sum(${invoices.amountPaid})::text`,
      })
      .from(invoices)
      .where(and(base, gte(invoices.fullyPaidOnDate, start)))
      .groupBy(sql`1`, sql`2`),
  ]);
  const monthKeys: string[] = [];
  for (let i = 0; i < months; i++) monthKeys.push(new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - (months - 1) + i, 1)).toISOString().slice(0, 7));
  const currencies = [...new Set([...invoiced, ...paid].map((r) => r.currency))];
  const volume = (c: string) => [...invoiced, ...paid].filter((r) => r.currency === c).reduce((s, r) => s + Number(r.amount), 0); // ordering only
  return currencies
    .sort((a, b) => volume(b) - volume(a))
    .map((currency) => ({
      currency,
      months: monthKeys.map((month) => ({
        month,
        invoiced: invoiced.find((r) => r.currency === currency && r.month === month)?.amount ?? "0",
        paid: paid.find((r) => r.currency === currency && r.month === month)?.amount ?? "0",
      })),
    }));
}

function groupSeries<R extends { currency: string; amount: string }, T>(rows: R[], build: (list: R[]) => T): [string, T][] {
  const byCurrency = new Map<string, R[]>();
  for (const r of rows) byCurrency.set(r.currency, [...(byCurrency.get(r.currency) ?? []), r]);
  // Largest currency first (Number() only orders; amounts are shown from the decimal strings).
  return [...byCurrency.entries()]
    .sort((a, b) => b[1].reduce((s, r) => s + Number(r.amount), 0) - a[1].reduce((s, r) => s + Number(r.amount), 0))
    .map(([c, list]) => [c, build(list)]);
}
