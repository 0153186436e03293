import type { Metadata } from "next";
import Link from "next/link";
import { requireDashboardUser } from "../_components/user";
import { getDb } from "@/lib/db";
import { getEnv } from "@/lib/env";
import { entity, entitySlug } from "@/lib/entities/registry";
import { getOverview } from "@/lib/overview/read-model";
import { byAttention, type TenantSyncStatus } from "@/lib/overview/sync-status";
import type { RawSearchParams } from "@/lib/lists/search-params";
import { Badge } from "../_components/badges";
import { formatInt, formatUtc } from "../_components/format";
import { Table, Td, Th } from "../_components/table";
import { RelativeTime } from "../_components/time";
import { AgingChart, MonthlyChart } from "./charts";
import { DisconnectForm } from "./disconnect-form";
import { toProgressView, type ProgressView } from "./progress-view";
import { ScopeNotices } from "./scope-notices";
import { SyncPanel } from "./sync-panel";
import { JobsPanel } from "./jobs-panel";
import { getJobMetrics } from "@/lib/jobs/metrics";
import { syncJobsUrl } from "@/lib/jobs/mode";
import { YourData } from "./your-data";
import { UsageNotices } from "./usage-notices";
import { HealthBadge } from "./health-badge";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Overview" };

const CONNECT_HREF = "/api/xero/connect";

function StateBadge({ org, now }: { org: TenantSyncStatus; now: Date }) {
  switch (org.state) {
    case "syncing":
      return <Badge color="blue">Syncing</Badge>;
    case "rate_limited":
      return (
        <Badge color="amber" title={org.rateLimitedUntil ? formatUtc(org.rateLimitedUntil) : undefined}>
          Rate limited{org.rateLimitedUntil ? <>&nbsp;until {org.rateLimitedUntil.toISOString().slice(11, 16)} UTC{org.rateLimitedUntil.getTime() - now.getTime() > 86400_000 ? ` ${org.rateLimitedUntil.toISOString().slice(0, 10)}` : ""}</> : null}
        </Badge>
      );
    case "needs_reconnect":
      return <Badge color="red">Needs reconnect</Badge>;
    case "disconnected":
      return <Badge>Disconnected</Badge>;
    default:
      return <Badge color="green">Active</Badge>;
  }
}

function progressView(org: TenantSyncStatus): ProgressView {
  return toProgressView(org.state, org.lastRun);
}

export default async function OverviewPage({ searchParams }: { searchParams: Promise<RawSearchParams> }) {
  const user = await requireDashboardUser("/dashboard");
  const sp = await searchParams;
  const db = await getDb();
  const now = new Date();
  const interval = getEnv().SYNC_INTERVAL_MINUTES;
  const { orgs, aging, monthly } = await getOverview(db, user, now);
  const jobs = syncJobsUrl() ? await getJobMetrics(db, { nextRunsLimit: 0 }).catch(() => null) : null;
  const connected = orgs.filter((o) => o.state !== "disconnected");
  // Right after Connect Xero (the callback adds ?connected and starts the first syncs): what each new
  // organisation's first sync is doing, as the sync engine reports it, until every one has landed.
  const granted = typeof sp.connected === "string" && /^\d{1,3}$/.test(sp.connected) ? Number(sp.connected) : 0;
  const firstSyncs = firstSyncStates(granted, orgs);
  const connectedFlag = granted > 0 && firstSyncs.pending.length > 0;

  if (orgs.length === 0) {
    return (
      <div className="mx-auto max-w-2xl py-10 text-center">
        <span aria-hidden="true" className="mx-auto flex h-12 w-12 items-center justify-center rounded-xl bg-brand-50 text-2xl text-brand-700">
          ⇄
        </span>
        <h1 className="mt-4 text-2xl font-semibold tracking-tight text-ink">Connect Xero to start</h1>
        <p className="mt-2 text-slate-600">
          Choose one or more Xero organisations. Their invoices and contacts are copied here and kept up to date
          {interval > 0 ? ` every ${interval} minutes` : ""}; only what changed is fetched.
        </p>
        <a href={CONNECT_HREF} className="mt-6 inline-flex rounded-md bg-brand-700 px-5 py-3 text-base font-semibold text-white shadow-sm hover:bg-brand-600">
          Connect Xero
        </a>
        <p className="mt-3 text-xs text-slate-500">You will be asked to sign in to Xero and pick the organisations to share. Read-only access.</p>
      </div>
    );
  }

  return (
    <>
      <div className="mb-5 flex flex-wrap items-center justify-between gap-3">
        <div>
          <h1 className="text-2xl font-semibold tracking-tight text-ink">Overview</h1>
          <p className="mt-1 text-sm text-slate-600">
            {connected.length === 1 ? "1 organisation" : `${connected.length} organisations`} connected
            {interval > 0 ? ` · synced automatically every ${interval} minutes` : " · automatic syncing is off"}
          </p>
        </div>
        <a href={CONNECT_HREF} className="rounded-md border border-slate-300 bg-white px-3 py-2 text-sm font-medium text-slate-700 shadow-sm hover:bg-slate-50">
          + Connect Xero
        </a>
      </div>
      {connectedFlag ? (
        <p role="status" className="mb-4 rounded-md border border-emerald-200 bg-emerald-50 px-3 py-2 text-sm text-emerald-900">
          Xero connected. First syncs, one organisation after another:{" "}
          {firstSyncs.pending.map((f, i) => (
            <span key={f.name}>
              {i > 0 ? " · " : ""}
              {f.name} {FIRST_SYNC_LABEL[f.state]}
            </span>
          ))}
          {firstSyncs.done > 0 ? ` · ${firstSyncs.done} done` : ""}.
        </p>
      ) : null}

      {jobs ? <JobsPanel jobs={jobs} /> : null}
      <ScopeNotices userId={user.id} />
      <UsageNotices reader={user} now={now} />
      <section aria-label="Organisations" className="space-y-4">
        {[...orgs].sort(byAttention).map((org) => (
          <article key={org.id} className="rounded-lg border border-slate-200 bg-white shadow-sm" aria-labelledby={`org-${org.id}`}>
            <div className="flex flex-wrap items-start justify-between gap-4 border-b border-slate-100 p-4">
              <div className="min-w-0">
                <div className="flex flex-wrap items-center gap-2">
                  <h2 id={`org-${org.id}`} className="truncate text-lg font-semibold text-ink">
                    <Link href={`/dashboard/organisations/${org.id}`} className="hover:underline">
                      {org.name}
                    </Link>
                  </h2>
                  <StateBadge org={org} now={now} />
                  <HealthBadge org={org} />
                </div>
                <p className="mt-1 text-xs text-slate-500">
                  Connected <RelativeTime date={org.connectedAt} now={now} />
                  {org.statusReason && org.state !== "active" ? <> · {org.statusReason}</> : null}
                </p>
                {org.state === "needs_reconnect" ? (
                  <a href={CONNECT_HREF} className="mt-2 inline-block text-sm font-semibold text-red-700 hover:underline">
                    Reconnect to Xero →
                  </a>
                ) : null}
              </div>
              <SyncPanel key={`${org.lastRun?.sessionId ?? "none"}:${org.state}`} tenantId={org.id} name={org.name} initial={progressView(org)} canSync={org.state === "active" || org.state === "syncing"} />
            </div>
            <div className="p-4">
              <Table caption={`Sync status of ${org.name}`}>
                <thead>
                  <tr>
                    <Th>Entity</Th>
                    <Th align="right">Records held</Th>
                    <Th>Last successful sync</Th>
                    <Th>Next scheduled sync</Th>
                    <Th>Last error</Th>
                  </tr>
                </thead>
                <tbody className="divide-y divide-slate-100">
                  {org.entities.map((e) => (
                    <tr key={e.entity}>
                      <Td className="font-medium">
                        <Link href={`/${entitySlug(entity(e.entity))}?org=${org.id}`} className="text-brand-700 hover:underline">
                          {entity(e.entity).label}
                        </Link>
                      </Td>
                      <Td align="right">{formatInt(e.records)}</Td>
                      <Td>
                        <RelativeTime date={e.lastSuccessAt} now={now} empty="not yet" />
                      </Td>
                      <Td>
                        {org.nextSyncAt ? (
                          org.nextSyncAt <= now ? (
                            <span className="text-slate-600">due now</span>
                          ) : (
                            <RelativeTime date={org.nextSyncAt} now={now} />
                          )
                        ) : (
                          <span className="text-slate-500">{org.state === "syncing" ? "running now" : "—"}</span>
                        )}
                      </Td>
                      <Td className="max-w-[22rem] truncate text-xs text-red-800">
                        {e.unavailableReason ? (
                          <span className="text-amber-800" title={e.unavailableReason}>
                            {e.unavailableReason}
                          </span>
                        ) : e.lastError && (!e.lastSuccessAt || (e.lastErrorAt && e.lastErrorAt > e.lastSuccessAt)) ? (
                          <span title={e.lastError}>{e.lastError}</span>
                        ) : null}
                      </Td>
                    </tr>
                  ))}
                </tbody>
              </Table>
              {org.state !== "disconnected" ? (
                <div className="mt-3 flex justify-end">
                  <DisconnectForm tenantId={org.id} name={org.name} />
                </div>
              ) : null}
            </div>
          </article>
        ))}
      </section>

      <YourData reader={user} />

      <section aria-label="Charts" className="mt-6 grid gap-4 lg:grid-cols-2">
        <div className="rounded-lg border border-slate-200 bg-white p-4 shadow-sm">
          <h2 className="text-base font-semibold text-ink">Receivables by age</h2>
          <p className="mb-4 text-xs text-slate-500">Unpaid sales invoices by days past their due date{aging[0] ? `, ${aging[0].currency}` : ""}</p>
          {aging[0] ? <AgingChart series={aging[0]} /> : <p className="text-sm text-slate-600">Nothing is owed to you right now.</p>}
          {aging.length > 1 ? <p className="mt-2 text-xs text-slate-500">Also owed in {aging.slice(1).map((a) => a.currency).join(", ")}: see Invoices.</p> : null}
        </div>
        <div className="rounded-lg border border-slate-200 bg-white p-4 shadow-sm">
          <h2 className="text-base font-semibold text-ink">Invoiced vs paid</h2>
          <p className="mb-2 text-xs text-slate-500">Sales invoices by invoice date, and amounts paid by the date they were settled, last 12 months{monthly[0] ? `, ${monthly[0].currency}` : ""}</p>
          {monthly[0] ? <MonthlyChart series={monthly[0]} /> : <p className="text-sm text-slate-600">No sales invoices in the last 12 months.</p>}
        </div>
      </section>
    </>
  );
}

const FIRST_SYNC_LABEL = { queued: "queued", syncing: "syncing now", failed: "failed (see Sync history)", waiting: "waits for the schedule" } as const;

/**
 * The first syncs after Connect Xero, as the sync status reports them: each organisation without a
 * successful sync yet (queued, syncing, failed, or left to the schedule), and how many of the
 * `granted` organisations are done.
 */
function firstSyncStates(granted: number, orgs: TenantSyncStatus[]): { pending: { name: string; state: keyof typeof FIRST_SYNC_LABEL }[]; done: number } {
  const pending = orgs.flatMap((o) => {
    const synced = o.entities.some((e) => e.lastSuccessAt);
    if (synced && !o.running) return [];
    const last = o.lastRun?.outcome;
    const state: keyof typeof FIRST_SYNC_LABEL = o.running ? "syncing" : o.queued ? "queued" : last && last !== "running" && last !== "success" ? "failed" : "waiting";
    return [{ name: o.name, state }];
  });
  return { pending, done: Math.max(0, granted - pending.length) };
}
