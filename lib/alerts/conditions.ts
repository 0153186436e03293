/**
 * The alerts of one user, computed from the database as it stands: nothing is stored to show
 * them (lib/alerts/transitions.ts remembers which were open, for the webhook). Scoped to the
 * user's organisations; the plan-wide ones (this month's data, connections) concern the whole
 * app and are shown to everyone who has an organisation connected, without naming anyone's.
 */
import { sql } from "drizzle-orm";
import { queryRows, type Db } from "@/lib/db";
import { getEnv } from "@/lib/env";
import { logServerError } from "@/lib/log";
import { planNamed, USAGE_WARNING_RATIO, type XeroPlan } from "@/lib/usage/plans";
import { compareAlerts, type Alert } from "./kinds";

/** Xero refresh tokens die after 60 days unused: warn with two weeks to spare. */
export const REFRESH_TOKEN_WARNING_DAYS = 45;
const DAY_MS = 86_400_000;

export const RECONNECT_HREF = "/api/xero/connect";
export const USAGE_HREF = "/settings/usage";
export const organisationHref = (tenantId: string) => `/dashboard/organisations/${tenantId}`;
export const historyHref = (tenantId: string) => `/history?org=${tenantId}`;

export interface AlertOptions {
  now?: Date;
  /** Default: XERO_PLAN. */
  plan?: XeroPlan;
}

type Ms = number | null;

interface TenantRow extends Record<string, unknown> {
  id: string;
  name: string;
  tenant_status: string;
  tenant_reason: string | null;
  xero_tenant_id: string;
  rate_limited_until: Ms;
  connection_status: string;
  connection_reason: string | null;
  connection_updated: Ms;
  refresh_issued: Ms;
  last_outcome: string | null;
  last_error: string | null;
  last_started: Ms;
  failing_since: Ms;
}

const epochMs = (column: string) => sql.raw(`(extract(epoch from ${column}) * 1000)::float8`);
const date = (ms: Ms) => (ms === null || ms === undefined ? null : new Date(Number(ms)));
const percent = (ratio: number) => Math.floor(ratio * 100);
/** A stored message without its final full stop, to end a sentence of ours. */
const sentence = (message: string) => message.trim().replace(/\.+$/, "");
const formatInt = (n: number) => n.toLocaleString("en-GB");
const formatGb = (bytes: number) => `${(bytes / 1024 ** 3).toFixed(1)} GB`;

/** Every alert of the user now, errors first (compareAlerts). */
export async function computeAlerts(db: Db, userId: string, options: AlertOptions = {}): Promise<Alert[]> {
  const now = options.now ?? new Date();
  const plan = options.plan ?? planNamed(getEnv().XERO_PLAN);
  const today = now.toISOString().slice(0, 10);
  const dayStart = new Date(`${today}T00:00:00Z`);
  const monthStart = `${today.slice(0, 7)}-01`;

  const tenants = await queryRows<TenantRow>(
    db,
    sql`select t.id::text as id, t.name, t.status as tenant_status, t.status_reason as tenant_reason, t.xero_tenant_id,
          ${epochMs("t.rate_limited_until")} as rate_limited_until,
          c.status as connection_status, c.status_reason as connection_reason,
          ${epochMs("c.updated_at")} as connection_updated, ${epochMs("c.refresh_token_issued_at")} as refresh_issued,
          last.outcome as last_outcome, last.error as last_error, ${epochMs("last.started_at")} as last_started,
          -- Only for an organisation whose latest run failed: the menu's count runs on every page.
          case when last.outcome = 'error' then
            (select ${epochMs("f.started_at")} from xero_sessions f
              where f.tenant_id = t.id and f.kind = 'sync' and f.outcome = 'error'
                and f.started_at > coalesce((select s.started_at from xero_sessions s
                                             where s.tenant_id = t.id and s.kind = 'sync' and s.outcome = 'success'
                                             order by s.started_at desc nulls last limit 1), '-infinity')
              order by f.started_at asc nulls first limit 1) end as failing_since
        from xero_tenants t
        join xero_connections c on c.id = t.connection_id
        left join lateral (
          select s.outcome, s.error, s.started_at from xero_sessions s
          where s.tenant_id = t.id and s.kind = 'sync' and s.outcome <> 'running'
          -- Orders as xero_sessions_tenant_started_idx (desc nulls last) or its reverse, so the index gives the order.
          order by s.started_at desc nulls last limit 1
        ) last on true
        where t.user_id = ${userId} and t.status <> 'disconnected'
        order by t.name, t.id`,
  );
  if (tenants.length === 0) return [];

  const [entityErrors, usage, [app]] = await Promise.all([
    queryRows<{ tenant_id: string; entity: string; last_error: string | null; last_error_at: Ms }>(
      db,
      sql`select c.tenant_id::text as tenant_id, c.entity, c.last_error, ${epochMs("c.last_error_at")} as last_error_at
          from sync_cursors c join xero_tenants t on t.id = c.tenant_id
          where t.user_id = ${userId} and t.status <> 'disconnected' and c.disabled_at is null
            and c.last_error_at is not null and (c.last_success_at is null or c.last_error_at > c.last_success_at)
          order by c.last_error_at`,
    ),
    queryRows<{ xero_tenant_id: string; calls: number; remaining: number | null; seen: Ms }>(
      db,
      sql`select u.xero_tenant_id, max(u.calls)::int as calls,
            min(u.day_limit_remaining) filter (where u.day_limit_seen_at >= ${dayStart.toISOString()}::timestamptz)::int as remaining,
            ${epochMs("max(u.day_limit_seen_at)")} as seen
          from xero_usage_days u
          where u.day = ${today}::date
            and u.xero_tenant_id in (select t.xero_tenant_id from xero_tenants t where t.user_id = ${userId} and t.status <> 'disconnected')
          group by u.xero_tenant_id`,
    ),
    // Xero counts the plan per app: every user's organisations and calls together.
    queryRows<{ bytes: number; connections: number }>(
      db,
      sql`select (select coalesce(sum(u.bytes), 0)::float8 from xero_usage_days u where u.day >= ${monthStart}::date and u.day <= ${today}::date) as bytes,
                 (select count(distinct t.xero_tenant_id)::int from xero_tenants t where t.status <> 'disconnected') as connections`,
    ),
  ]);

  const alerts: Alert[] = [];
  const usageByXeroTenant = new Map(usage.map((u) => [u.xero_tenant_id, u]));
  for (const t of tenants) {
    const organisation = { id: t.id, name: t.name };
    const reconnect = t.tenant_status === "needs_reconnect" || t.connection_status !== "active";
    if (reconnect) {
      alerts.push({
        key: `needs_reconnect:${t.id}`,
        kind: "needs_reconnect",
        severity: "error",
        title: `${t.name} needs reconnecting`,
        detail: t.tenant_reason ?? t.connection_reason ?? "Xero no longer accepts this connection's authorisation, so its syncs are stopped.",
        fix: { text: "Reconnect and allow access again in Xero: syncing resumes from where it stopped, nothing is lost.", href: RECONNECT_HREF, label: "Reconnect to Xero" },
        organisation,
        since: date(t.connection_status !== "active" ? t.connection_updated : t.last_started),
      });
      continue; // nothing else about it can be fixed before that
    }

    const failingEntities = entityErrors.filter((e) => e.tenant_id === t.id);
    if (t.last_outcome === "error" || failingEntities.length) {
      // The run's error often is an entity's own: said once.
      const others = failingEntities.filter((e) => t.last_outcome !== "error" || e.last_error !== t.last_error);
      const parts = others.slice(0, 3).map((e) => `${e.entity}: ${sentence(e.last_error ?? "failed")}`);
      if (others.length > 3) parts.push(`and ${others.length - 3} more`);
      const since = Math.min(...[t.failing_since, ...failingEntities.map((e) => e.last_error_at)].filter((v): v is number => v !== null && v !== undefined));
      alerts.push({
        key: `sync_failing:${t.id}`,
        kind: "sync_failing",
        severity: "error",
        title: `Syncs of ${t.name} are failing`,
        detail: t.last_outcome === "error" ? `The latest sync failed: ${sentence(t.last_error ?? "see Sync history")}.${parts.length ? ` ${parts.join("; ")}.` : ""}` : `${parts.join("; ")}.`,
        fix: {
          text: "See what failed in Sync history. A failure on Xero's side clears with the next sync (scheduled, or Sync now on the overview); one that repeats names what to change.",
          href: historyHref(t.id),
          label: "Sync history",
        },
        organisation,
        since: Number.isFinite(since) ? new Date(since) : null,
      });
    }

    const until = date(t.rate_limited_until);
    if (until && until > now) {
      alerts.push({
        key: `rate_limited:${t.id}`,
        kind: "rate_limited",
        severity: "error",
        title: `${t.name} reached Xero's daily limit`,
        detail: `Xero allows ${formatInt(plan.callsPerDayPerOrg)} calls a day per organisation on the ${plan.label} plan; syncs of ${t.name} stop until ${until.toISOString().replace("T", " ").slice(0, 16)} UTC.`,
        fix: { text: "Syncs resume by themselves then. To stay under the limit, sync it less often or turn off entities you do not need.", href: organisationHref(t.id), label: "Organisation settings" },
        organisation,
        since: t.last_outcome === "rate_limited" ? date(t.last_started) : null,
      });
    } else {
      const day = usageByXeroTenant.get(t.xero_tenant_id);
      if (day) {
        const used = Math.max(day.calls, day.remaining === null || day.remaining === undefined ? 0 : plan.callsPerDayPerOrg - day.remaining);
        const ratio = used / plan.callsPerDayPerOrg;
        if (ratio >= USAGE_WARNING_RATIO) {
          alerts.push({
            key: `quota_80:${t.id}`,
            kind: "quota_80",
            severity: "warning",
            title: `${t.name} has used ${percent(ratio)} % of today's Xero calls`,
            detail: `${formatInt(used)} of ${formatInt(plan.callsPerDayPerOrg)} calls today (UTC) on the ${plan.label} plan; at the limit its syncs stop until Xero's day turns.`,
            fix: { text: "Sync it less often or turn off entities you do not need on its page; Usage shows where the calls go.", href: organisationHref(t.id), label: "Organisation settings" },
            organisation,
            since: date(day.seen) ?? dayStart,
          });
        }
      }
    }

    const issued = date(t.refresh_issued);
    if (issued && now.getTime() - issued.getTime() >= REFRESH_TOKEN_WARNING_DAYS * DAY_MS) {
      const days = Math.floor((now.getTime() - issued.getTime()) / DAY_MS);
      alerts.push({
        key: `refresh_token_old:${t.id}`,
        kind: "refresh_token_old",
        severity: "warning",
        title: `${t.name}'s Xero authorisation is ${days} days old`,
        detail: `Xero's refresh tokens die after 60 days unused; this one was issued on ${issued.toISOString().slice(0, 10)}. Once it dies only a reconnect brings the organisation back.`,
        fix: { text: "Sync the organisation now: the sync renews the token. If that fails, reconnect.", href: organisationHref(t.id), label: "Organisation page" },
        organisation,
        since: new Date(issued.getTime() + REFRESH_TOKEN_WARNING_DAYS * DAY_MS),
      });
    }
  }

  if (app && plan.egressBytesPerMonth !== null) {
    const ratio = Number(app.bytes) / plan.egressBytesPerMonth;
    if (ratio >= USAGE_WARNING_RATIO) {
      alerts.push({
        key: "egress_80",
        kind: "egress_80",
        severity: "warning",
        title: `Data from Xero this month is at ${percent(ratio)} % of the plan's allowance`,
        detail: `${formatGb(Number(app.bytes))} of the ${formatGb(plan.egressBytesPerMonth)} the ${plan.label} plan includes each month (UTC); past it Xero charges per GB.`,
        fix: { text: "Usage shows which organisations and entities use the most; sync them less often or turn off what you do not need.", href: USAGE_HREF, label: "Usage" },
        organisation: null,
        since: null,
      });
    }
  }
  if (app && app.connections / plan.connections >= USAGE_WARNING_RATIO) {
    alerts.push({
      key: "connections_80",
      kind: "connections_80",
      severity: "warning",
      title: `${app.connections} of the plan's ${plan.connections} organisations are connected`,
      detail: `The ${plan.label} plan allows ${formatInt(plan.connections)} connected organisations for this app; Connect Xero fails past that.`,
      fix: { text: "Disconnect organisations nobody syncs any more, or move the app to a larger Xero plan.", href: USAGE_HREF, label: "Usage" },
      organisation: null,
      since: null,
    });
  }
  return alerts.sort(compareAlerts);
}

/** How many alerts the user has (the menu's count); 0 when they cannot be read, so no page fails for it. */
export async function countAlerts(db: Db, userId: string): Promise<number> {
  try {
    return (await computeAlerts(db, userId)).length;
  } catch (error) {
    logServerError("alert count", error);
    return 0;
  }
}
