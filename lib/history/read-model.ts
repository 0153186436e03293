import { and, eq, inArray, or, sql, type SQL } from "drizzle-orm";
import type { Db } from "@/lib/db";
import { SESSION_KINDS, SESSION_OUTCOMES, xeroSessions, xeroTenants, type XeroSession } from "@/lib/db/schema";
import { decodeCursor, encodeCursor, keysetPage, UUID_RE, type Cursor, type SortColumn } from "@/lib/lists/keyset";
import { first, pageSizeParam, pick, uuidParam, type RawSearchParams } from "@/lib/lists/search-params";
import type { Reader } from "@/lib/lists/tenant-scope";

/**
 * Sync history: the user's xero_sessions log, newest first, filterable by organisation, kind and
 * outcome. Keyset pages over (started_at DESC, id) use xero_sessions_user_started_idx.
 */

/** The kinds of interaction the history lists (its filter's options). */
export { SESSION_KINDS };

/** A running session whose heartbeat is older than this is shown as interrupted. */
export const STALE_HEARTBEAT_MS = 5 * 60_000;

/** What starts an interaction (xero_sessions.trigger): the read API's filter values. */
export const SESSION_TRIGGERS = ["manual", "schedule", "cli", "webhook", "login", "connect", "startup"] as const;

export interface HistoryQuery {
  tenant?: string;
  kind?: (typeof SESSION_KINDS)[number];
  trigger?: (typeof SESSION_TRIGGERS)[number];
  outcome?: (typeof SESSION_OUTCOMES)[number];
  size: number;
  after: Cursor | null;
  before: Cursor | null;
  page: number;
}

const SORT_KEY = "started.desc";
const SORT_COLUMN: SortColumn = { expr: xeroSessions.startedAt, cast: "timestamptz", nullable: false, indexDescNullsLast: true };

/** A `next` / `prev` cursor of a history page, or null when it is not one. */
export function decodeHistoryCursor(value: string | undefined): Cursor | null {
  return decodeCursor(value, SORT_KEY, SORT_COLUMN);
}

export function parseHistoryQuery(raw: RawSearchParams): HistoryQuery {
  const after = decodeCursor(first(raw, "after"), SORT_KEY, SORT_COLUMN);
  const before = after ? null : decodeCursor(first(raw, "before"), SORT_KEY, SORT_COLUMN);
  const pageHint = Number(first(raw, "p"));
  return {
    tenant: uuidParam(raw, "org"),
    kind: pick(raw, "kind", SESSION_KINDS),
    outcome: pick(raw, "outcome", SESSION_OUTCOMES),
    size: pageSizeParam(raw),
    after,
    before,
    page: after || before ? (Number.isInteger(pageHint) && pageHint > 1 && pageHint < 1e7 ? pageHint : 2) : 1,
  };
}

/** What a `webhook` row's delivery was and what it caused (from its detail). */
export interface WebhookDeliveryInfo {
  delivery: "accepted" | "rejected" | "intent_to_receive";
  events: number;
  /** The sync it caused: started now, a follow-up of a running one, coalesced into a due one, skipped. */
  caused: "starting" | "started" | "queued" | "follow_up" | "coalesced" | "skipped" | null;
  syncDueAt: Date | null;
  skippedReason: string | null;
  /** Replays of this delivery dropped. */
  repeats: number;
  /** Why it was refused, and how many refusals of that kind this row stands for. */
  reason: string | null;
  deliveries: number;
  /** Accepted, but about organisations nobody here mirrors. */
  unmirrored: boolean;
}

export type HistoryRow = XeroSession & { tenantName: string | null; interrupted: boolean; webhook: WebhookDeliveryInfo | null };

export interface HistoryPage {
  rows: HistoryRow[];
  next: string | null;
  prev: string | null;
}

/** Stopped on purpose between pages (shutdown, time bound), or running with a stale heartbeat (the process died). */
export function isInterrupted(s: Pick<XeroSession, "outcome" | "heartbeatAt" | "startedAt">, now = new Date()): boolean {
  if (s.outcome === "interrupted") return true;
  return s.outcome === "running" && now.getTime() - (s.heartbeatAt ?? s.startedAt).getTime() > STALE_HEARTBEAT_MS;
}

/**
 * A page of the reader's log. Webhook deliveries that belong to no user (refused ones, whose body
 * cannot be trusted to say whose they are, and those about organisations nobody mirrors) are
 * shown to everyone, unless the view is filtered to one organisation or another kind.
 */
export async function listHistory(db: Db, reader: Reader, q: HistoryQuery, now = new Date()): Promise<HistoryPage> {
  if (reader.tenantIds?.length === 0) return { rows: [], next: null, prev: null };
  const conds: SQL[] = [];
  // A narrowed reader sees its organisations' rows only (none of the user's unattributed ones).
  if (reader.tenantIds) conds.push(inArray(xeroSessions.tenantId, [...reader.tenantIds]));
  if (q.tenant) conds.push(eq(xeroSessions.tenantId, q.tenant));
  if (q.kind) conds.push(eq(xeroSessions.kind, q.kind));
  if (q.trigger) conds.push(eq(xeroSessions.trigger, q.trigger));
  const staleBefore = new Date(now.getTime() - STALE_HEARTBEAT_MS);
  if (q.outcome === "interrupted") {
    conds.push(
      or(
        eq(xeroSessions.outcome, "interrupted"),
        and(eq(xeroSessions.outcome, "running"), sql`coalesce(${xeroSessions.heartbeatAt}, ${xeroSessions.startedAt}) < ${staleBefore.toISOString()}::timestamptz`),
      )!,
    );
  } else if (q.outcome === "running") {
    conds.push(eq(xeroSessions.outcome, "running"), sql`coalesce(${xeroSessions.heartbeatAt}, ${xeroSessions.startedAt}) >= ${staleBefore.toISOString()}::timestamptz`);
  } else if (q.outcome) {
    conds.push(eq(xeroSessions.outcome, q.outcome));
  }
  const unattributed = !reader.tenantIds && !q.tenant && (!q.kind || q.kind === "webhook") && (!q.trigger || q.trigger === "webhook");
  const page = await keysetPage<XeroSession & { tenantName: string | null; _k: string | null; _id: string }>(
    {
      sort: SORT_COLUMN,
      dir: "desc",
      id: xeroSessions.id,
      after: q.after,
      before: q.before,
      limit: q.size,
      fetch: async (where, orderBy, limit) => {
        // Two index-ordered reads (the user's rows; rows of no user) merged, rather than one OR
        // that would make PostgreSQL sort all of the user's rows for every page.
        const read = (owner: SQL) =>
          db
            .select({
              s: xeroSessions,
              tenantName: xeroTenants.name,
              _k: sql<string>`${xeroSessions.startedAt}::text`,
              _id: sql<string>`${xeroSessions.id}::text`,
              _us: sql<string>`(extract(epoch from ${xeroSessions.startedAt}) * 1000000)::bigint::text`,
            })
            .from(xeroSessions)
            .leftJoin(xeroTenants, eq(xeroTenants.id, xeroSessions.tenantId))
            .where(and(owner, ...conds, where))
            .orderBy(...orderBy)
            .limit(limit);
        const lists = await Promise.all([read(eq(xeroSessions.userId, reader.id)), ...(unattributed ? [read(sql`${xeroSessions.userId} is null and ${xeroSessions.kind} = 'webhook'`)] : [])]);
        const ascending = Boolean(q.before); // a `before` cursor walks the newest-first order backwards
        const rows = lists
          .flat()
          .sort((a, b) => {
            const d = BigInt(a._us) - BigInt(b._us);
            const c = d === 0n ? a._id.localeCompare(b._id) : d < 0n ? -1 : 1;
            return ascending ? c : -c;
          })
          .slice(0, limit);
        // A tenant deleted with its data leaves the log row; its name survives in the row's detail.
        return rows.map((r) => ({ ...r.s, tenantName: r.tenantName ?? detailTenantName(r.s.detail), _k: r._k, _id: r._id }));
      },
    },
    SORT_KEY,
  );
  return {
    rows: page.rows.map(({ _k: _a, _id: _b, ...r }) => ({ ...r, interrupted: isInterrupted(r, now), webhook: r.kind === "webhook" ? webhookInfo(r.detail) : null })),
    next: page.next ? encodeCursor(page.next) : null,
    prev: page.prev ? encodeCursor(page.prev) : null,
  };
}

/**
 * One row of the user's log by id, as a page lists it (the same rows are visible: the user's, and
 * webhook deliveries of no user); undefined when it is not visible to them or absent.
 */
export async function getHistorySession(db: Db, reader: Reader, id: string, now = new Date()): Promise<HistoryRow | undefined> {
  if (!UUID_RE.test(id)) return undefined;
  if (reader.tenantIds?.length === 0) return undefined;
  const [found] = await db
    .select({ s: xeroSessions, tenantName: xeroTenants.name })
    .from(xeroSessions)
    .leftJoin(xeroTenants, eq(xeroTenants.id, xeroSessions.tenantId))
    .where(
      and(
        eq(xeroSessions.id, id),
        // A narrowed reader sees its organisations' rows only, as in listHistory.
        reader.tenantIds
          ? and(eq(xeroSessions.userId, reader.id), inArray(xeroSessions.tenantId, [...reader.tenantIds]))
          : or(eq(xeroSessions.userId, reader.id), sql`${xeroSessions.userId} is null and ${xeroSessions.kind} = 'webhook'`),
      ),
    );
  if (!found) return undefined;
  const r = { ...found.s, tenantName: found.tenantName ?? detailTenantName(found.s.detail) };
  return { ...r, interrupted: isInterrupted(r, now), webhook: r.kind === "webhook" ? webhookInfo(r.detail) : null };
}

function detailTenantName(detail: Record<string, unknown> | null): string | null {
  const name = detail?.tenantName;
  return typeof name === "string" ? name : null;
}

const DELIVERIES = ["accepted", "rejected", "intent_to_receive"] as const;
const CAUSED = ["starting", "started", "queued", "follow_up", "coalesced", "skipped"] as const;

function webhookInfo(detail: Record<string, unknown> | null): WebhookDeliveryInfo {
  const d = detail ?? {};
  const num = (v: unknown, fallback = 0) => (typeof v === "number" && Number.isFinite(v) ? v : fallback);
  const str = (v: unknown) => (typeof v === "string" ? v : null);
  const oneOf = <T extends string>(v: unknown, values: readonly T[]): T | null => (values.includes(v as T) ? (v as T) : null);
  const due = str(d.syncDueAt);
  return {
    delivery: oneOf(d.delivery, DELIVERIES) ?? "accepted",
    events: num(d.events),
    caused: oneOf(d.sync, CAUSED),
    syncDueAt: due ? new Date(due) : null,
    skippedReason: str(d.skippedReason),
    repeats: num(d.repeats),
    reason: str(d.reason),
    deliveries: num(d.deliveries, 1),
    unmirrored: d.unmirrored === true,
  };
}
