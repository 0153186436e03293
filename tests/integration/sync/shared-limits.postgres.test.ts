/**
 * Xero's limits kept in PostgreSQL (lib/sync/shared-limits.ts, the functions of its migration),
 * with the instant each decision is made at passed in: every wait below is exact, not timed.
 * PostgreSQL only: on PGlite (one process) the call layer keeps the limits in memory.
 */
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { queryRows } from "@/lib/db";
import { XeroCaller, type XeroFailure } from "@/lib/sync/call-layer";
import { DailyRateLimitError, XeroRequestError, XeroUnavailableError } from "@/lib/sync/errors";
import { acquireSharedSlot, releaseSharedSlot, SharedLimiter, type Admission, type SharedLimitOptions } from "@/lib/sync/shared-limits";
import { createTestDatabase, type TestDatabase } from "@/tests/helpers/db";

const T0 = Date.parse("2026-03-02T09:00:00.000Z");
const at = (ms: number) => new Date(T0 + ms);
const SPAN = 60_000 + 250; // the rolling minute plus the margin for arrival vs departure
const HOLD = 90_000;

describe("Xero's limits shared in PostgreSQL", () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(() => db?.close());
  beforeEach(async () => {
    await db.db.execute(sql`truncate xero_limit_calls, xero_limit_scopes`);
  });

  const org = (xeroTenantId: string, extra: Partial<SharedLimitOptions> = {}): SharedLimitOptions => ({ clientId: "APP1", xeroTenantId, holdMs: HOLD, ...extra });
  const take = async (o: SharedLimitOptions, ms: number): Promise<number> => {
    const a = await acquireSharedSlot(db.db, o, at(ms));
    if (!("slot" in a)) throw new Error(`expected a slot at +${ms} ms, got ${JSON.stringify(a)}`);
    return a.slot;
  };
  const ask = (o: SharedLimitOptions, ms: number): Promise<Admission> => acquireSharedSlot(db.db, o, at(ms));
  const inFlight = async () => Number((await queryRows<{ n: string }>(db.db, sql`select count(*) as n from xero_limit_calls where released_at is null`))[0]!.n);

  it("admits 60 calls per organisation per rolling minute (plus the margin), then says exactly when the next may start", async () => {
    const a = org("ORG-A");
    for (let i = 0; i < 60; i++) await releaseSharedSlot(db.db, await take(a, i * 100), undefined, at(i * 100 + 50));
    // The 61st waits until the first leaves the window: 0 + 60 s + margin + 1 ms.
    expect(await ask(a, 10_000)).toEqual({ waitMs: SPAN + 1 - 10_000, reason: "minute" });
    // Another organisation of the same app has its own minute.
    await take(org("ORG-B"), 10_000);
    expect(await ask(a, SPAN - 1)).toEqual({ waitMs: 2, reason: "minute" });
    await take(a, SPAN);
    // The next waits for the second call (at +100 ms) to leave.
    expect(await ask(a, SPAN + 1)).toEqual({ waitMs: 100, reason: "minute" });
  });

  it("holds at most 5 calls in flight per organisation; a release frees one", async () => {
    const a = org("ORG-A");
    const slots = [];
    for (let i = 0; i < 5; i++) slots.push(await take(a, i));
    expect(await ask(a, 10)).toMatchObject({ reason: "concurrent" });
    await take(org("ORG-B"), 10);
    await releaseSharedSlot(db.db, slots[0]!, { headers: {} }, at(20));
    await take(a, 21);
    expect(await ask(a, 22)).toMatchObject({ reason: "concurrent" });
  });

  it("counts the app's calls across its organisations: our own, and what X-AppMinLimit-Remaining says", async () => {
    // Our own count: appPerMinute across three organisations.
    const o = (t: string) => org(t, { appPerMinute: 10 });
    for (let i = 0; i < 10; i++) await releaseSharedSlot(db.db, await take(o(`ORG-${i % 3}`), i), undefined, at(i));
    expect(await ask(o("ORG-9"), 100)).toEqual({ waitMs: SPAN + 1 - 100, reason: "app" });
    // Another app (client id) has its own.
    await take({ ...o("ORG-9"), clientId: "APP2" }, 100);

    // Learned: a call answers that 3 remain app-wide; one other call started after it (in flight
    // at Xero, perhaps not counted), so 2 are left for new calls, wherever they go.
    await db.db.execute(sql`truncate xero_limit_calls, xero_limit_scopes`);
    const first = await take(org("ORG-A"), 0);
    const second = await take(org("ORG-B"), 10);
    await releaseSharedSlot(db.db, first, { headers: { "x-appminlimit-remaining": "3" } }, at(500));
    await take(org("ORG-C"), 600);
    await take(org("ORG-A"), 700);
    // Used up: the minute that answer spoke of must pass (from its answer: Xero counted by then).
    expect(await ask(org("ORG-D"), 800)).toEqual({ waitMs: 500 + SPAN - 800, reason: "app" });
    await take(org("ORG-D"), 500 + SPAN);
    // Older news than what is stored changes nothing; newer news replaces it.
    const late = await take(org("ORG-E"), 500 + SPAN + 10);
    await releaseSharedSlot(db.db, late, { headers: { "x-appminlimit-remaining": "0" } }, at(500 + SPAN + 20));
    await releaseSharedSlot(db.db, second, { headers: { "x-appminlimit-remaining": "50" } }, at(500 + SPAN + 25));
    expect(await ask(org("ORG-F"), 500 + SPAN + 30)).toEqual({ waitMs: 500 + SPAN + 20 + SPAN - (500 + SPAN + 30), reason: "app" });
  });

  it("pauses an organisation on X-MinLimit-Remaining 0 and after a 429 (Retry-After), the app on an appminute 429", async () => {
    const a = org("ORG-A");
    const s = await take(a, 0);
    await releaseSharedSlot(db.db, s, { headers: { "x-minlimit-remaining": "0" } }, at(1000));
    expect(await ask(a, 2000)).toEqual({ waitMs: 1000 + SPAN - 2000, reason: "minute" });
    await take(org("ORG-B"), 2000);

    await db.db.execute(sql`truncate xero_limit_calls, xero_limit_scopes`);
    const s2 = await take(a, 0);
    await releaseSharedSlot(db.db, s2, { headers: {}, throttled: { problem: "minute", retryAfterMs: 5000 } }, at(100));
    expect(await ask(a, 200)).toEqual({ waitMs: 4900, reason: "paused" });
    await take(org("ORG-B"), 200);
    await take(a, 5100);
    const s3 = await take(org("ORG-B"), 6000);
    await releaseSharedSlot(db.db, s3, { headers: {}, throttled: { problem: "appminute", retryAfterMs: 2000 } }, at(6000));
    expect(await ask(org("ORG-C"), 7000)).toEqual({ waitMs: 1000, reason: "paused" });
  });

  it("stops an organisation whose daily quota is spent: one call finds out when it frees, then every process is told at once", async () => {
    const a = org("ORG-A");
    const s = await take(a, 0);
    await releaseSharedSlot(db.db, s, { headers: { "x-daylimit-remaining": "1" } }, at(100));
    const last = await take(a, 200);
    // Spent, one call in flight: the next waits for it rather than spend a 429 on finding out.
    expect(await ask(a, 300)).toMatchObject({ reason: "day" });
    await releaseSharedSlot(db.db, last, { headers: { "x-daylimit-remaining": "0" } }, at(400));
    // Nothing in flight: one call goes, and Xero's 429 names the instant the rolling day frees one.
    const probe = await take(a, 500);
    expect(await ask(a, 600)).toMatchObject({ reason: "day" });
    await releaseSharedSlot(db.db, probe, { headers: {}, throttled: { problem: "day", retryAfterMs: 3_600_000 } }, at(700));
    expect(await ask(a, 800)).toEqual({ dailyLimitedUntil: at(700 + 3_600_000) });
    // Another organisation is not stopped; this one is asked again once the instant passed.
    await take(org("ORG-B"), 800);
    const after = await take(a, 700 + 3_600_000);
    await releaseSharedSlot(db.db, after, { headers: { "x-daylimit-remaining": "4999" } }, at(701 + 3_600_000));
    await take(a, 702 + 3_600_000);
    await take(a, 703 + 3_600_000);

    // Through the limiter the call layer uses: DailyRateLimitError with the instant.
    await db.db.execute(sql`truncate xero_limit_calls, xero_limit_scopes`);
    const now = { ms: 0 };
    const limiter = new SharedLimiter(db.db, { ...a, at: () => at(now.ms) });
    const slot = await limiter.acquire(() => {});
    now.ms = 50;
    await slot.release({ headers: {}, throttled: { problem: "day", retryAfterMs: 7_200_000 } });
    const err = await limiter.acquire(() => {}).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DailyRateLimitError);
    expect((err as DailyRateLimitError).until).toEqual(at(50 + 7_200_000));
  });

  it("a killed process's slots stop counting as in flight after the hold; bookkeeping older than two minutes is pruned", async () => {
    const a = org("ORG-A");
    for (let i = 0; i < 5; i++) await take(a, i); // never released: their process died
    expect(await ask(a, HOLD - 1)).toMatchObject({ reason: "concurrent", waitMs: 1 });
    await take({ ...a, holdMs: 300_000 }, HOLD + 4); // all five expired
    const rows = async () => Number((await queryRows<{ n: string }>(db.db, sql`select count(*) as n from xero_limit_calls`))[0]!.n);
    expect(await rows()).toBe(6);
    // Two minutes on, only the one still in flight (not yet expired) is kept.
    await take(org("ORG-B"), HOLD + 4 + 120_001);
    expect(await rows()).toBe(2);
  });

  it("the call layer releases its slot on every path: an answer, a refusal, a timeout", async () => {
    class HttpFail {
      constructor(readonly status: number) {}
    }
    const classify = (e: unknown): XeroFailure => (e instanceof HttpFail ? { kind: "http", status: e.status, headers: {} } : { kind: "network" });
    const caller = new XeroCaller("ORG-A", { get: async () => "token" }, classify, {
      timeoutMs: 50,
      maxAttempts: 1,
      limiter: new SharedLimiter(db.db, org("ORG-A")),
    });
    await expect(caller.call(async () => ({ value: 1, headers: { "x-minlimit-remaining": "59" } }))).resolves.toMatchObject({ value: 1 });
    expect(await inFlight()).toBe(0);
    await expect(caller.call(() => Promise.reject(new HttpFail(400)))).rejects.toBeInstanceOf(XeroRequestError);
    expect(await inFlight()).toBe(0);
    await expect(caller.call(() => new Promise<never>(() => {}))).rejects.toBeInstanceOf(XeroUnavailableError);
    expect(await inFlight()).toBe(0);
  });
});
