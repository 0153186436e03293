import type { Metadata } from "next";
import Link from "next/link";
import { getDb } from "@/lib/db";
import { getAppUsage } from "@/lib/usage/read-model";
import { XERO_PLANS, PLANS } from "@/lib/usage/plans";
import { formatBytes, formatInt } from "../../_components/format";
import { Table, Td, Th } from "../../_components/table";
import { UsageBar } from "../../_components/usage-bar";
import { requireDashboardUser } from "../../_components/user";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Xero usage" };

const pct = (r: number | null) => (r === null ? "" : ` (${Math.floor(r * 100)} %)`);

/**
 * The app's spend of its Xero plan (XERO_PLAN): data received from Xero this month against the
 * plan's allowance, organisations connected against its cap, and the reader's organisations' calls
 * today against the daily quota.
 */
export default async function UsagePage() {
  const user = await requireDashboardUser("/settings/usage");
  const now = new Date();
  const usage = await getAppUsage(await getDb(), user, now);
  const { plan, egress, connections } = usage;
  return (
    <>
      <h1 className="text-2xl font-semibold tracking-tight text-ink">Xero usage</h1>
      <p className="mt-1 max-w-3xl text-sm text-slate-600">
        Xero prices its API by plan. This app is on <strong>{plan.label}</strong>: {formatInt(plan.connections)} connected organisations,{" "}
        {plan.egressBytesPerMonth === null ? "no stated data allowance" : `${formatBytes(plan.egressBytesPerMonth)} of data a month (then charged per GB)`} and{" "}
        {formatInt(plan.callsPerDayPerOrg)} calls a day per organisation. Figures count every call this app makes to Xero and the bytes it
        receives; months and days are UTC.
      </p>

      <section aria-label="This app" className="mt-5 grid gap-4 md:grid-cols-2">
        <div className="rounded-lg border border-slate-200 bg-white p-4 shadow-sm">
          <h2 className="text-sm font-medium text-slate-500">Data from Xero this month</h2>
          <p className="mt-1 text-2xl font-semibold text-ink">
            {formatBytes(egress.used)}
            {egress.limit !== null ? <span className="text-base font-normal text-slate-600"> of {formatBytes(egress.limit)}{pct(egress.ratio)}</span> : null}
          </p>
          <UsageBar meter={egress} label="Data this month of the plan's allowance" />
          <p className={`mt-2 text-xs ${egress.projectedWarning ? "font-medium text-amber-800" : "text-slate-500"}`}>
            At this month&apos;s rate: about {formatBytes(egress.projected ?? 0)} by the month&apos;s end
            {egress.projectedWarning ? ", over the allowance" : ""}.
          </p>
        </div>
        <div className="rounded-lg border border-slate-200 bg-white p-4 shadow-sm">
          <h2 className="text-sm font-medium text-slate-500">Connected organisations</h2>
          <p className="mt-1 text-2xl font-semibold text-ink">
            {formatInt(connections.used)}
            <span className="text-base font-normal text-slate-600">
              {" "}
              of {formatInt(plan.connections)}
              {pct(connections.ratio)}
            </span>
          </p>
          <UsageBar meter={connections} label="Connected organisations of the plan's cap" />
          <p className="mt-2 text-xs text-slate-500">Each organisation connected to the app counts once, whoever connected it.</p>
        </div>
      </section>

      <section aria-labelledby="orgs-today" className="mt-6">
        <h2 id="orgs-today" className="mb-2 text-base font-semibold text-ink">
          Your organisations today
        </h2>
        {usage.organisations.length ? (
          <Table caption="Calls today per organisation">
            <thead>
              <tr>
                <Th>Organisation</Th>
                <Th>Calls today</Th>
                <Th>Of {formatInt(plan.callsPerDayPerOrg)}</Th>
              </tr>
            </thead>
            <tbody>
              {usage.organisations.map((o) => (
                <tr key={o.id}>
                  <Td>
                    <Link href={`/dashboard/organisations/${o.id}`} className="text-brand-700 hover:underline">
                      {o.name}
                    </Link>
                  </Td>
                  <Td>
                    {formatInt(o.calls.quota.used)}
                    {o.calls.remaining !== null ? <span className="text-xs text-slate-500"> (Xero: {formatInt(o.calls.remaining)} left)</span> : null}
                  </Td>
                  <Td>
                    <span className={o.calls.quota.warning ? "font-medium text-amber-800" : undefined}>{Math.floor((o.calls.quota.ratio ?? 0) * 100)} %</span>
                    <UsageBar meter={o.calls.quota} label={`${o.name}: calls today of the daily quota`} />
                  </Td>
                </tr>
              ))}
            </tbody>
          </Table>
        ) : (
          <p className="text-sm text-slate-600">No organisation connected yet.</p>
        )}
      </section>

      <section aria-labelledby="change-plan" className="mt-6 rounded-lg border border-slate-200 bg-white p-4 text-sm text-slate-700 shadow-sm">
        <h2 id="change-plan" className="mb-1 text-base font-semibold text-ink">
          Changing plan
        </h2>
        <p>
          Change the plan at Xero (developer.xero.com, your app&apos;s plan), then set <code className="rounded bg-slate-100 px-1">XERO_PLAN</code> to
          match ({XERO_PLANS.map((p) => `${p} — ${formatInt(PLANS[p].connections)} connections`).join(", ")}) and restart. Warnings show from 80 % of a
          limit.
        </p>
      </section>
    </>
  );
}
