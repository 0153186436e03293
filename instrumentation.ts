/**
 * Runs once when the Next.js server starts (Node runtime only):
 * - validate the environment, so a bad variable stops the server with a message naming it
 *   instead of failing on the first request;
 * - check that TOKEN_ENCRYPTION_KEY reads the stored Xero tokens (one line in the log when it does
 *   not, and /api/health answers 503), without blocking start-up;
 * - prepare Xero connections (the Custom Connection in client_credentials mode; purge stale
 *   Connect Xero attempts) without blocking start-up;
 * - on PGlite, start the scheduler (lib/sync/scheduler.ts): syncs every SYNC_INTERVAL_MINUTES (0
 *   turns them off) and, always, the housekeeping of debounced webhook syncs and the sessions log's
 *   retention; on PostgreSQL (DATABASE_URL) hand syncs to the pg-boss workers (lib/jobs) instead;
 * - on SIGTERM / SIGINT, drain the syncs before exiting (lib/sync/background.ts): none starts,
 *   running ones get SYNC_DRAIN_GRACE_MS to finish, then stop at a page boundary, resumable. Next
 *   exits at once on these signals unless NEXT_MANUAL_SIG_HANDLE is set (npm start sets it).
 */

/** Time running syncs get to finish on shutdown (container runtimes usually allow 30 s in all). */
const SYNC_DRAIN_GRACE_MS = 20_000;
export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { getEnv } = await import("@/lib/env");
  getEnv();
  void (await import("@/lib/xero/token-key")).checkTokenKeyAtStartup();
  void (await import("@/lib/xero/startup")).prepareXeroConnections();
  const databaseUrl = getEnv().DATABASE_URL;
  // On PostgreSQL the app only enqueues; the sync workers (npm run worker, or the one npm start
  // runs beside the app) sync, schedule and keep house. PGlite keeps everything in this process.
  if (databaseUrl) (await import("@/lib/jobs/mode")).enableSyncJobs(databaseUrl);
  else (await import("@/lib/sync/scheduler")).startScheduler();
  if (process.env.NEXT_MANUAL_SIG_HANDLE) {
    const { drainOnSignals } = await import("@/lib/sync/background");
    drainOnSignals(SYNC_DRAIN_GRACE_MS, (await import("@/lib/sync/scheduler")).stopScheduler);
  }
}
