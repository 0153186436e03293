/**
 * Xero's limits kept in PostgreSQL, so that they hold for every process on every machine together
 * (workers, the app, `npm run sync`): per organisation 5 calls in flight and 60 per rolling minute,
 * its daily quota, and per app 10,000 calls a minute. The call layer (call-layer.ts) takes one slot
 * per request from here instead of from its in-process limiter whenever the database is PostgreSQL.
 *
 * - Keys: Xero's client id and Xero's tenant id (not xero_tenants.id): Xero counts per app and
 *   organisation, so two users who connect one organisation share its limits.
 * - Each acquire and each release is one round trip: a plpgsql function from the migrations
 *   (xero_limit_acquire / xero_limit_release) that decides under the app's row lock and answers a
 *   slot, or how long to wait. Waiting is sleeping until that instant; only a wait for a slot in
 *   flight elsewhere has no known end (its release may come from another process), and is
 *   re-asked after CONCURRENT_RECHECK_MS, or at once when a call of this process ends.
 * - The minute windows count our own calls from their departure plus a margin (Xero counts
 *   arrival), and what Xero's X-MinLimit-Remaining / X-AppMinLimit-Remaining / X-DayLimit-Remaining
 *   said (someone else may use the same quota). A 429 pauses the organisation (or the app, for
 *   `appminute`) until its Retry-After, in every process.
 * - The daily quota: once Xero said none remains, one call at a time goes, so that Xero's 429
 *   names the instant the rolling day frees one (Retry-After); until then every process gets
 *   DailyRateLimitError at once, as the sync that met the 429 did.
 * - A killed process's slots stop counting as in flight after `holdMs` (well above the request
 *   timeout); rows older than two minutes are pruned by the acquires themselves.
 * - Time: the database's clock (one clock for every machine), or `at()` when a test injects one.
 */
import { sql } from "drizzle-orm";
import { databaseKindOf, queryRows, type Db } from "@/lib/db";
import { logServerError } from "@/lib/log";
import type { CallLayerOptions, CallLimiter, CallSlot, LimitAnswer } from "./call-layer";
import { DailyRateLimitError } from "./errors";

/** A wait for a slot another process holds is asked again after this long (its release is not announced). */
export const CONCURRENT_RECHECK_MS = 200;

export interface SharedLimitOptions {
  /** Xero's client id of this app (XERO_CLIENT_ID); Xero's per-app limits are counted per client id. */
  clientId: string;
  xeroTenantId: string;
  perMinute?: number;
  concurrent?: number;
  appPerMinute?: number;
  /** Margin added to the rolling-minute windows (default 250 ms, as the in-process limiter). */
  windowMarginMs?: number;
  /** A slot whose process never released it stops counting as in flight after this long. */
  holdMs: number;
  /** Tests: the instant the SQL reasons at (default: the database's clock). */
  at?: () => Date;
  sleep?: (ms: number) => Promise<void>;
}

export type Admission =
  | { slot: number }
  | { waitMs: number; reason: "paused" | "minute" | "app" | "concurrent" | "day" }
  | { dailyLimitedUntil: Date };

type Resolved = { clientId: string; xeroTenantId: string; perMinute: number; concurrent: number; appPerMinute: number; windowMarginMs: number; holdMs: number };

function withDefaults(o: SharedLimitOptions): Resolved {
  return {
    clientId: o.clientId,
    xeroTenantId: o.xeroTenantId,
    perMinute: o.perMinute ?? 60,
    concurrent: o.concurrent ?? 5,
    appPerMinute: o.appPerMinute ?? 10_000,
    windowMarginMs: o.windowMarginMs ?? 250,
    holdMs: o.holdMs,
  };
}

/** One admission decision (one round trip): a slot, a wait, or the daily limit's end. */
export async function acquireSharedSlot(db: Db, options: SharedLimitOptions, at: Date | null = options.at?.() ?? null): Promise<Admission> {
  const o = withDefaults(options);
  const [row] = await queryRows<{ granted_slot: string | number | null; wait_ms: number | null; wait_reason: string | null; limited_until: Date | string | null }>(
    db,
    sql`select * from xero_limit_acquire(${o.clientId}, ${o.xeroTenantId}, ${at ? at.toISOString() : null}::timestamptz, ${o.perMinute}::int, ${o.concurrent}::int, ${o.appPerMinute}::int, ${o.windowMarginMs}::int, ${o.holdMs}::int)`,
  );
  if (!row) throw new Error("xero_limit_acquire answered nothing");
  if (row.granted_slot !== null) return { slot: Number(row.granted_slot) };
  if (row.limited_until !== null) return { dailyLimitedUntil: new Date(row.limited_until) };
  return { waitMs: Number(row.wait_ms), reason: row.wait_reason as Extract<Admission, { waitMs: number }>["reason"] };
}

const remaining = (headers: Record<string, string>, name: string): number | null => {
  const v = headers[name];
  if (v === undefined || v.trim() === "") return null;
  const n = Number(v);
  return Number.isFinite(n) ? Math.floor(n) : null;
};

/** Ends a slot and records what the answer said (one round trip). */
export async function releaseSharedSlot(db: Db, slot: number, answer?: LimitAnswer, at: Date | null = null): Promise<void> {
  const h = answer && !answer.throttled ? answer.headers : {};
  const t = answer?.throttled;
  const wait = t ? Math.max(0, Math.round(t.retryAfterMs)) : null;
  await db.execute(
    sql`select xero_limit_release(${slot}::bigint, ${at ? at.toISOString() : null}::timestamptz, ${remaining(h, "x-minlimit-remaining")}::int, ${remaining(h, "x-appminlimit-remaining")}::int, ${remaining(h, "x-daylimit-remaining")}::int, ${t && t.problem !== "day" && t.problem !== "appminute" ? wait : null}::int, ${t?.problem === "appminute" ? wait : null}::int, ${t?.problem === "day" ? wait : null}::int)`,
  );
}

// Calls of this process that end wake its waiters for the same organisation at once.
const globalWaiters = globalThis as unknown as { __xeroSharedLimitWaiters?: Map<string, Set<() => void>> };
const waiters = (globalWaiters.__xeroSharedLimitWaiters ??= new Map());

function wake(key: string): void {
  const set = waiters.get(key);
  if (!set) return;
  waiters.delete(key);
  for (const w of set) w();
}

function released(key: string): { promise: Promise<void>; cancel: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  let set = waiters.get(key);
  if (!set) waiters.set(key, (set = new Set()));
  set.add(resolve);
  return { promise, cancel: () => waiters.get(key)?.delete(resolve) };
}

const defaultSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** The call layer's limiter over PostgreSQL for one Xero tenant of one app. */
export class SharedLimiter implements CallLimiter {
  private readonly key: string;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(
    private readonly db: Db,
    private readonly options: SharedLimitOptions,
  ) {
    this.key = `${options.clientId}\n${options.xeroTenantId}`;
    this.sleep = options.sleep ?? defaultSleep;
  }

  async acquire(onWait: (ms: number) => void): Promise<CallSlot> {
    for (;;) {
      const admission = await acquireSharedSlot(this.db, this.options);
      if ("slot" in admission) return this.slot(admission.slot);
      if ("dailyLimitedUntil" in admission) throw new DailyRateLimitError(admission.dailyLimitedUntil);
      if (admission.reason === "concurrent" || admission.reason === "day") {
        // Slots in flight here or elsewhere: whichever comes first, one of ours ending or the re-check.
        const ours = released(this.key);
        await Promise.race([ours.promise, this.sleep(Math.min(admission.waitMs, CONCURRENT_RECHECK_MS))]);
        ours.cancel();
        continue;
      }
      onWait(admission.waitMs);
      await this.sleep(admission.waitMs);
    }
  }

  private slot(id: number): CallSlot {
    let done = false;
    return {
      release: async (answer) => {
        if (done) return;
        done = true;
        try {
          await releaseSharedSlot(this.db, id, answer, this.options.at?.() ?? null);
        } catch (error) {
          // The slot then stops counting as in flight when it expires; the call's own outcome stands.
          logServerError("xero limits: releasing a slot", error);
        } finally {
          wake(this.key);
        }
      },
    };
  }
}

/** Holds a slot well past the longest a request may take (its timeout), for a process that dies holding it. */
export function slotHoldMs(timeoutMs: number): number {
  return Math.max(2 * timeoutMs, timeoutMs + 60_000);
}

/**
 * The limiter a sync on `db` uses: the shared one on PostgreSQL (several processes may call Xero
 * for one organisation), none (the call layer's in-process one) on PGlite, which is one process,
 * and when pacing is off (a Xero without limits: only its 429s are obeyed).
 */
export function sharedLimiterFor(db: Db, clientId: string, xeroTenantId: string, options: CallLayerOptions): CallLimiter | undefined {
  if (options.limiter || options.pacing === false || databaseKindOf(db) !== "postgres") return options.limiter;
  return new SharedLimiter(db, {
    clientId,
    xeroTenantId,
    perMinute: options.perMinute,
    concurrent: options.concurrent,
    appPerMinute: options.appPerMinute,
    windowMarginMs: options.windowMarginMs,
    holdMs: slotHoldMs(options.timeoutMs),
    ...(options.sleep ? { sleep: options.sleep } : {}),
  });
}
