import type { TenantSyncStatus } from "@/lib/overview/sync-status";

/** The organisation page's schedule section (being built). */
export function SchedulePanel(_props: { org: TenantSyncStatus; now: Date }) {
  return null;
}
