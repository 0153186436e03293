import type { Db } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { scopeTenantIds } from "./tenants";

/**
 * "Sync now" for one of the user's organisations. Ownership is checked here (the engine's startSync
 * is not user-scoped); the run continues in the background of this server process and reports
 * through its xero_sessions row, which the overview polls.
 *
 * NOTE: uses lib/sync/engine.ts's startSync directly; if lib/sync grows a public requestSync (pg-boss
 * queue), switch to it here — this is the only place the dashboard starts a sync.
 */
export async function requestSyncForUser(db: Db, userId: string, tenantId: string): Promise<{ status: "started" | "already_running"; sessionId: string | null }> {
  const { ids } = await scopeTenantIds(db, userId, tenantId);
  if (ids.length === 0) throw new AppError("not_found", "No such organisation.");
  const { startSync, describeSyncError } = await import("@/lib/sync/engine");
  const started = await startSync(db, { tenantId, trigger: "manual" });
  if ("status" in started) {
    if (started.status === "already_running") return { status: "already_running", sessionId: started.sessionId };
    const why =
      started.reason === "rate_limited"
        ? `Xero's daily limit was reached for this organisation; syncing resumes ${started.rateLimitedUntil ? `after ${started.rateLimitedUntil.toISOString().slice(0, 16).replace("T", " ")} UTC` : "later"}.`
        : started.reason === "needs_reconnect"
          ? "This organisation needs to be reconnected to Xero first."
          : started.reason === "disconnected"
            ? "This organisation is disconnected."
            : "No such organisation.";
    throw new AppError(started.reason === "not_found" ? "not_found" : "conflict", why);
  }
  started.run().catch((error: unknown) => console.error("sync failed", describeSyncError(error)));
  return { status: "started", sessionId: started.sessionId };
}
