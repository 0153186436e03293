/**
 * Xero's app-wide minute limit held by three processes together: each syncs its own organisation
 * at once, and with the simulator's app limit lowered to 120 a minute they need more than 120
 * calls, so the limit binds. Nobody told the processes the 120: they learn it from
 * X-AppMinLimit-Remaining, recorded in PostgreSQL for all of them (lib/sync/shared-limits.ts).
 * The simulator's own log is the judge: zero 429s, and none of its per-organisation limits (60 a
 * minute, 5 in flight) or the app's 120 a minute exceeded in any window. PostgreSQL only: three
 * processes on one database.
 */
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { spawnTsx } from "@/tests/helpers/tsx-child";
import { createWorld, ctl, expectMirrorsSimulator, type SyncWorld } from "./harness";

const APP_PER_MINUTE = 120;
// Per organisation with pages of 10: about 30 invoice pages and a few answers for each other
// entity, some 45 calls; about 135 for the three: over the 120, but not by much.
const TENANT = { invoices: 280, contacts: 12, counts: { payments: 5, creditNotes: 3, overpayments: 1, prepayments: 1, bankTransactions: 5, manualJournals: 2, purchaseOrders: 2, items: 3 } };

interface LogEntry {
  seq: number;
  tenantId: string | null;
  status: number;
  timestamp: string;
  durationMs: number;
  kind: string;
}

/** The most entries that fall into any window of `spanMs` starting at an entry. */
function maxInWindow(entries: LogEntry[], spanMs: number): number {
  const at = entries.map((e) => Date.parse(e.timestamp)).sort((a, b) => a - b);
  let best = 0;
  for (let i = 0, j = 0; i < at.length; i++) {
    while (at[i]! - at[j]! >= spanMs) j++;
    best = Math.max(best, i - j + 1);
  }
  return best;
}

/** The most entries in flight at once (arrival to answer). */
function maxInFlight(entries: LogEntry[]): number {
  const events = entries.flatMap((e) => [
    [Date.parse(e.timestamp), 1],
    [Date.parse(e.timestamp) + e.durationMs, -1],
  ]);
  events.sort((a, b) => a[0]! - b[0]! || a[1]! - b[1]!);
  let now = 0;
  let best = 0;
  for (const [, d] of events) best = Math.max(best, (now += d!));
  return best;
}

describe("Xero's limits shared by processes", () => {
  let world: SyncWorld;
  beforeAll(async () => {
    world = await createWorld(
      [
        { name: "Kauri Ltd (NZ)", ...TENANT },
        { name: "Rimu Ltd (NZ)", ...TENANT },
        { name: "Totara Ltd (NZ)", ...TENANT },
      ],
      { limits: { enabled: true, concurrent: 5, perMinute: 60, perDay: 5000, appPerMinute: APP_PER_MINUTE } },
    );
  });
  afterAll(() => world?.close());

  it("three processes syncing three organisations together make more than the app's 120 calls a minute and get no 429 (PostgreSQL only: three processes on one database)", async () => {
    const { lastSeq } = await ctl<{ lastSeq: number }>(world.sim, "GET", "/__sim/log");
    const children = world.user.tenants.map((t) =>
      spawnTsx(path.join(import.meta.dirname, "../../helpers/child-sync.ts"), [t.id, "60000", JSON.stringify({ pageSize: 10 })], {
        ...process.env,
        DATABASE_URL: world.db.url,
      }),
    );
    await Promise.all(children.map((c) => c.printed(/DONE /)));
    for (const c of children) {
      expect(await c.exited).toBe(0);
      expect(JSON.parse(/DONE (.*)\n/.exec(c.out())![1]!)).toMatchObject({ status: "success" });
    }

    const { entries } = await ctl<{ entries: LogEntry[] }>(world.sim, "GET", `/__sim/log?since=${lastSeq}`);
    const api = entries.filter((e) => e.kind === "api");
    expect(api.length).toBeGreaterThan(APP_PER_MINUTE);
    expect(api.filter((e) => e.status === 429)).toEqual([]);
    expect(api.every((e) => e.status === 200)).toBe(true);
    expect(maxInWindow(api, 60_000)).toBeLessThanOrEqual(APP_PER_MINUTE);
    for (const t of world.user.tenants) {
      const own = api.filter((e) => e.tenantId === t.xeroTenantId);
      expect(own.length).toBeGreaterThan(APP_PER_MINUTE / 3);
      expect(maxInWindow(own, 60_000)).toBeLessThanOrEqual(60);
      expect(maxInFlight(own)).toBeLessThanOrEqual(5);
      await expectMirrorsSimulator(world, t);
    }
  });
});
