/**
 * The sync queue's figures in Prometheus' text exposition format (version 0.0.4): one HELP and
 * TYPE line per metric, then its samples. Pure, so the format is unit-tested.
 */
import type { JobMetrics } from "./metrics";

function escapeLabel(value: string): string {
  return value.replace(/\\/g, "\\\\").replace(/\n/g, "\\n").replace(/"/g, '\\"');
}

function metric(out: string[], name: string, type: "gauge" | "counter", help: string, samples: { labels?: Record<string, string>; value: number }[]): void {
  out.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
  for (const s of samples) {
    const labels = s.labels ? `{${Object.entries(s.labels).map(([k, v]) => `${k}="${escapeLabel(v)}"`).join(",")}}` : "";
    out.push(`${name}${labels} ${Number.isFinite(s.value) ? s.value : 0}`);
  }
}

export function toPrometheusText(m: JobMetrics): string {
  const out: string[] = [];
  metric(out, "xero_sync_jobs_queued", "gauge", "Sync jobs waiting to run now (created or retrying, start time reached).", [{ value: m.queued }]);
  metric(out, "xero_sync_jobs_scheduled", "gauge", "Sync jobs waiting for a later start (retry backoff, daily limit reset).", [{ value: m.deferred }]);
  metric(out, "xero_sync_jobs_running", "gauge", "Sync jobs running now.", [{ value: m.running }]);
  metric(out, "xero_sync_jobs_failed", "gauge", "Sync jobs that failed after their last retry, among those pg-boss keeps.", [{ value: m.failed }]);
  metric(out, "xero_sync_jobs_retried", "gauge", "Sync jobs that needed at least one retry, among those pg-boss keeps.", [{ value: m.retried }]);
  metric(out, "xero_sync_jobs_oldest_waiting_seconds", "gauge", "Age of the oldest sync job waiting to run now (0: none waits).", [{ value: m.oldestWaitingSeconds }]);
  metric(
    out,
    "xero_sync_tenant_next_run_timestamp_seconds",
    "gauge",
    "When the schedule next syncs each organisation (Unix time).",
    m.nextRuns.map((r) => ({ labels: { tenant_id: r.tenantId }, value: Math.floor(r.nextSyncAt.getTime() / 1000) })),
  );
  return `${out.join("\n")}\n`;
}
