/**
 * Injected failures for API requests (Accounting API and /connections).
 *
 * A fault is decided the moment a request arrives, never by timing, so a test can post its whole
 * schedule before the code under test runs and get the same failures on every run, however slow
 * the machine. Each fault watches the requests that match its filters — `path` (substring, or
 * /regex/flags), `tenantId` (the xero-tenant-id header), `page` (exactly that page number) and
 * `afterPage` (page numbers above it); a request without `page` counts as page 1 — and numbers
 * them as they arrive: it lets the first `skip` through (default 0) and fails the next `count`
 * (default 1). "The 4th request to /Invoices of tenant X fails twice" is
 * `{path: "/Invoices", tenantId: X, skip: 3, count: 2}`; retries are requests too.
 * Every fault counts every matching request, whichever fault fails it. When several are due for
 * one request, the first posted fails it and the others stay due for the next matching one.
 *
 * `mutate-between-pages` is different: it never fails a request; after a matching list page has
 * been served (page >= afterPage, default 1; after `skip` such pages), it applies a mutation
 * (like a person editing in Xero while the sync is paging).
 *
 * `bad-value` answers normally except that the first record of a list answer has `field` set to
 * `value` (Xero sending something the mapper cannot store).
 *
 * `hold` answers nothing until released (POST /__sim/faults/release or DELETE /__sim/faults) or
 * the client gives up: a Xero that hangs, or a way to keep a sync mid-request for exactly as long
 * as a test needs.
 */
import { entityNames } from "./entities/registry";

export type FaultKind =
  | "500"
  | "503"
  | "429-minute"
  | "429-day"
  | "429-concurrent"
  | "drop"
  | "truncated-200"
  | "delay"
  | "hold"
  | "bad-value"
  | "token-expired"
  | "token-revoked"
  | "mutate-between-pages";

export const FAULT_KINDS: FaultKind[] = ["500", "503", "429-minute", "429-day", "429-concurrent", "drop", "truncated-200", "delay", "hold", "bad-value", "token-expired", "token-revoked", "mutate-between-pages"];

export interface FaultSpec {
  kind: FaultKind;
  /** How many requests it applies to (default 1). For mutate-between-pages: records to change. */
  count?: number;
  /** For mutate-between-pages: how many page responses trigger it (default 1). */
  times?: number;
  /** Matching requests (mutate-between-pages: served pages) let through before it applies (default 0). */
  skip?: number;
  /** delay: ms before the request is handled normally (default 1000). */
  delayMs?: number;
  /** 429 faults: the Retry-After value in seconds (defaults: minute 5, day 3600, concurrent 1). */
  retryAfterS?: number;
  path?: string;
  tenantId?: string;
  /** Only requests for this page (a request without page counts as page 1). */
  page?: number;
  /** Only requests for page > afterPage (mutate-between-pages: page >= afterPage, default 1). */
  afterPage?: number;
  /** bad-value: the field of the answer's first record to replace, and what with (any JSON). */
  field?: string;
  value?: unknown;
  /** mutate-between-pages: what to change (a /__sim/mutate entity name; default: the listed one). */
  entity?: string;
  kinds?: string[];
}

export interface ActiveFault extends FaultSpec {
  id: number;
  remaining: number;
  hits: number;
  /** Matching requests (or served pages) seen so far, the skipped ones included. */
  seen: number;
}

export interface FaultRequest {
  path: string;
  tenantId: string | null;
  page: number;
}

/** A request a `hold` fault is keeping unanswered. */
export interface HeldRequest {
  faultId: number;
  path: string;
  tenantId: string | null;
  page: number;
}

const NUMERIC_FIELDS = ["count", "times", "skip", "delayMs", "retryAfterS", "page", "afterPage"] as const;

/** Why a fault spec cannot be used, or null. */
export function faultSpecProblem(spec: unknown): string | null {
  if (!spec || typeof spec !== "object") return "a fault must be an object";
  const f = spec as Record<string, unknown>;
  if (!FAULT_KINDS.includes(f.kind as FaultKind)) return `fault kind must be one of ${FAULT_KINDS.join(", ")}`;
  for (const k of NUMERIC_FIELDS) {
    const v = f[k];
    if (v !== undefined && (typeof v !== "number" || !Number.isInteger(v) || v < 0)) return `${k} must be a whole number ≥ 0`;
  }
  for (const k of ["path", "tenantId", "field"] as const) if (f[k] !== undefined && typeof f[k] !== "string") return `${k} must be a string`;
  if (f.kind === "bad-value" && !f.field) return "a bad-value fault needs field (and value)";
  if (f.entity !== undefined && !entityNames().includes(f.entity as string)) return `entity must be one of ${entityNames().join(", ")}`;
  return null;
}

export class FaultQueue {
  private faults: ActiveFault[] = [];
  private nextId = 1;
  private held: { request: HeldRequest; release: () => void }[] = [];
  private heldWaiters: { ok: (held: number) => boolean; resolve: () => void }[] = [];

  add(spec: FaultSpec): ActiveFault {
    const problem = faultSpecProblem(spec);
    if (problem) throw new Error(problem);
    const remaining = spec.kind === "mutate-between-pages" ? (spec.times ?? 1) : (spec.count ?? 1);
    const f: ActiveFault = { ...spec, id: this.nextId++, remaining, hits: 0, seen: 0 };
    this.faults.push(f);
    return f;
  }

  list(): ActiveFault[] {
    return this.faults.map((f) => ({ ...f }));
  }

  /** Forgets every fault and lets every held request go on. */
  clear(): void {
    this.faults = [];
    this.release();
  }

  private matches(f: ActiveFault, r: FaultRequest, minPage: number): boolean {
    if (f.remaining <= 0) return false;
    if (f.tenantId && f.tenantId !== r.tenantId) return false;
    if (f.page !== undefined && r.page !== f.page) return false;
    if (r.page < minPage) return false;
    if (f.path) {
      const m = /^\/(.*)\/([a-z]*)$/.exec(f.path);
      if (m) {
        if (!new RegExp(m[1] ?? "", m[2]).test(r.path)) return false;
      } else if (!r.path.toLowerCase().includes(f.path.toLowerCase())) return false;
    }
    return true;
  }

  /** Counts this request for every failing fault it matches; the first one due fails it (consumed). */
  take(r: FaultRequest): ActiveFault | null {
    let due: ActiveFault | null = null;
    for (const f of this.faults) {
      if (f.kind === "mutate-between-pages" || !this.matches(f, r, (f.afterPage ?? 0) + 1)) continue;
      f.seen++;
      if (!due && f.seen > (f.skip ?? 0)) due = f;
    }
    if (!due) return null;
    due.remaining--;
    due.hits++;
    this.gc();
    return due;
  }

  /** mutate-between-pages faults triggered by a served page (page >= afterPage, default 1). */
  takeAfterPage(r: FaultRequest): ActiveFault[] {
    const hit: ActiveFault[] = [];
    for (const f of this.faults) {
      if (f.kind !== "mutate-between-pages" || !this.matches(f, r, f.afterPage ?? 1)) continue;
      if (++f.seen <= (f.skip ?? 0)) continue;
      f.remaining--;
      f.hits++;
      hit.push(f);
    }
    this.gc();
    return hit;
  }

  /**
   * Keeps a request unanswered: resolves when it is released (or `gone` fires: the client hung up).
   */
  hold(request: HeldRequest, gone: (cb: () => void) => void): Promise<void> {
    return new Promise<void>((resolve) => {
      const entry = {
        request,
        release: () => {
          this.held = this.held.filter((h) => h !== entry);
          this.heldChanged();
          resolve();
        },
      };
      this.held.push(entry);
      gone(entry.release);
      this.heldChanged();
    });
  }

  /** The requests held now. */
  heldRequests(): HeldRequest[] {
    return this.held.map((h) => ({ ...h.request }));
  }

  /** Resolves once the number of held requests satisfies `ok`, or after `timeoutMs` (whichever first). */
  waitForHeld(ok: (held: number) => boolean, timeoutMs: number): Promise<void> {
    if (ok(this.held.length)) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const waiter = {
        ok,
        resolve: () => {
          clearTimeout(timer);
          this.heldWaiters = this.heldWaiters.filter((w) => w !== waiter);
          resolve();
        },
      };
      const timer = setTimeout(waiter.resolve, timeoutMs);
      this.heldWaiters.push(waiter);
    });
  }

  private heldChanged(): void {
    for (const w of this.heldWaiters.filter((x) => x.ok(this.held.length))) w.resolve();
  }

  /** Lets held requests go on (those of fault `faultId`, or all); returns how many. */
  release(faultId?: number): number {
    const going = this.held.filter((h) => faultId === undefined || h.request.faultId === faultId);
    for (const h of going) h.release();
    return going.length;
  }

  private gc(): void {
    this.faults = this.faults.filter((f) => f.remaining > 0);
  }
}
