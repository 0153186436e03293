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

/**
 * What /connections said after a 403: the organisation is no longer granted (disconnected), still
 * granted (needs_reconnect), or the list could not be read (unknown: nothing is marked, retry later).
 */
export type TenantAccess = "unchecked" | "disconnected" | "needs_reconnect" | "unknown";

const FORBIDDEN_MESSAGES: Record<TenantAccess, string> = {
  unchecked: "Xero refused access to this organisation (403).",
  disconnected: "Xero refused access to this organisation (403): it was disconnected from the app in Xero. Connect it again to resume syncing.",
  needs_reconnect: "Xero refused access to this organisation (403) although it is still connected: reconnect it to grant access again.",
  unknown:
    "Xero refused access to this organisation (403) and its list of connections could not be read, so whether it was disconnected is not known; nothing was changed and the next sync will check again.",
};

/** Xero answered 403: the app may have lost access to this organisation (the engine asks /connections). */
export class TenantForbiddenError extends AppError {
  constructor(readonly access: TenantAccess = "unchecked") {
    super(access === "unknown" ? "xero_unavailable" : "forbidden", FORBIDDEN_MESSAGES[access]);
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

/**
 * The keyset walk cannot continue safely: Xero served a page out of UpdatedDateUTC order, or the
 * records kept changing through every repair pass and verification the walk allows. Expected under
 * heavy editing, not a bug: the committed cursor holds, and the next sync continues from it.
 */
export class SyncWalkError extends Error {
  override readonly name = "SyncWalkError";
  constructor(
    readonly reason: "out_of_order" | "kept_changing",
    message: string,
  ) {
    super(message);
  }
}

/**
 * Xero refused one entity for want of a scope the grant lacks (401 with
 * `WWW-Authenticate: Bearer error="insufficient_scope"`). The other entities sync on; the
 * organisation shows which entities need a reconnect (or, for journals, a plan Xero grants the
 * scope on).
 */
export class XeroScopeError extends AppError {
  constructor() {
    super("xero_unavailable", "Xero refused this data: the connection's grant lacks the scope it needs.");
    this.name = "XeroScopeError";
  }
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Xero sent a record with a field the mapper cannot store. The message names the record (by its
 * id, when that is a GUID) and the field, never the value: values are customer data, and this
 * text goes to sync_cursors.last_error, the sync history and logs.
 */
export class XeroRecordError extends AppError {
  constructor(what: string, id: unknown, field: string, problem: string) {
    const which = typeof id === "string" && GUID.test(id) ? `${what} ${id}` : `${/^[aeiou]/i.test(what) ? "an" : "a"} ${what}`;
    super("xero_unavailable", `Xero sent ${which} whose ${field} ${problem}; it cannot be stored, so the sync stopped before that page.`);
    this.name = "XeroRecordError";
  }
}
