import type { TenantSyncStatus } from "@/lib/overview/sync-status";

/** The organisation page's usage section (being built). */
export function UsagePanel(_props: { org: TenantSyncStatus; now: Date }) {
  return null;
}
