import { and, eq, sql, type SQL } from "drizzle-orm";
import { queryRows, type Db } from "@/lib/db";
import { xeroSessionSummaries, type XeroSessionKind } from "@/lib/db/schema";

/**
 * Retention of the xero_sessions log (SESSION_RETENTION_DAYS): rows older than the retention age
 * are rolled up into xero_session_summaries (per UTC day, user, tenant and kind: sessions by
 * outcome, API calls, records fetched / inserted / updated / unchanged) and deleted, in one
 * statement per batch, so the totals stay and no row is counted twice even when two processes
 * run it at once (a row is summarised by the statement that deletes it; others skip it). A
 * session still `running` is never deleted, however old.
 */

const BATCH = 5_000;

/** Rolls up and deletes sessions older than `olderThanDays`; returns how many rows went. */
export async function applySessionRetention(db: Db, olderThanDays: number, batchSize = BATCH): Promise<{ deleted: number }> {
  if (olderThanDays <= 0) return { deleted: 0 };
  let deleted = 0;
  for (;;) {
    const rows = await queryRows<{ deleted: number }>(
      db,
      sql`with gone as (
        delete from xero_sessions where id in (
          select id from xero_sessions
          where started_at < now() - ${olderThanDays} * interval '1 day' and outcome <> 'running'
          order by started_at limit ${batchSize} for update skip locked)
        returning *
      ), rolled as (
        insert into xero_session_summaries as s (day, user_id, tenant_id, tenant_name, kind, sessions, succeeded, failed, rate_limited, cancelled,
          api_calls, records_fetched, records_inserted, records_updated, records_unchanged)
        select (g.started_at at time zone 'UTC')::date, g.user_id, g.tenant_id, max(coalesce(t.name, g.detail->>'tenantName')), g.kind,
          count(*), count(*) filter (where g.outcome = 'success'), count(*) filter (where g.outcome = 'error'),
          count(*) filter (where g.outcome = 'rate_limited'), count(*) filter (where g.outcome = 'cancelled'),
          sum(g.api_calls), sum(g.records_fetched), sum(g.records_inserted), sum(g.records_updated), sum(g.records_unchanged)
        from gone g left join xero_tenants t on t.id = g.tenant_id
        group by 1, 2, 3, 5
        on conflict (day, user_id, tenant_id, kind) do update set
          tenant_name = coalesce(excluded.tenant_name, s.tenant_name),
          sessions = s.sessions + excluded.sessions, succeeded = s.succeeded + excluded.succeeded, failed = s.failed + excluded.failed,
          rate_limited = s.rate_limited + excluded.rate_limited, cancelled = s.cancelled + excluded.cancelled,
          api_calls = s.api_calls + excluded.api_calls, records_fetched = s.records_fetched + excluded.records_fetched,
          records_inserted = s.records_inserted + excluded.records_inserted, records_updated = s.records_updated + excluded.records_updated,
          records_unchanged = s.records_unchanged + excluded.records_unchanged
        returning 1
      )
      select (select count(*) from gone)::int as deleted, (select count(*) from rolled)::int as groups`,
    );
    const n = Number(rows[0]?.deleted ?? 0);
    deleted += n;
    if (n < batchSize) return { deleted };
  }
}

export interface OlderActivity {
  kind: XeroSessionKind;
  firstDay: string;
  lastDay: string;
  sessions: number;
  succeeded: number;
  failed: number;
  rateLimited: number;
  cancelled: number;
  apiCalls: number;
  recordsFetched: number;
  recordsInserted: number;
  recordsUpdated: number;
  recordsUnchanged: number;
}

/**
 * Totals per kind of the user's sessions that retention has summarised, for the history page's
 * "older activity" (filtered like the history: by organisation, by kind). Webhook deliveries of no
 * user are counted for everyone, as the history shows them.
 */
export async function getOlderActivity(db: Db, userId: string, filter: { tenant?: string; kind?: XeroSessionKind } = {}): Promise<OlderActivity[]> {
  const s = xeroSessionSummaries;
  const owner: SQL = filter.tenant || (filter.kind && filter.kind !== "webhook") ? eq(s.userId, userId) : sql`(${s.userId} = ${userId} or (${s.userId} is null and ${s.kind} = 'webhook'))`;
  const conds: SQL[] = [owner];
  if (filter.tenant) conds.push(eq(s.tenantId, filter.tenant));
  if (filter.kind) conds.push(eq(s.kind, filter.kind));
  const rows = await db
    .select({
      kind: s.kind,
      firstDay: sql<string>`min(${s.day})::text`,
      lastDay: sql<string>`max(${s.day})::text`,
      sessions: sql<number>`sum(${s.sessions})::int`,
      succeeded: sql<number>`sum(${s.succeeded})::int`,
      failed: sql<number>`sum(${s.failed})::int`,
      rateLimited: sql<number>`sum(${s.rateLimited})::int`,
      cancelled: sql<number>`sum(${s.cancelled})::int`,
      apiCalls: sql<number>`sum(${s.apiCalls})::bigint`,
      recordsFetched: sql<number>`sum(${s.recordsFetched})::bigint`,
      recordsInserted: sql<number>`sum(${s.recordsInserted})::bigint`,
      recordsUpdated: sql<number>`sum(${s.recordsUpdated})::bigint`,
      recordsUnchanged: sql<number>`sum(${s.recordsUnchanged})::bigint`,
    })
    .from(s)
    .where(and(...conds))
    .groupBy(s.kind)
    .orderBy(s.kind);
  return rows.map((r) => ({
    ...r,
    sessions: Number(r.sessions),
    succeeded: Number(r.succeeded),
    failed: Number(r.failed),
    rateLimited: Number(r.rateLimited),
    cancelled: Number(r.cancelled),
    apiCalls: Number(r.apiCalls),
    recordsFetched: Number(r.recordsFetched),
    recordsInserted: Number(r.recordsInserted),
    recordsUpdated: Number(r.recordsUpdated),
    recordsUnchanged: Number(r.recordsUnchanged),
  }));
}
