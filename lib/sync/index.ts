/**
 * The sync engine's public API: nothing missed, nothing stale, only what changed written, the
 * cursor advanced with the records it covers, one sync per tenant. Pure orchestration over lib/xero
 * and the repositories; no next/* imports, so the app, the CLI, the scheduler and tests share it.
 */
export { syncTenant, describeSyncError, type SyncResult, type SyncTenantOptions, type SyncTrigger, type SyncProgressEvent, type EntitySyncResult } from "./engine";
export { requestSync, startFirstSyncs, type RequestSyncInput, type RequestSyncResult } from "./service";
export { startScheduler, stopScheduler, runScheduledSyncs, runHousekeeping, listSchedulableTenants } from "./scheduler";
export { runDueWebhookSyncs } from "./webhook-syncs";
export { DailyRateLimitError, SyncAlreadyRunningError, TenantForbiddenError, XeroUnavailableError } from "./errors";
export { drainSyncs, isDraining, poolSize, reopenSyncs, waitForBackgroundSyncs, waitingTenantIds } from "./background";
export { schedulerState } from "./scheduler-state";
