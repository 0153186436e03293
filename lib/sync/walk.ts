/**
 * The keyset walk over one entity of one tenant (DESIGN.md points 3 and 4), as a pure state
 * machine: it says which page to ask for next and how far the cursor may be committed after each
 * page. No I/O, so unit tests drive it against a simulated Xero that edits records mid-walk.
 *
 * ## Why it cannot skip a record
 *
 * Xero lists records with UpdatedDateUTC at or after If-Modified-Since, compared at WHOLE SECONDS
 * and inclusive, ordered by UpdatedDateUTC ascending. Facts relied on: (a) a record's
 * UpdatedDateUTC never decreases; (b) an edit gives it Xero's current time, i.e. moves it to the
 * END of the order; (c) records with equal timestamps keep a stable relative order between
 * requests (the simulator orders by (UpdatedDateUTC, id)); (d) nothing is hard-deleted (voids,
 * deletes and archives are status changes, which are edits).
 *
 * 1. Keyset step (the normal case). After a full page whose last record has timestamp L, ask for
 *    page 1 again with If-Modified-Since = L. Every record with a timestamp before second(L) that
 *    existed when the page was served was on it or on an earlier page, because the page starts
 *    at the start of the range and the order is ascending; records edited since then have moved
 *    to the end, inside the new range (b). The records of second(L) come again (the header is
 *    inclusive and second-precision): that overlap is de-duplicated by id and timestamp in the
 *    repository, and costs k re-fetched records, k = how many records of the page share
 *    second(L) (usually 1).
 * 2. Page-number step (many records in one second). If k is large (a bulk edit: 2,500 invoices
 *    sharing one timestamp) the keyset step cannot make progress (second(L) = second(IMS)) or
 *    would re-fetch most of the page, so we ask for page p+1 at the same If-Modified-Since.
 *    Page numbers are unsafe only when a record at an EARLIER position leaves the range order
 *    between two requests: everything after it shifts left by one and the record that moves onto
 *    the page boundary is never served. Under (a)–(d) a record leaves its position only by being
 *    edited, and the records at earlier positions are exactly the ones we already fetched at this
 *    If-Modified-Since. So we remember those (id → timestamp, "watched"); an edited one moves to
 *    the end of the order (b) and is therefore served again later in this same walk with a newer
 *    timestamp. If that ever happens the walk is "dirty": when it reaches the end it walks again
 *    from the If-Modified-Since where the page-number stepping began (re-fetched records cost no
 *    writes), at most MAX_REPAIRS times. If no watched record came back newer, no shift happened
 *    and nothing was skipped.
 * 3. The cursor (committed with each page, in the page's transaction) is the last timestamp seen,
 *    except while page-number stepping is unverified: then it is held at the If-Modified-Since
 *    where that stepping began, because a skipped record could lie anywhere after it. A crash
 *    there resumes from that point, never later. At the end of a clean walk the cursor becomes
 *    the last timestamp seen. Overlap requests make a re-run of an unchanged set cost one call.
 *
 * Costs: N records take ceil(N/1000) pages plus the overlaps (about one record per keyset step),
 * plus one non-full page at the end; watched ids are kept only for page-number stepping, as
 * 52-bit hashes, so memory does not grow with N in the normal case.
 */

export const DEFAULT_PAGE_SIZE = 1000; // the largest pageSize Xero accepts
export const MAX_REPAIRS = 3;

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
  /** Where unverified page-number stepping began (undefined inside = the very beginning). */
  private holdback: { at: Date | undefined } | null = null;
  private watched = new Map<number, number>();
  private dirty = false;
  private lastSeenMs: number | null = null;
  repairs = 0;

  constructor(
    start: Date | undefined,
    private readonly pageSize = DEFAULT_PAGE_SIZE,
    /** Keyset-step only when at most this many records of the page share its last second. */
    private readonly overlapLimit = Math.max(1, Math.floor(pageSize / 10)),
  ) {
    this.ims = start;
  }

  request(): WalkRequest {
    return { ifModifiedSince: this.ims, page: this.page };
  }

  /** Records one served page (in the order served) and decides what comes next. */
  accept(records: WalkRecord[]): PageDecision {
    let prev = -Infinity;
    for (const r of records) {
      if (r.updatedMs < prev) throw new Error("Xero returned records out of UpdatedDateUTC order; cannot walk them safely");
      prev = r.updatedMs;
      if (this.watched.size) {
        const seen = this.watched.get(idKey(r.id));
        if (seen !== undefined && r.updatedMs > seen) this.dirty = true;
      }
    }
    const last = records.at(-1);
    if (last && (this.lastSeenMs === null || last.updatedMs > this.lastSeenMs)) this.lastSeenMs = last.updatedMs;

    if (records.length < this.pageSize) {
      // The end of the set as it is now.
      if (this.dirty && this.holdback) {
        if (++this.repairs > MAX_REPAIRS) {
          throw new Error(`records kept changing while paging (${MAX_REPAIRS} repair passes); the next sync continues from the held cursor`);
        }
        this.ims = this.holdback.at;
        this.page = 1;
        this.watched.clear();
        this.dirty = false;
        return { cursor: this.holdCursor(), done: false, repair: true };
      }
      this.holdback = null;
      this.watched.clear();
      return { cursor: this.lastSeenMs === null ? null : new Date(this.lastSeenMs), done: true, repair: false };
    }

    const lastMs = last!.updatedMs;
    let k = 0;
    for (let i = records.length - 1; i >= 0 && sec(records[i]!.updatedMs) === sec(lastMs); i--) k++;
    const advances = this.ims === undefined || sec(lastMs) > sec(this.ims.getTime());
    if (advances && k <= this.overlapLimit) {
      // Keyset step: the pages fetched at the old If-Modified-Since no longer matter for shifts.
      this.ims = new Date(lastMs);
      this.page = 1;
      return { cursor: this.holdback ? this.holdCursor() : new Date(lastMs), done: false, repair: false };
    }
    // Page-number step at the same If-Modified-Since: watch what we fetched at it.
    if (!this.holdback) this.holdback = { at: this.ims };
    for (const r of records) {
      const key = idKey(r.id);
      const seen = this.watched.get(key);
      if (seen === undefined || r.updatedMs > seen) this.watched.set(key, r.updatedMs);
    }
    this.page++;
    return { cursor: this.holdCursor(), done: false, repair: false };
  }

  private holdCursor(): Date | null {
    return this.holdback?.at ?? null;
  }
}
