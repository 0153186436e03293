import type { JobMetrics } from "@/lib/jobs/metrics";
import { formatInt } from "../_components/format";

/**
 * The sync queue at a glance (PostgreSQL, where workers run the syncs): jobs waiting, running,
 * failed and retried (pg-boss keeps finished jobs about 12 hours), and how long the oldest has
 * waited. Each organisation's next scheduled sync is in its own table below.
 */
export function JobsPanel({ jobs }: { jobs: Omit<JobMetrics, "nextRuns"> }) {
  const items: [string, string][] = [
    ["Waiting", formatInt(jobs.queued)],
    ["Scheduled later", formatInt(jobs.deferred)],
    ["Running", formatInt(jobs.running)],
    ["Failed", formatInt(jobs.failed)],
    ["Retried", formatInt(jobs.retried)],
    ["Oldest waiting", jobs.queued ? `${formatInt(jobs.oldestWaitingSeconds)} s` : "—"],
  ];
  return (
    <section aria-labelledby="sync-queue" className="mb-4 rounded-lg border border-slate-200 bg-white px-4 py-3 shadow-sm">
      <h2 id="sync-queue" className="text-sm font-semibold text-ink">
        Sync queue <span className="font-normal text-slate-500">· all workers</span>
      </h2>
      <dl className="mt-2 grid grid-cols-3 gap-x-4 gap-y-1 text-sm sm:grid-cols-6">
        {items.map(([label, value]) => (
          <div key={label}>
            <dt className="text-xs text-slate-500">{label}</dt>
            <dd className={`font-medium ${label === "Failed" && jobs.failed > 0 ? "text-red-700" : "text-ink"}`}>{value}</dd>
          </div>
        ))}
      </dl>
    </section>
  );
}
