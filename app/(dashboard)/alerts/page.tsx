import type { Metadata } from "next";
import Link from "next/link";
import { computeAlerts } from "@/lib/alerts/conditions";
import { ALERT_KIND_LABELS } from "@/lib/alerts/kinds";
import { getDb } from "@/lib/db";
import { Badge } from "../_components/badges";
import { RelativeTime } from "../_components/time";
import { requireDashboardUser } from "../_components/user";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Alerts" };

/** What needs attention across the user's organisations, errors first, each with how to fix it. */
export default async function AlertsPage() {
  const user = await requireDashboardUser("/alerts");
  const now = new Date();
  const alerts = await computeAlerts(await getDb(), user.id, { now });
  const errors = alerts.filter((a) => a.severity === "error").length;
  return (
    <>
      <div className="flex flex-wrap items-end justify-between gap-3">
        <div>
          <h1 className="text-2xl font-semibold tracking-tight text-ink">Alerts</h1>
          <p className="mt-1 max-w-3xl text-sm text-slate-600">
            Errors and warnings about your organisations&apos; syncs and Xero&apos;s plan limits, as they stand now. Each says how to fix it.
          </p>
        </div>
        <Link href="/settings/alerts" className="text-sm font-semibold text-brand-700 hover:underline">
          Send alerts to a webhook →
        </Link>
      </div>

      {alerts.length === 0 ? (
        <section aria-label="No alerts" className="mt-6 rounded-lg border border-slate-200 bg-white p-6 text-sm text-slate-700 shadow-sm">
          <p className="font-medium text-ink">Nothing needs your attention.</p>
          <p className="mt-1">Syncs are succeeding, every connection is authorised and Xero&apos;s limits are under 80 %.</p>
        </section>
      ) : (
        <>
          <p className="mt-4 text-sm text-slate-700" role="status">
            {errors} {errors === 1 ? "error" : "errors"}, {alerts.length - errors} {alerts.length - errors === 1 ? "warning" : "warnings"}
          </p>
          <ul aria-label="Alerts" className="mt-2 space-y-3">
            {alerts.map((a) => (
              <li
                key={a.key}
                data-testid="alert"
                data-kind={a.kind}
                aria-labelledby={`alert-${a.key}`}
                className={`rounded-lg border bg-white p-4 shadow-sm ${a.severity === "error" ? "border-l-4 border-red-300 border-l-red-600" : "border-l-4 border-amber-200 border-l-amber-500"}`}
              >
                <div className="flex flex-wrap items-center gap-2">
                  <Badge color={a.severity === "error" ? "red" : "amber"}>{a.severity === "error" ? "Error" : "Warning"}</Badge>
                  <Badge>{ALERT_KIND_LABELS[a.kind]}</Badge>
                  <h2 id={`alert-${a.key}`} className="text-base font-semibold text-ink">
                    {a.title}
                  </h2>
                </div>
                <p className="mt-1 text-sm text-slate-700">{a.detail}</p>
                <p className="mt-2 text-sm text-slate-800">
                  <span className="font-medium">How to fix: </span>
                  {a.fix.text}{" "}
                  {a.fix.href.startsWith("/api/") ? (
                    <a href={a.fix.href} className="font-semibold text-brand-700 hover:underline">
                      {a.fix.label} →
                    </a>
                  ) : (
                    <Link href={a.fix.href} className="font-semibold text-brand-700 hover:underline">
                      {a.fix.label} →
                    </Link>
                  )}
                </p>
                <p className="mt-1 text-xs text-slate-600">
                  {a.organisation ? <>{a.organisation.name} · </> : null}
                  {a.since ? (
                    <>
                      Since <RelativeTime date={a.since} now={now} />
                    </>
                  ) : (
                    "Now"
                  )}
                </p>
              </li>
            ))}
          </ul>
        </>
      )}
    </>
  );
}
