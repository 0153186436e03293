/**
 * The sync queue's health, read from pg-boss's own table (pgboss.job; pinned pg-boss 10) and
 * xero_tenants: for the overview's panel, /api/health and /api/metrics. One query each.
 * pg-boss keeps finished jobs for 12 hours before archiving them, so "failed" and "retried"
 * count those of about the last 12 hours.
 */
import { and, asc, eq, isNotNull, sql } from "drizzle-orm";
import { queryRows, type Db } from "@/lib/db";
import { xeroTenants } from "@/lib/db/schema";
import { SYNC_QUEUE } from "./queue";

export interface JobMetrics {
  /** Waiting to run now (created or retrying, start time reached). */
  queued: number;
  /** Waiting for a later start (retry backoff, a daily limit's reset). */
  deferred: number;
  running: number;
  failed: number;
  retried: number;
  /** Age of the oldest job waiting to run now; 0 when none waits. */
  oldestWaitingSeconds: number;
  /** The schedule's next run of each active organisation, soonest first. */
  nextRuns: { tenantId: string; name: string; nextSyncAt: Date }[];
}

/** True once pg-boss made its schema here (a worker or the app started on this database). */
async function hasBossSchema(db: Db): Promise<boolean> {
  const [row] = await queryRows<{ present: boolean }>(db, sql`select to_regclass('pgboss.job') is not null as present`);
  return Boolean(row?.present);
}

export async function getJobMetrics(db: Db, options: { nextRunsLimit?: number } = {}): Promise<JobMetrics> {
  const counts = (await hasBossSchema(db))
    ? await queryRows<{ queued: number; deferred: number; running: number; failed: number; retried: number; oldest: number | null }>(
        db,
        sql`select
              count(*) filter (where state in ('created', 'retry') and start_after <= now())::int as queued,
              count(*) filter (where state in ('created', 'retry') and start_after > now())::int as deferred,
              count(*) filter (where state = 'active')::int as running,
              count(*) filter (where state = 'failed')::int as failed,
              count(*) filter (where retry_count > 0)::int as retried,
              extract(epoch from now() - min(created_on) filter (where state in ('created', 'retry') and start_after <= now()))::float8 as oldest
            from pgboss.job where name = ${SYNC_QUEUE}`,
      )
    : [];
  const c = counts[0];
  const nextRuns = await db
    .select({ tenantId: xeroTenants.id, name: xeroTenants.name, nextSyncAt: xeroTenants.nextSyncAt })
    .from(xeroTenants)
    .where(and(eq(xeroTenants.status, "active"), isNotNull(xeroTenants.nextSyncAt)))
    .orderBy(asc(xeroTenants.nextSyncAt))
    .limit(options.nextRunsLimit ?? 1000);
  return {
    queued: c?.queued ?? 0,
    deferred: c?.deferred ?? 0,
    running: c?.running ?? 0,
    failed: c?.failed ?? 0,
    retried: c?.retried ?? 0,
    oldestWaitingSeconds: Math.max(0, Math.round(c?.oldest ?? 0)),
    nextRuns: nextRuns.map((r) => ({ tenantId: r.tenantId, name: r.name, nextSyncAt: r.nextSyncAt! })),
  };
}

/** Of these tenants, those with a sync job waiting to run now (shown as queued). */
export async function listQueuedTenantIds(db: Db, tenantIds: string[]): Promise<Set<string>> {
  if (tenantIds.length === 0 || !(await hasBossSchema(db))) return new Set();
  const rows = await queryRows<{ key: string }>(
    db,
    sql`select distinct singleton_key as key from pgboss.job
        where name = ${SYNC_QUEUE} and state in ('created', 'retry') and start_after <= now()
          and singleton_key in (${sql.join(tenantIds.map((id) => sql`${id}`), sql`, `)})`,
  );
  return new Set(rows.map((r) => r.key));
}
