import { describe, expect, it } from "vitest";
import { toPrometheusText } from "@/lib/jobs/prometheus";

describe("jobs: Prometheus text", () => {
  it("writes HELP, TYPE and a sample per metric, one gauge sample per organisation's next run, ending in a newline", () => {
    const text = toPrometheusText({
      queued: 4,
      deferred: 1,
      running: 2,
      failed: 0,
      retried: 3,
      oldestWaitingSeconds: 17,
      nextRuns: [
        { tenantId: "t-1", name: 'Acme "Widgets"', nextSyncAt: new Date("2026-03-01T10:00:00.000Z") },
        { tenantId: "t-2", name: "Northwind", nextSyncAt: new Date("2026-03-01T10:00:30.500Z") },
      ],
    });
    expect(text.endsWith("\n")).toBe(true);
    const lines = text.trimEnd().split("\n");
    expect(lines).toContain("# TYPE xero_sync_jobs_queued gauge");
    expect(lines).toContain("xero_sync_jobs_queued 4");
    expect(lines).toContain("xero_sync_jobs_scheduled 1");
    expect(lines).toContain("xero_sync_jobs_running 2");
    expect(lines).toContain("xero_sync_jobs_failed 0");
    expect(lines).toContain("xero_sync_jobs_retried 3");
    expect(lines).toContain("xero_sync_jobs_oldest_waiting_seconds 17");
    expect(lines).toContain('xero_sync_tenant_next_run_timestamp_seconds{tenant_id="t-1"} 1772359200');
    expect(lines).toContain('xero_sync_tenant_next_run_timestamp_seconds{tenant_id="t-2"} 1772359230');
    // Every sample line is `name{labels} value` with a metric declared above it.
    for (const line of lines.filter((l) => !l.startsWith("#"))) expect(line).toMatch(/^[a-z_]+(\{[a-z_]+="[^"]*"\})? -?\d+(\.\d+)?$/);
    expect(lines.filter((l) => l.startsWith("# HELP"))).toHaveLength(7);
  });

  it("escapes label values", () => {
    const text = toPrometheusText({ queued: 0, deferred: 0, running: 0, failed: 0, retried: 0, oldestWaitingSeconds: 0, nextRuns: [{ tenantId: 'a"b\\c', name: "x", nextSyncAt: new Date(0) }] });
    expect(text).toContain('{tenant_id="a\\"b\\\\c"} 0');
  });
});
