/**
 * Injected failures for API requests (Accounting API and /connections). Each fault matches the
 * next `count` requests (default 1) whose path matches `path` (substring, or /regex/flags) and
 * whose xero-tenant-id is `tenantId` (when given), and only for page numbers above `afterPage`.
 *
 * `mutate-between-pages` is different: it never fails a request; after a matching list page has
 * been served, it applies a mutation (like a person editing in Xero while the sync is paging).
 */

export type FaultKind = "500" | "503" | "429-minute" | "429-day" | "429-concurrent" | "drop" | "truncated-200" | "delay" | "token-expired" | "token-revoked" | "mutate-between-pages";

export const FAULT_KINDS: FaultKind[] = ["500", "503", "429-minute", "429-day", "429-concurrent", "drop", "truncated-200", "delay", "token-expired", "token-revoked", "mutate-between-pages"];

export interface FaultSpec {
  kind: FaultKind;
  /** How many requests it applies to (default 1). For mutate-between-pages: records to change. */
  count?: number;
  /** For mutate-between-pages: how many page responses trigger it (default 1). */
  times?: number;
  /** delay: ms before the request is handled normally (default 1000). */
  delayMs?: number;
  /** 429 faults: the Retry-After value in seconds (defaults: minute 5, day 3600, concurrent 1). */
  retryAfterS?: number;
  path?: string;
  tenantId?: string;
  /** Only requests for page > afterPage (a request without page counts as page 1). */
  afterPage?: number;
  /** mutate-between-pages: what to change. */
  entity?: "invoices" | "contacts";
  kinds?: string[];
}

export interface ActiveFault extends FaultSpec {
  id: number;
  remaining: number;
  hits: number;
}

export interface FaultRequest {
  path: string;
  tenantId: string | null;
  page: number;
}

export class FaultQueue {
  private faults: ActiveFault[] = [];
  private nextId = 1;

  add(spec: FaultSpec): ActiveFault {
    if (!FAULT_KINDS.includes(spec.kind)) throw new Error(`unknown fault kind ${String(spec.kind)}`);
    const remaining = spec.kind === "mutate-between-pages" ? (spec.times ?? 1) : (spec.count ?? 1);
    const f: ActiveFault = { ...spec, id: this.nextId++, remaining, hits: 0 };
    this.faults.push(f);
    return f;
  }

  list(): ActiveFault[] {
    return this.faults.map((f) => ({ ...f }));
  }

  clear(): void {
    this.faults = [];
  }

  private matches(f: ActiveFault, r: FaultRequest): boolean {
    if (f.remaining <= 0) return false;
    if (f.tenantId && f.tenantId !== r.tenantId) return false;
    if (f.afterPage !== undefined && r.page <= f.afterPage) return false;
    if (f.path) {
      const m = /^\/(.*)\/([a-z]*)$/.exec(f.path);
      if (m) {
        if (!new RegExp(m[1] ?? "", m[2]).test(r.path)) return false;
      } else if (!r.path.toLowerCase().includes(f.path.toLowerCase())) return false;
    }
    return true;
  }

  /** The first failing fault matching this request, consumed. */
  take(r: FaultRequest): ActiveFault | null {
    const f = this.faults.find((x) => x.kind !== "mutate-between-pages" && this.matches(x, r));
    if (!f) return null;
    f.remaining--;
    f.hits++;
    this.gc();
    return f;
  }

  /** mutate-between-pages faults triggered by a served page (page >= afterPage, default 1). */
  takeAfterPage(r: FaultRequest): ActiveFault[] {
    const hit = this.faults.filter((x) => x.kind === "mutate-between-pages" && this.matches({ ...x, afterPage: (x.afterPage ?? 1) - 1 }, r));
    for (const f of hit) {
      f.remaining--;
      f.hits++;
    }
    this.gc();
    return hit;
  }

  private gc(): void {
    this.faults = this.faults.filter((f) => f.remaining > 0);
  }
}
