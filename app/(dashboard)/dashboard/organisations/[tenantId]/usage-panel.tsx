import Link from "next/link";
import { getDb } from "@/lib/db";
import type { TenantSyncStatus } from "@/lib/overview/sync-status";
import { getOrgUsage } from "@/lib/usage/read-model";
import { formatBytes, formatInt, formatUtc } from "../../../_components/format";
import { UsageBar } from "../../../_components/usage-bar";
import { TokenCountdown } from "../../token-countdown";

/**
 * What this organisation spends of the Xero plan: calls today against its daily quota (ours, and
 * Xero's own count when it reported one today), bytes received today and this month, and how long
 * its Xero access lasts unused.
 */
export async function UsagePanel({ org, now }: { org: TenantSyncStatus; now: Date }) {
  const usage = await getOrgUsage(await getDb(), org, now);
  const { calls, plan } = usage;
  return (
    <section aria-labelledby="usage-heading" className="rounded-lg border border-slate-200 bg-white p-4 shadow-sm">
      <div className="flex flex-wrap items-baseline justify-between gap-2">
        <h2 id="usage-heading" className="text-base font-semibold text-ink">
          Xero usage
        </h2>
        <Link href="/settings/usage" className="text-sm text-brand-700 hover:underline">
          {plan.label} plan · the app&apos;s usage →
        </Link>
      </div>
      {usage.token?.warning && org.connectionStatus === "active" ? (
        <div className="mt-3">
          <TokenCountdown orgs={[{ id: org.id, name: org.name, token: usage.token }]} linkToOrg={false} />
        </div>
      ) : null}
      <dl className="mt-3 grid gap-4 sm:grid-cols-3">
        <div>
          <dt className="text-xs font-medium uppercase tracking-wide text-slate-500">Calls today</dt>
          <dd className="mt-1 text-sm text-ink">
            <span className="text-lg font-semibold">{formatInt(calls.quota.used)}</span> of {formatInt(plan.callsPerDayPerOrg)}
            <UsageBar meter={calls.quota} label="Calls today of the daily quota" />
            <p className="mt-1 text-xs text-slate-500">
              {formatInt(calls.ours)} sent by this app
              {calls.remaining !== null && calls.remainingSeenAt ? ` · Xero said ${formatInt(calls.remaining)} left at ${formatUtc(calls.remainingSeenAt)}` : ""}
              {calls.quota.warning ? " · over 80 % of the day's quota" : ""}
            </p>
          </dd>
        </div>
        <div>
          <dt className="text-xs font-medium uppercase tracking-wide text-slate-500">Data received today</dt>
          <dd className="mt-1 text-lg font-semibold text-ink">{formatBytes(usage.bytesToday)}</dd>
        </div>
        <div>
          <dt className="text-xs font-medium uppercase tracking-wide text-slate-500">This month</dt>
          <dd className="mt-1 text-lg font-semibold text-ink">{formatBytes(usage.bytesThisMonth)}</dd>
        </div>
      </dl>
      {usage.token && !usage.token.warning ? (
        <p className="mt-3 text-xs text-slate-500">
          Xero access lasts {usage.token.daysLeft} more days unused; every sync and the hourly keep-alive renew it.
        </p>
      ) : null}
    </section>
  );
}
