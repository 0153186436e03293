import type { Db } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { readerAllows, type Reader } from "@/lib/lists/tenant-scope";
import { requestSync, type RequestSyncInput } from "@/lib/sync";

/**
 * "Sync now" for one of the organisations the reader may see, through the sync engine's public
 * requestSync (the user's ownership checked there; one outside a narrowed reader's is absent to it; the run continues in the background and reports through its
 * xero_sessions row, which the overview polls). Reasons not to sync become clear 409 messages.
 */
export async function requestSyncForUser(
  db: Db,
  reader: Reader,
  tenantId: string,
  only: Pick<RequestSyncInput, "entities" | "followUpIfRunning"> = {},
): Promise<{ status: "started" | "already_running" | "queued"; sessionId: string | null }> {
  if (!readerAllows(reader, tenantId)) throw new AppError("not_found", "No such organisation.");
  const result = await requestSync(db, { userId: reader.id, tenantId, trigger: "manual", ...only });
  if (result.status === "started" || result.status === "already_running" || result.status === "queued") return { status: result.status, sessionId: result.sessionId };
  if (result.reason === "not_found") throw new AppError("not_found", "No such organisation.");
  if (result.reason === "busy") throw new AppError("conflict", "The server is running as many syncs as it allows and many more are waiting; try again in a few minutes.");
  if (result.reason === "shutting_down") throw new AppError("conflict", "The server is shutting down; try again when it is back.");
  const why =
    result.reason === "rate_limited"
      ? `Xero's daily limit was reached for this organisation; syncing resumes ${result.rateLimitedUntil ? `after ${result.rateLimitedUntil.toISOString().slice(0, 16).replace("T", " ")} UTC` : "later"}.`
      : result.reason === "needs_reconnect"
        ? "This organisation needs to be reconnected to Xero first."
        : "This organisation is disconnected.";
  throw new AppError("conflict", why);
}
