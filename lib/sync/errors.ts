/**
 * Why a sync stopped, as types the engine and its callers branch on (never on message text).
 * All are AppErrors so route handlers can answer them through the one error vocabulary.
 */
import { AppError } from "@/lib/errors";

/** Xero's daily quota for this tenant is used up (429 with X-Rate-Limit-Problem: day). */
export class DailyRateLimitError extends AppError {
  constructor(readonly until: Date) {
    super("rate_limited", `Xero's daily API limit for this organisation was reached; syncing resumes after ${until.toISOString()}.`);
    this.name = "DailyRateLimitError";
  }
}

/**
 * The sync was stopped between pages, on purpose: the server is shutting down, or the sync ran
 * past SYNC_MAX_MINUTES. Every committed page stays (the cursor covers it), so the next sync
 * continues from here; the session is recorded as `interrupted`.
 */
export class SyncInterruptedError extends AppError {
  constructor(readonly reason: "shutdown" | "time_limit", maxMinutes?: number) {
    super(
      "conflict",
      reason === "shutdown"
        ? "Stopped because the server shut down; the next sync continues from where this one stopped."
        : `Stopped after ${maxMinutes} minutes, the limit for one sync; the next sync continues from where this one stopped.`,
    );
    this.name = "SyncInterruptedError";
  }
}

/** Xero answered 403: the app lost access to this organisation. The tenant is marked disconnected. */
export class TenantForbiddenError extends AppError {
  constructor(readonly xeroStatus = 403) {
    super("forbidden", "Xero refused access to this organisation (403): it was disconnected from the app. Connect it again to resume syncing.");
    this.name = "TenantForbiddenError";
  }
}

/** Xero (or the network to it) kept failing after the bounded retries. */
export class XeroUnavailableError extends AppError {
  constructor(
    readonly detail: { status?: number; kind: "http" | "network" | "malformed" | "timeout"; attempts: number },
    options?: { cause?: unknown },
  ) {
    const what =
      detail.kind === "timeout"
        ? "timed out"
        : detail.kind === "network"
          ? "could not be reached"
          : detail.kind === "malformed"
            ? "sent answers that were cut short or not JSON"
            : `answered ${detail.status}`;
    super("xero_unavailable", `Xero ${what} after ${detail.attempts} attempts; the sync will resume from where it stopped.`, options);
    this.name = "XeroUnavailableError";
  }
}

/** Xero rejected the request itself (400, 404 …): retrying will not help. */
export class XeroRequestError extends AppError {
  constructor(readonly xeroStatus: number, options?: { cause?: unknown; details?: unknown }) {
    super("xero_unavailable", `Xero rejected the request (${xeroStatus}).`, options);
    this.name = "XeroRequestError";
  }
}

/** Another process holds the tenant's sync lease. */
export class SyncAlreadyRunningError extends AppError {
  constructor(readonly sessionId: string | null) {
    super("conflict", "A sync of this organisation is already running.", { details: { sessionId } });
    this.name = "SyncAlreadyRunningError";
  }
}

/** This process lost the tenant's lease (it expired and someone else took it): stop writing. */
export class SyncLeaseLostError extends AppError {
  constructor() {
    super("conflict", "The sync lost its lock on this organisation (another sync took over); it stopped without writing more.");
    this.name = "SyncLeaseLostError";
  }
}

/**
 * A 2xx answer whose body is not Xero's envelope (cut short, or a proxy's page). Never read as
 * "no records": that would end the walk early and silently miss data. Retried like a dropped
 * connection; if it persists the sync fails (XeroUnavailableError) and resumes from its cursor.
 */
export class MalformedXeroResponseError extends Error {
  override readonly name = "MalformedXeroResponseError";
}
