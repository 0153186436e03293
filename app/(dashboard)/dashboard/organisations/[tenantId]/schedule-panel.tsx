import { getDb } from "@/lib/db";
import { getEnv } from "@/lib/env";
import { entity as entityNamed } from "@/lib/entities/registry";
import type { TenantSyncStatus } from "@/lib/overview/sync-status";
import { exceedsQuotaShare, projectCallsPerDay, SCHEDULE_INTERVALS, SCHEDULE_QUOTA_SHARE } from "@/lib/sync/cadence";
import { loadTenantSchedule } from "@/lib/sync/settings";
import { formatInt, formatUtc } from "../../../_components/format";
import { Table, Td, Th } from "../../../_components/table";
import { RelativeTime } from "../../../_components/time";
import { HealthBadge } from "../../health-badge";
import { EntityToggle, IntervalForm, PauseForm } from "./schedule-controls";

export function formatMinutes(minutes: number): string {
  if (minutes % 1440 === 0) return minutes === 1440 ? "24 hours" : `${minutes / 1440} days`;
  if (minutes % 60 === 0) return minutes === 60 ? "1 hour" : `${minutes / 60} hours`;
  return `${minutes} min`;
}

const BASIS = { interval: "every interval", rarely_changes: "changes rarely", webhooks: "webhooks + safety poll" } as const;

/**
 * The organisation page's schedule section: its health against the schedule, the interval, pause
 * and resume, each entity on or off with its cadence and next poll, and the calls a day the
 * schedule projects against the plan's daily quota.
 */
export async function SchedulePanel({ org, now }: { org: TenantSyncStatus; now: Date }) {
  const schedule = await loadTenantSchedule(await getDb(), { id: org.id, xeroTenantId: org.xeroTenantId, syncIntervalMinutes: org.ownIntervalMinutes, syncPausedAt: org.pausedAt }, now);
  const projected = projectCallsPerDay(schedule.entities, { ...schedule, stretch: 1 }).total;
  const share = Math.round((projected / schedule.quotaPerDay) * 100);
  const warn = exceedsQuotaShare(projected, schedule.quotaPerDay);
  const serverOff = org.intervalMinutes <= 0;
  return (
    <section aria-labelledby="schedule-heading" className="rounded-lg border border-slate-200 bg-white p-4 shadow-sm">
      <div className="mb-3 flex flex-wrap items-center gap-2">
        <h2 id="schedule-heading" className="text-lg font-semibold text-ink">
          Schedule
        </h2>
        <HealthBadge org={org} />
        <span className="text-sm text-slate-600" data-testid="health-reason">
          {org.healthReason}
        </span>
      </div>
      <div className="flex flex-wrap items-end gap-6">
        <IntervalForm tenantId={org.id} current={org.ownIntervalMinutes} defaultMinutes={getEnv().SYNC_INTERVAL_MINUTES || null} options={SCHEDULE_INTERVALS.map((m) => ({ value: m, label: formatMinutes(m) }))} />
        <PauseForm tenantId={org.id} paused={org.pausedAt !== null} />
      </div>
      <p className="mt-3 text-sm text-slate-700" data-testid="schedule-summary">
        {org.pausedAt
          ? <>Paused <RelativeTime date={org.pausedAt} now={now} />: no scheduled syncs until resumed (Sync now and webhooks still sync).</>
          : serverOff
            ? "Scheduled syncs are off on this server (SYNC_INTERVAL_MINUTES=0)."
            : org.nextSyncAt
              ? <>Next scheduled sync {formatUtc(org.nextSyncAt)}.</>
              : null}
      </p>
      {schedule.intervalMinutes <= 0 ? null : (
      <p className={`mt-1 text-sm ${warn ? "font-medium text-amber-800" : "text-slate-700"}`} data-testid="projected-calls" role={warn ? "alert" : undefined}>
        When idle, this schedule uses about <strong>{formatInt(projected)}</strong> calls a day of the {formatInt(schedule.quotaPerDay)} Xero allows each organisation ({share} %).
        {warn ? ` That is more than ${SCHEDULE_QUOTA_SHARE * 100} %: leave room for Sync now and webhooks, or choose a longer interval.` : null}
        {schedule.stretch && schedule.stretch > 1
          ? ` Xero reports ${formatInt(schedule.dayLimitRemaining ?? 0)} calls left today, so the schedule polls ${schedule.stretch.toFixed(1)}× less often until the quota recovers.`
          : null}
      </p>
      )}
      <div className="mt-4">
        <Table caption={`What ${org.name} syncs`}>
          <thead>
            <tr>
              <Th>Data</Th>
              <Th>Polled</Th>
              <Th>Next poll</Th>
              <Th>Last success</Th>
              <Th>Sync it</Th>
            </tr>
          </thead>
          <tbody>
            {org.entities.map((e) => {
              const def = entityNamed(e.entity);
              return (
                <tr key={e.entity} data-testid={`entity-row-${e.entity}`}>
                  <Td>{def.label}</Td>
                  <Td>
                    every {formatMinutes(e.cadenceMinutes)} <span className="text-xs text-slate-500">({BASIS[e.cadenceBasis]})</span>
                  </Td>
                  <Td>{!e.enabled ? "off" : e.nextDueAt ? (e.nextDueAt <= now ? "due now" : formatUtc(e.nextDueAt)) : "—"}</Td>
                  <Td>{e.lastSuccessAt ? <RelativeTime date={e.lastSuccessAt} now={now} /> : "never"}</Td>
                  <Td>
                    <EntityToggle tenantId={org.id} entity={e.entity} label={def.label} enabled={e.enabled} unavailable={e.unavailableReason} />
                  </Td>
                </tr>
              );
            })}
          </tbody>
        </Table>
      </div>
    </section>
  );
}
