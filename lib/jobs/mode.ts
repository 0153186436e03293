/**
 * Whether this process hands its syncs to the pg-boss workers (lib/jobs) instead of running them
 * itself. The app server turns it on at start-up when DATABASE_URL is set (instrumentation.ts); the
 * CLI, PGlite and the tests that sync in-process leave it off. The state lives on globalThis: Next
 * may load this module once per route bundle.
 */
const g = globalThis as unknown as { __xeroSyncJobsUrl?: string };

/** From now on, Sync now, the API, webhooks and first syncs enqueue jobs on this PostgreSQL. */
export function enableSyncJobs(databaseUrl: string): void {
  g.__xeroSyncJobsUrl = databaseUrl;
}

/** Back to syncing in this process (tests). */
export function stopUsingSyncJobs(): void {
  g.__xeroSyncJobsUrl = undefined;
}

/** The PostgreSQL URL jobs go to, or null when this process syncs in-process. */
export function syncJobsUrl(): string | null {
  return g.__xeroSyncJobsUrl ?? null;
}
