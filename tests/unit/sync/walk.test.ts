/**
 * The keyset walk against a simulated Xero that edits records between pages (moving them to the
 * end), with many records sharing one second, and crashes at random points. Property: nothing is
 * skipped (every record not edited after the last page was served is stored with its current
 * timestamp), and a new walk from the committed cursor after a crash still converges.
 */
import { describe, expect, it } from "vitest";
import { SyncWalkError } from "@/lib/sync/errors";
import { SKEW_MS, SyncWalk, type WalkRecord } from "@/lib/sync/walk";

function rng(seed: number) {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 2 ** 32;
  };
}

class FakeXero {
  records = new Map<string, number>();
  now: number;
  serves = 0;
  constructor(private readonly r: () => number, n: number, shared: number, groupAtEnd = false) {
    let t = Date.UTC(2024, 0, 1);
    const sharedAt = groupAtEnd ? n - shared : Math.floor(r() * Math.max(1, n - shared));
    for (let i = 0; i < n; i++) {
      const id = `00000000-0000-4000-8000-${String(i).padStart(12, "0")}`;
      if (i === sharedAt) t += 1000;
      if (i >= sharedAt && i < sharedAt + shared) this.records.set(id, t + 500); // a bulk edit: one timestamp
      else {
        t += Math.floor(r() * 3000); // often several records per second
        this.records.set(id, t);
      }
    }
    this.now = Date.UTC(2025, 0, 1);
  }
  serve(ims: Date | undefined, page: number, size: number): WalkRecord[] {
    this.serves++;
    this.now += 50 + Math.floor(this.r() * 300); // time passes between requests
    const floor = ims ? Math.floor(ims.getTime() / 1000) * 1000 : -Infinity;
    const all = [...this.records].filter(([, ts]) => ts >= floor).sort((a, b) => a[1] - b[1] || (a[0] < b[0] ? -1 : 1));
    return all.slice((page - 1) * size, page * size).map(([id, updatedMs]) => ({ id, updatedMs }));
  }
  editRandom(count: number): void {
    const ids = [...this.records.keys()];
    for (let i = 0; i < count; i++) {
      this.now += Math.floor(this.r() * 700);
      this.records.set(ids[Math.floor(this.r() * ids.length)]!, this.now);
    }
  }
}

/** Runs a walk; returns the committed cursor. Stops after `crashAfter` pages if given. */
function runWalk(x: FakeXero, stored: Map<string, number>, start: Date | undefined, r: () => number, opts: { editRate: number; crashAfter?: number; pageSize: number }) {
  const walk = new SyncWalk(start, opts.pageSize);
  let cursor = start;
  let pages = 0;
  let lastServe = 0;
  for (;;) {
    const req = walk.request();
    const recs = x.serve(req.ifModifiedSince, req.page, opts.pageSize);
    lastServe = x.serves;
    const d = walk.accept(recs, x.now); // DateTimeUTC: the fake's clock when it served
    for (const rec of recs) if ((stored.get(rec.id) ?? -1) < rec.updatedMs) stored.set(rec.id, rec.updatedMs);
    if (d.cursor && (!cursor || d.cursor > cursor)) cursor = d.cursor;
    pages++;
    if (d.done) return { cursor, pages, lastServe, crashed: false };
    if (opts.crashAfter !== undefined && pages >= opts.crashAfter) return { cursor, pages, lastServe, crashed: true };
    // Fewer edits per page than records per page, or the walk could chase edits forever.
    if (r() < opts.editRate) x.editRandom(1 + Math.floor((r() * opts.pageSize) / 3));
  }
}

describe("SyncWalk", () => {
  it("refuses a page out of UpdatedDateUTC order with a SyncWalkError the engine can tell apart", () => {
    const walk = new SyncWalk(undefined, 10);
    const t = Date.UTC(2025, 0, 1);
    const served = [
      { id: "a", updatedMs: t + 2000 },
      { id: "b", updatedMs: t },
    ];
    let caught: unknown;
    try {
      walk.accept(served, t + 5000);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(SyncWalkError);
    expect((caught as SyncWalkError).reason).toBe("out_of_order");
  });

  it("N records take ceil(N/1000)+1 pages at most, also with 2,500 sharing one timestamp", () => {
    for (const [n, shared] of [[5000, 20], [10_000, 2500], [2500, 2500], [3000, 1], [7000, 2500]] as const) {
      const x = new FakeXero(rng(n + shared), n, shared);
      const stored = new Map<string, number>();
      const res = runWalk(x, stored, undefined, rng(1), { editRate: 0, pageSize: 1000 });
      expect(stored.size).toBe(n);
      expect(res.pages).toBeLessThanOrEqual(Math.ceil(n / 1000) + 1);
      // A re-run from the cursor is one call.
      const again = runWalk(x, stored, res.cursor, rng(2), { editRate: 0, pageSize: 1000 });
      expect(again.pages).toBe(1);
    }
  });

  it("never skips a record under random edits between pages and random crashes (300 seeds)", { timeout: 60_000 }, () => {
    for (let seed = 1; seed <= 300; seed++) {
      const r = rng(seed * 7919);
      const pageSize = [10, 25, 100][seed % 3]!;
      const n = 50 + Math.floor(r() * 600);
      const shared = r() < 0.7 ? Math.floor(r() * n * 0.6) : 1;
      const x = new FakeXero(r, n, shared, r() < 0.5);
      const stored = new Map<string, number>();
      const editRate = r() * 0.8;
      let cursor: Date | undefined;
      let last: ReturnType<typeof runWalk> | undefined;
      // Up to two crashes, then a walk that runs to the end.
      for (let attempt = 0; attempt < 3; attempt++) {
        const crashAfter = attempt < 2 && r() < 0.7 ? 1 + Math.floor(r() * 12) : undefined;
        const before = new Map(x.records);
        try {
          last = runWalk(x, stored, cursor, r, { editRate, crashAfter, pageSize });
        } catch (error) {
          // Too many edits during repair passes: the run fails and the next one resumes from the cursor.
          expect(error).toBeInstanceOf(SyncWalkError);
          expect((error as SyncWalkError).reason).toBe("kept_changing");
          last = { cursor, pages: 0, lastServe: 0, crashed: true };
        }
        // The cursor never passes a record that is not stored.
        if (last.cursor) {
          for (const [id, ts] of x.records) {
            if (Math.floor(ts / 1000) < Math.floor(last.cursor.getTime() / 1000) && before.get(id) === ts) {
              expect(stored.get(id), `seed ${seed}: cursor passed unstored ${id}`).toBe(ts);
            }
          }
        }
        cursor = last.cursor;
        if (!last.crashed) break;
      }
      if (last!.crashed) last = runWalk(x, stored, last!.cursor, r, { editRate: 0, pageSize });
      // Nothing edited after the final page: everything stored exactly.
      for (const [id, ts] of x.records) expect(stored.get(id), `seed ${seed} id ${id}`).toBe(ts);
    }
  });

  it("an edit landing before the page boundary when the walk ends inside a run is caught by the verification request", () => {
    // 5 ordinary records, then 25 sharing one second: pages of 10 → a run of page-number steps.
    const x = new FakeXero(rng(3), 30, 25, true);
    const stored = new Map<string, number>();
    const walk = new SyncWalk(undefined, 10);
    let watchedVictim: string | undefined;
    for (let guard = 0; guard < 50; guard++) {
      const req = walk.request();
      const recs = x.serve(req.ifModifiedSince, req.page, 10);
      if (req.page === 1 && !watchedVictim) watchedVictim = recs[0]!.id;
      const d = walk.accept(recs, x.now);
      for (const r of recs) if ((stored.get(r.id) ?? -1) < r.updatedMs) stored.set(r.id, r.updatedMs);
      if (d.done) break;
      // Page 3 was full and the set ends exactly at its boundary: edit a record of page 1 now.
      if (req.page === 3 && req.ifModifiedSince === undefined) {
        x.now += 10;
        x.records.set(watchedVictim!, x.now);
      }
    }
    for (const [id, ts] of x.records) expect(stored.get(id), id).toBe(ts);
    expect(walk.verifications + walk.repairs).toBeGreaterThanOrEqual(1);
  });

  it("a verification waits until Xero's clock is SKEW_MS past the newest record seen, so a fresh bulk edit cannot keep it running", () => {
    // 25 records of one second, edited just now (a bulk edit), in pages of 10: a run, then its verification.
    const x = new FakeXero(rng(5), 30, 25, true);
    const newest = Math.max(...x.records.values());
    x.now = newest + 200;
    const walk = new SyncWalk(undefined, 10);
    let verify: { notBeforeServerMs?: number } | undefined;
    for (let guard = 0; guard < 20 && !verify; guard++) {
      const req = walk.request();
      const d = walk.accept(x.serve(req.ifModifiedSince, req.page, 10), x.now);
      if (d.verify) verify = d;
      expect(d.done).toBe(false);
    }
    expect(verify?.notBeforeServerMs).toBe((Math.floor(newest / 1000) + 1) * 1000 + SKEW_MS);
  });
});
