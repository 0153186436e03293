/**
 * Runs once when the Next.js server starts (Node runtime only): validate the environment so a bad
 * variable stops the server with a message naming it, instead of failing on the first request.
 */
export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { getEnv } = await import("@/lib/env");
  const env = getEnv();
  // Scheduled syncs every SYNC_INTERVAL_MINUTES (0 turns them off); see lib/sync/scheduler.ts.
  if (env.SYNC_INTERVAL_MINUTES > 0) (await import("@/lib/sync/scheduler")).startScheduler();
}
