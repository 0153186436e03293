/**
 * The keyset walk over one entity of one tenant (If-Modified-Since, paging that loses no record
 * edited during the sync), as a pure state
 * machine: it says which page to ask for next and how far the cursor may be committed after each
 * page. No I/O, so unit tests drive it against a simulated Xero that edits records mid-walk
 * (tests/unit/sync/walk.test.ts checks the argument below on thousands of random histories).
 *
 * ## Why it cannot skip a record
 *
 * Xero lists records with UpdatedDateUTC at or after If-Modified-Since, compared at WHOLE SECONDS
 * and inclusive, ordered by UpdatedDateUTC ascending. Facts relied on: (a) a record's
 * UpdatedDateUTC never decreases; (b) an edit stamps it with Xero's current time, which is at or
 * after the DateTimeUTC of every response served before the edit; (c) records with equal
 * timestamps keep a stable relative order between requests (the simulator orders by
 * (UpdatedDateUTC, id)); (d) nothing is hard-deleted (voids, deletes, archives are edits).
 *
 * 1. Keyset step (the normal case). After a full page whose last record has timestamp L, ask for
 *    PAGE 1 again with If-Modified-Since = L. Every record with a timestamp before second(L) that
 *    existed when the page was served was on it or on an earlier page (the page starts at the
 *    start of the range; the order is ascending); a record edited since then has a timestamp
 *    after L's second or at least in it (b), so it is inside the new range. The records of
 *    second(L) come again (inclusive, second precision): that overlap is de-duplicated by id and
 *    timestamp in the repository and costs k re-fetched records, k = how many records of the
 *    page share second(L) (usually 1). Page 1 requests never suffer from shifting.
 * 2. Page-number step (many records in one second). If k is large (a bulk edit: 2,500 invoices
 *    sharing one timestamp) the keyset step cannot make progress (second(L) = second(IMS)) or
 *    would re-fetch most of the page, so we ask for page p+1 at the same If-Modified-Since: a
 *    "run" of page-number steps. Page numbers lose records only through shifting: a record W
 *    that was at an earlier position is edited between two requests, moves later in the order,
 *    and everything between slides one position towards the start; whatever slides across the
 *    page boundary into already-served positions is never served — (A) an unedited record, or
 *    (B) an edited record (W itself, or another) whose new place is before the boundary.
 *    Both need an edit after the run's first page was served, i.e. (b) a record stamped at or
 *    after T1 = that page's DateTimeUTC. So:
 *    - we remember the records served during runs ("watched", id → timestamp, as 52-bit hashes);
 *    - the walk does not end until a chain of PAGE-1 requests starting at If-Modified-Since ≤ T1
 *      has reached the end of the set (if the walk's last page is not such, one more request at
 *      If-Modified-Since = T1 − SKEW_MS follows). That chain serves every record stamped since T1,
 *      shift-free: so every (B) record is served, and every edited W is served again with a
 *      newer timestamp than we watched;
 *    - a watched record served again newer makes the walk "dirty": (A) losses are possible, so at
 *      the end it walks again from the run's If-Modified-Since (re-fetched rows cost no writes),
 *      at most MAX_REPAIRS times, then fails (the next sync resumes from the held cursor).
 *    If no watched record came back newer, no shift happened and nothing was skipped.
 * 3. The cursor (committed with each page, in the page's transaction) is the last timestamp seen,
 *    except while a run is unverified: then it is held at the If-Modified-Since where the first
 *    run began, because a lost record could lie anywhere after it. A crash there resumes from
 *    that point, never later. At the end of a clean walk the cursor becomes the last timestamp
 *    seen, or — when Xero's own clock (the response's DateTimeUTC) is already SETTLE_MS past that
 *    second — the start of the next second: every record of that second and before is stored
 *    and no new edit can be stamped that far back, so the next run need not fetch it again (the
 *    margin allows for clock differences between Xero's servers). A re-run of an unchanged set
 *    costs one call.
 *
 * Costs: N records take ceil(N/1000) pages plus the overlaps (about one record per keyset step),
 * plus the non-full last page, plus one verification request only when the walk ends inside a
 * run; watched ids are kept only for runs, so memory does not grow with N in the normal case.
 */

import { SyncWalkError } from "./errors";

export const DEFAULT_PAGE_SIZE = 1000; // the largest pageSize Xero accepts
export const MAX_REPAIRS = 3;
/** How far Xero's clock must be past the last record's second before the cursor may skip it. */
export const SETTLE_MS = 5 * 60_000;
/** Allowance for clock differences between Xero's servers when verifying from T1. */
export const SKEW_MS = 5_000;
/** Verification requests per walk before giving up (each needs a new same-second bulk edit). */
export const MAX_VERIFICATIONS = 10;
/** Without a DateTimeUTC from Xero, T1 is taken from our clock minus this much. */
const NO_SERVER_TIME_MARGIN_MS = 10 * 60_000;

export interface WalkRecord {
  id: string;
  updatedMs: number;
}

export interface WalkRequest {
  ifModifiedSince: Date | undefined;
  page: number;
}

export interface PageDecision {
  /** Commit the cursor to this value with this page (null: leave it). */
  cursor: Date | null;
  /** The walk is finished after this page is stored. */
  done: boolean;
  /** A repair pass starts (for logs and counters). */
  repair: boolean;
  /** The next request verifies a page-number run (for logs and counters). */
  verify: boolean;
  /**
   * Send the next request only once Xero's clock (the responses' DateTimeUTC) has reached this
   * instant. Set on verification requests; see `accept`.
   */
  notBeforeServerMs?: number;
}

const sec = (ms: number) => Math.floor(ms / 1000);

/** A 52-bit number from the id: enough to tell ~10^6 ids apart; a collision only costs a repair. */
function idKey(id: string): number {
  let h1 = 0x811c9dc5;
  let h2 = 0x01000193;
  for (let i = 0; i < id.length; i++) {
    const c = id.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 0x01000193) >>> 0;
    h2 = Math.imul(h2 ^ c, 0x5bd1e995) >>> 0;
  }
  return (h1 & 0xfffff) * 0x100000000 + h2;
}

export class SyncWalk {
  private ims: Date | undefined;
  private page = 1;
  /** Where the first unverified run began (undefined inside = the very beginning). */
  private holdback: { at: Date | undefined } | null = null;
  private watched = new Map<number, number>();
  private dirty = false;
  /** Earliest T1 − SKEW of the runs of this pass (null: no run). */
  private verifyFrom: number | null = null;
  /** Since the last run, a page-1 chain started at If-Modified-Since ≤ verifyFrom. */
  private chainCovers = false;
  private lastSeenMs: number | null = null;
  repairs = 0;
  verifications = 0;

  constructor(
    start: Date | undefined,
    private readonly pageSize = DEFAULT_PAGE_SIZE,
    /** Keyset-step only when at most this many records of the page share its last second. */
    private readonly overlapLimit = Math.max(1, Math.floor(pageSize / 10)),
    private readonly clock: () => number = Date.now,
  ) {
    this.ims = start;
  }

  request(): WalkRequest {
    return { ifModifiedSince: this.ims, page: this.page };
  }

  /**
   * Records one served page (in the order served) and decides what comes next. `serverTimeMs`:
   * the response's DateTimeUTC (Xero's clock), when known.
   */
  accept(records: WalkRecord[], serverTimeMs?: number): PageDecision {
    let prev = -Infinity;
    for (const r of records) {
      if (r.updatedMs < prev) throw new SyncWalkError("out_of_order", "Xero returned records out of UpdatedDateUTC order; cannot walk them safely");
      prev = r.updatedMs;
      if (this.watched.size) {
        const seen = this.watched.get(idKey(r.id));
        if (seen !== undefined && r.updatedMs > seen) this.dirty = true;
      }
    }
    const last = records.at(-1);
    if (last && (this.lastSeenMs === null || last.updatedMs > this.lastSeenMs)) this.lastSeenMs = last.updatedMs;
    // Does this page-1 request start (or continue) a chain covering everything since verifyFrom?
    if (this.page === 1 && this.verifyFrom !== null && (this.ims === undefined || this.ims.getTime() <= this.verifyFrom)) this.chainCovers = true;

    if (records.length < this.pageSize) {
      // The end of the set as it is now.
      if (this.dirty && this.holdback) {
        if (++this.repairs > MAX_REPAIRS) {
          throw new SyncWalkError("kept_changing", `records kept changing while paging (${MAX_REPAIRS} repair passes); the next sync continues from the held cursor`);
        }
        this.ims = this.holdback.at;
        this.page = 1;
        this.watched.clear();
        this.dirty = false;
        this.verifyFrom = null;
        this.chainCovers = false;
        return { cursor: this.holdCursor(), done: false, repair: true, verify: false };
      }
      if (this.verifyFrom !== null && !this.chainCovers) {
        if (++this.verifications > MAX_VERIFICATIONS) throw new SyncWalkError("kept_changing", `records kept changing while paging (${this.verifications} verification requests)`);
        this.ims = new Date(Math.max(0, this.verifyFrom));
        this.page = 1;
        // A same-second group younger than SKEW_MS (a bulk edit just before the sync) lies inside
        // every verification's range, so each verification becomes a run needing its own, until
        // Xero's clock is SKEW_MS past the group. Answered fast, the walk would use up
        // MAX_VERIFICATIONS within those seconds and fail (as would every retry right after it),
        // so it waits until then: the run this request may start then verifies from after every
        // record seen so far, and only edits made since can make it run again.
        const notBeforeServerMs = this.lastSeenMs === null ? undefined : (sec(this.lastSeenMs) + 1) * 1000 + SKEW_MS;
        return { cursor: this.holdCursor(), done: false, repair: false, verify: true, notBeforeServerMs };
      }
      this.holdback = null;
      this.watched.clear();
      this.verifyFrom = null;
      if (this.lastSeenMs === null) return { cursor: null, done: true, repair: false, verify: false };
      const nextSecond = (sec(this.lastSeenMs) + 1) * 1000;
      const settled = serverTimeMs !== undefined && serverTimeMs >= nextSecond + SETTLE_MS;
      return { cursor: new Date(settled ? nextSecond : this.lastSeenMs), done: true, repair: false, verify: false };
    }

    const lastMs = last!.updatedMs;
    let k = 0;
    for (let i = records.length - 1; i >= 0 && sec(records[i]!.updatedMs) === sec(lastMs); i--) k++;
    const advances = this.ims === undefined || sec(lastMs) > sec(this.ims.getTime());
    if (advances && k <= this.overlapLimit) {
      // Keyset step: page 1 again, from the last timestamp.
      this.ims = new Date(lastMs);
      this.page = 1;
      return { cursor: this.holdback ? this.holdCursor() : new Date(lastMs), done: false, repair: false, verify: false };
    }
    // Page-number step at the same If-Modified-Since: a run. Watch what it served.
    if (!this.holdback) this.holdback = { at: this.ims };
    if (this.page === 1) {
      // T1: Xero's clock when the run's first page was served; edits that can shift it come later.
      // If a page-1 chain from the previous verifyFrom reached this page, the earlier runs are
      // covered (their lost records would be in that chain or in this run's range, whose losses
      // this run's own verification catches): only this run remains to verify.
      const t1 = (serverTimeMs ?? this.clock() - NO_SERVER_TIME_MARGIN_MS) - SKEW_MS;
      this.verifyFrom = this.verifyFrom === null || this.chainCovers ? t1 : Math.min(this.verifyFrom, t1);
    }
    this.chainCovers = false;
    for (const r of records) {
      const key = idKey(r.id);
      const seen = this.watched.get(key);
      if (seen === undefined || r.updatedMs > seen) this.watched.set(key, r.updatedMs);
    }
    this.page++;
    return { cursor: this.holdCursor(), done: false, repair: false, verify: false };
  }

  private holdCursor(): Date | null {
    return this.holdback?.at ?? null;
  }
}
