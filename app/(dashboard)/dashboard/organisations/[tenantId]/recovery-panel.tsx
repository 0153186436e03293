import type { TenantSyncStatus } from "@/lib/overview/sync-status";

/** The organisation page's recovery section (being built). */
export function RecoveryPanel(_props: { org: TenantSyncStatus; now: Date }) {
  return null;
}
