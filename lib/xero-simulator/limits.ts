/**
 * Xero's rate limits (https://developer.xero.com/documentation/guides/oauth2/limits/):
 * per app+tenant: 5 calls in flight, 60 per rolling minute, 5,000 per rolling day (1,000 on
 * Xero's new free tier); per app: 10,000 per minute across all tenants. A 429 names the limit in
 * `X-Rate-Limit-Problem` (concurrent | minute | day | appminute) and says when to come back in
 * `Retry-After` (seconds). Every API response carries the *Remaining headers.
 */

export interface LimitConfig {
  /** false: count and send headers, but never answer 429. */
  enabled: boolean;
  concurrent: number;
  perMinute: number;
  perDay: number;
  appPerMinute: number;
  /**
   * Every API answer waits this long after admission (ms, holding its concurrency slot), as Xero's
   * own page latency: benchmarks model the real Xero with it. Not a limit: applies with limits off too.
   */
  latencyMs: number;
}

export const DEFAULT_LIMITS: LimitConfig = { enabled: true, concurrent: 5, perMinute: 60, perDay: 5000, appPerMinute: 10_000, latencyMs: 0 };

const MINUTE = 60_000;
const DAY = 86_400_000;

/** Rolling window of call timestamps (a queue with a moving head). */
class Window {
  private ts: number[] = [];
  private head = 0;
  constructor(private readonly spanMs: number) {}
  prune(now: number): void {
    while (this.head < this.ts.length && (this.ts[this.head] ?? 0) <= now - this.spanMs) this.head++;
    if (this.head > 4096 && this.head * 2 > this.ts.length) {
      this.ts = this.ts.slice(this.head);
      this.head = 0;
    }
  }
  count(now: number): number {
    this.prune(now);
    return this.ts.length - this.head;
  }
  add(now: number): void {
    this.ts.push(now);
  }
  /** ms until the oldest call leaves the window (0 if empty). */
  freesIn(now: number): number {
    this.prune(now);
    const oldest = this.ts[this.head];
    return oldest === undefined ? 0 : oldest + this.spanMs - now;
  }
}

interface Bucket {
  inFlight: number;
  minute: Window;
  day: Window;
}

export type LimitProblem = "concurrent" | "minute" | "day" | "appminute";

export type Admission =
  | { ok: true; release: () => void; headers: Record<string, string> }
  | { ok: false; problem: LimitProblem; retryAfterS: number; headers: Record<string, string> };

export class RateLimiter {
  config: LimitConfig;
  private buckets = new Map<string, Bucket>();
  private apps = new Map<string, Window>();

  constructor(config: Partial<LimitConfig> | false | undefined) {
    this.config = { ...DEFAULT_LIMITS, ...(config === false ? { enabled: false } : config ?? {}) };
  }

  configure(patch: Partial<LimitConfig>): LimitConfig {
    this.config = { ...this.config, ...patch };
    return this.config;
  }

  resetCounters(): void {
    this.buckets.clear();
    this.apps.clear();
  }

  private bucket(key: string): Bucket {
    let b = this.buckets.get(key);
    if (!b) {
      b = { inFlight: 0, minute: new Window(MINUTE), day: new Window(DAY) };
      this.buckets.set(key, b);
    }
    return b;
  }

  private app(clientId: string): Window {
    let w = this.apps.get(clientId);
    if (!w) {
      w = new Window(MINUTE);
      this.apps.set(clientId, w);
    }
    return w;
  }

  headers(clientId: string, tenantId: string, now: number): Record<string, string> {
    const b = this.bucket(`${clientId}:${tenantId}`);
    const c = this.config;
    return {
      "X-DayLimit-Remaining": String(Math.max(0, c.perDay - b.day.count(now))),
      "X-MinLimit-Remaining": String(Math.max(0, c.perMinute - b.minute.count(now))),
      "X-AppMinLimit-Remaining": String(Math.max(0, c.appPerMinute - this.app(clientId).count(now))),
    };
  }

  /** Admits one call or says which limit it hits. Rejected calls do not count. */
  admit(clientId: string, tenantId: string, now: number): Admission {
    const b = this.bucket(`${clientId}:${tenantId}`);
    const app = this.app(clientId);
    const c = this.config;
    if (c.enabled) {
      let problem: LimitProblem | null = null;
      let waitMs = 1000;
      if (app.count(now) >= c.appPerMinute) [problem, waitMs] = ["appminute", app.freesIn(now)];
      else if (b.day.count(now) >= c.perDay) [problem, waitMs] = ["day", b.day.freesIn(now)];
      else if (b.minute.count(now) >= c.perMinute) [problem, waitMs] = ["minute", b.minute.freesIn(now)];
      else if (b.inFlight >= c.concurrent) problem = "concurrent";
      if (problem) {
        return { ok: false, problem, retryAfterS: Math.max(1, Math.ceil(waitMs / 1000)), headers: this.headers(clientId, tenantId, now) };
      }
    }
    b.inFlight++;
    b.minute.add(now);
    b.day.add(now);
    app.add(now);
    let released = false;
    return {
      ok: true,
      headers: this.headers(clientId, tenantId, now),
      release: () => {
        if (!released) {
          released = true;
          b.inFlight--;
        }
      },
    };
  }
}
