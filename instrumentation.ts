/**
 * Runs once when the Next.js server starts (Node runtime only):
 * - validate the environment, so a bad variable stops the server with a message naming it
 *   instead of failing on the first request;
 * - check that TOKEN_ENCRYPTION_KEY reads the stored Xero tokens (one line in the log when it does
 *   not, and /api/health answers 503), without blocking start-up;
 * - prepare Xero connections (the Custom Connection in client_credentials mode; purge stale
 *   Connect Xero attempts) without blocking start-up;
 * - start the scheduler (lib/sync/scheduler.ts): syncs every SYNC_INTERVAL_MINUTES (0 turns them
 *   off) and, always, the housekeeping of debounced webhook syncs and the sessions log's retention.
 */
export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { getEnv } = await import("@/lib/env");
  getEnv();
  void (await import("@/lib/xero/token-key")).checkTokenKeyAtStartup();
  void (await import("@/lib/xero/startup")).prepareXeroConnections();
  (await import("@/lib/sync/scheduler")).startScheduler();
}
