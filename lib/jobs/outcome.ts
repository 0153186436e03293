/**
 * What a sync job does after its sync (pure, so the rules read in one place and are unit-tested):
 * - complete: done, or nothing a retry could change (needs a reconnect, disconnected, gone);
 * - retry: a transient failure or an interrupted sync (shutdown, time bound): pg-boss retries it
 *   with backoff, and the retry resumes from the committed cursor;
 * - defer: Xero's daily limit: a new job when the organisation's quota resets (rateLimitedUntil);
 * - follow_up: another sync holds the tenant's lease: ask it for one more sync when it ends
 *   (requestFollowUpSync), so changes announced now are not walked past.
 */
import type { SyncResult } from "@/lib/sync/engine";

export type JobOutcome =
  | { action: "complete"; reason: string; followUp?: boolean }
  | { action: "retry"; reason: string }
  | { action: "defer"; until: Date; reason: string }
  | { action: "follow_up" };

/**
 * `needsReconnect`: the tenant or its connection is marked needing a reconnect after the sync
 * (invalid_grant, revoked access, a lost organisation): its error is not transient.
 */
export function classifySyncOutcome(result: SyncResult, state: { needsReconnect: boolean; now: Date }): JobOutcome {
  if (result.status === "already_running") return { action: "follow_up" };
  if (result.status === "skipped") {
    if (result.reason === "rate_limited" && result.rateLimitedUntil && result.rateLimitedUntil > state.now) {
      return { action: "defer", until: result.rateLimitedUntil, reason: "rate_limited" };
    }
    return { action: "complete", reason: result.reason };
  }
  if (result.status === "rate_limited") {
    if (result.rateLimitedUntil && result.rateLimitedUntil > state.now) return { action: "defer", until: result.rateLimitedUntil, reason: "rate_limited" };
    return { action: "retry", reason: "rate_limited" };
  }
  if (result.status === "interrupted") return { action: "retry", reason: "interrupted" };
  if (result.status === "error") {
    if (state.needsReconnect) return { action: "complete", reason: "needs_reconnect" };
    return { action: "retry", reason: result.error ?? "error" };
  }
  return { action: "complete", reason: result.status, ...(result.followUpRequested ? { followUp: true } : {}) };
}
