import { describe, expect, it } from "vitest";
import { classifySyncOutcome } from "@/lib/jobs/outcome";
import type { SyncResult } from "@/lib/sync/engine";

const now = new Date("2026-03-01T10:00:00.000Z");
const later = new Date("2026-03-02T00:00:00.000Z");
const ran = (status: "success" | "error" | "rate_limited" | "interrupted", extra: Partial<Extract<SyncResult, { sessionId: string }>> = {}): SyncResult => ({
  status,
  sessionId: "s1",
  entities: [],
  calls: 3,
  ...extra,
});

describe("jobs: what a sync job does after its sync", () => {
  it("completes a success, asking for a follow-up when a webhook announced changes meanwhile", () => {
    expect(classifySyncOutcome(ran("success"), { needsReconnect: false, now })).toEqual({ action: "complete", reason: "success" });
    expect(classifySyncOutcome(ran("success", { followUpRequested: true }), { needsReconnect: false, now })).toEqual({ action: "complete", reason: "success", followUp: true });
  });

  it("retries transient errors and interrupted syncs (they resume from the cursor)", () => {
    expect(classifySyncOutcome(ran("error", { error: "Xero did not answer" }), { needsReconnect: false, now })).toEqual({ action: "retry", reason: "Xero did not answer" });
    expect(classifySyncOutcome(ran("interrupted"), { needsReconnect: false, now })).toMatchObject({ action: "retry" });
  });

  it("never retries what needs a reconnect, a disconnected or a vanished organisation", () => {
    expect(classifySyncOutcome(ran("error", { error: "invalid_grant" }), { needsReconnect: true, now })).toEqual({ action: "complete", reason: "needs_reconnect" });
    for (const reason of ["needs_reconnect", "disconnected", "not_found"] as const) {
      expect(classifySyncOutcome({ status: "skipped", reason }, { needsReconnect: false, now })).toEqual({ action: "complete", reason });
    }
  });

  it("defers a daily-limited organisation to when its quota resets, before or during the sync", () => {
    expect(classifySyncOutcome({ status: "skipped", reason: "rate_limited", rateLimitedUntil: later }, { needsReconnect: false, now })).toEqual({ action: "defer", until: later, reason: "rate_limited" });
    expect(classifySyncOutcome(ran("rate_limited", { rateLimitedUntil: later }), { needsReconnect: false, now })).toEqual({ action: "defer", until: later, reason: "rate_limited" });
    // A limit already over by now: just retry.
    expect(classifySyncOutcome(ran("rate_limited", { rateLimitedUntil: new Date(now.getTime() - 1) }), { needsReconnect: false, now })).toMatchObject({ action: "retry" });
  });

  it("follows up on a sync already running instead of running a second one", () => {
    expect(classifySyncOutcome({ status: "already_running", sessionId: "s0" }, { needsReconnect: false, now })).toEqual({ action: "follow_up" });
  });
});
