/**
 * The call layer: every request the sync engine makes to Xero goes through `XeroCaller.call`.
 * It owns, per Xero tenant, Xero's limits (5 calls in flight, 60 a minute, the daily quota; 10,000
 * a minute per app) and the failure handling:
 *
 * - Limits (https://developer.xero.com/documentation/guides/oauth2/limits/): 5 calls in flight,
 *   60 per rolling minute per tenant, a rolling daily quota (5,000; 1,000 on the free tier) and
 *   10,000 per minute per app. We pace locally with a rolling 60-second window of our own calls
 *   (plus a small margin, since Xero counts arrival and we count departure) and also obey the
 *   headers Xero returns: X-MinLimit-Remaining 0 (someone else used the minute) pauses until our
 *   oldest call leaves the window; X-AppMinLimit-Remaining 0 pauses a second.
 * - 429: X-Rate-Limit-Problem says which limit. minute / appminute / concurrent → wait Retry-After
 *   and try again (counted as a rate-limit wait, not as a retry); day → DailyRateLimitError with
 *   the instant from Retry-After, which stops the sync cleanly until then.
 * - 5xx, dropped connections, timeouts → exponential backoff with full jitter, bounded attempts.
 * - 401 → force one token refresh and try again; a second 401 → error. invalid_grant during the
 *   refresh surfaces as the token store's XeroAuthError (the connection shows "reconnect").
 * - 403 → TenantForbiddenError (the engine asks /connections what it means).
 * Failures are classified by status and headers only (`XeroFailure`), never by message text.
 *
 * Where the limits are kept is a `CallLimiter`: in this process's memory (below; PGlite, one
 * process), or in PostgreSQL for every process together (shared-limits.ts), which the engine picks
 * whenever the database is PostgreSQL.
 */
import { DailyRateLimitError, TenantForbiddenError, XeroRequestError, XeroScopeError, XeroUnavailableError } from "./errors";

/** A failed request, classified by the adapter from status code and headers. */
export type XeroFailure =
  | { kind: "http"; status: number; headers: Record<string, string> }
  | { kind: "network" }
  /** A 2xx whose body is not Xero's JSON envelope (cut short, a proxy's page): retried like "network". */
  | { kind: "malformed" }
  | { kind: "timeout" };

export interface CallEvents {
  /** An HTTP request was sent (whatever its outcome). */
  onCall?(): void;
  onRetry?(reason: string): void;
  /** The caller waited for the rate limit (local pacing, or after a 429) this long. */
  onRateLimitWait?(ms: number): void;
  /** Xero answered 429 for `problem` (minute, appminute, concurrent, day). */
  onThrottled?(problem: string): void;
}

export interface CallLayerOptions {
  /** Abandon a request after this long (XERO_TIMEOUT_MS). */
  timeoutMs: number;
  /** Attempts for 5xx / network / timeout failures before giving up (default 6). */
  maxAttempts?: number;
  backoffBaseMs?: number;
  backoffMaxMs?: number;
  /** Minute-limit 429 waits per request before giving up (default 20). */
  maxRateLimitWaits?: number;
  /** Per-tenant limits; defaults are Xero's. */
  perMinute?: number;
  concurrent?: number;
  /** Calls per minute of the whole app (all tenants; default Xero's 10,000): the shared limiter counts them. */
  appPerMinute?: number;
  /** Margin added to the rolling-minute window (default 250 ms). */
  windowMarginMs?: number;
  /**
   * false: no client-side pacing at all (no minute window, no pause on *Remaining headers) — only
   * for a Xero without limits (the simulator with limits off, in benchmarks). 429s are still obeyed.
   */
  pacing?: boolean;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
  random?: () => number;
  /** Where the limits are kept (default: this process's memory, per Xero tenant). */
  limiter?: CallLimiter;
}

/** What an answer said about Xero's limits, for the limiter to learn from. */
export interface LimitAnswer {
  headers: Record<string, string>;
  /** A 429: which limit (X-Rate-Limit-Problem) and how long Retry-After says to wait. */
  throttled?: { problem: string; retryAfterMs: number };
}

/** One call's place under the limits, held from just before it is sent until it is over. */
export interface CallSlot {
  /** The call is over, whatever its outcome (answer: what Xero's answer said, if it answered). Never throws. */
  release(answer?: LimitAnswer): Promise<void>;
}

/** Keeps Xero's limits for one Xero tenant: admits calls one slot at a time. */
export interface CallLimiter {
  /**
   * Waits until a call may start (reporting each wait for pacing) and takes its slot; throws
   * DailyRateLimitError when the tenant's daily quota is known to be spent.
   */
  acquire(onWait: (ms: number) => void): Promise<CallSlot>;
}

export interface TokenSource {
  /**
   * A usable access token; `forceRefresh` after Xero answered 401 to `rejected`, so that a token
   * someone else already replaced is taken rather than rotated again.
   */
  get(forceRefresh: boolean, rejected?: string): Promise<string>;
}

export interface CallResult<T> {
  value: T;
  headers: Record<string, string>;
}

const defaultSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Per-tenant pacing state, shared by every caller in this process for the same Xero tenant. */
class TenantLimiter {
  /** As a CallLimiter with this caller's clock (several callers may share one TenantLimiter). */
  limiter(now: () => number, sleep: (ms: number) => Promise<void>): CallLimiter {
    return {
      acquire: async (onWait) => {
        await this.acquire(now, sleep, onWait);
        let released = false;
        return {
          release: async (answer) => {
            if (released) return;
            released = true;
            this.release();
            if (!answer) return;
            // On a 429, Retry-After is authoritative; the *Remaining headers only guide pacing otherwise.
            if (!answer.throttled) this.observe(answer.headers, now());
            else if (answer.throttled.problem !== "day") this.pause(now() + answer.throttled.retryAfterMs);
          },
        };
      },
    };
  }

  inFlight = 0;
  private window: number[] = [];
  pausedUntil = 0;
  private waiters: (() => void)[] = [];

  constructor(
    private readonly perMinute: number,
    private readonly concurrent: number,
    private readonly marginMs: number,
    private readonly pacing = true,
  ) {}

  private prune(now: number) {
    const edge = now - 60_000 - this.marginMs;
    while (this.window.length && (this.window[0] ?? 0) <= edge) this.window.shift();
  }

  /** ms until a call may start (0 = now), ignoring concurrency. */
  private waitFor(now: number): number {
    if (!this.pacing) return Math.max(0, this.pausedUntil - now);
    this.prune(now);
    let wait = Math.max(0, this.pausedUntil - now);
    if (this.window.length >= this.perMinute) {
      const oldest = this.window[this.window.length - this.perMinute] ?? now;
      wait = Math.max(wait, oldest + 60_000 + this.marginMs - now + 1);
    }
    return wait;
  }

  async acquire(now: () => number, sleep: (ms: number) => Promise<void>, onWait: (ms: number) => void): Promise<void> {
    for (;;) {
      if (this.inFlight >= this.concurrent) {
        await new Promise<void>((r) => this.waiters.push(r));
        continue;
      }
      const wait = this.waitFor(now());
      if (wait > 0) {
        onWait(wait);
        await sleep(wait);
        continue;
      }
      this.inFlight++;
      this.window.push(now());
      return;
    }
  }

  release() {
    this.inFlight--;
    this.waiters.shift()?.();
  }

  /** Learns from Xero's *Remaining headers (someone else may share the quota). */
  observe(headers: Record<string, string>, now: number) {
    if (!this.pacing) return;
    const min = Number(headers["x-minlimit-remaining"]);
    if (headers["x-minlimit-remaining"] !== undefined && min <= 0) {
      this.prune(now);
      const oldest = this.window[0];
      this.pausedUntil = Math.max(this.pausedUntil, (oldest ?? now) + 60_000 + this.marginMs);
    }
    const app = Number(headers["x-appminlimit-remaining"]);
    if (headers["x-appminlimit-remaining"] !== undefined && app <= 0) this.pausedUntil = Math.max(this.pausedUntil, now + 1000);
  }

  pause(untilMs: number) {
    this.pausedUntil = Math.max(this.pausedUntil, untilMs);
  }
}

const globalLimiters = globalThis as unknown as { __xeroSyncLimiters?: Map<string, TenantLimiter> };

function limiterFor(xeroTenantId: string, perMinute: number, concurrent: number, marginMs: number, pacing: boolean): TenantLimiter {
  const map = (globalLimiters.__xeroSyncLimiters ??= new Map());
  const key = pacing ? xeroTenantId : `${xeroTenantId}:unpaced`;
  let l = map.get(key);
  if (!l) {
    l = new TenantLimiter(perMinute, concurrent, marginMs, pacing);
    map.set(key, l);
  }
  return l;
}

/** For tests: forget all pacing state. */
export function resetLimiters(): void {
  globalLimiters.__xeroSyncLimiters?.clear();
}

export class XeroCaller {
  private readonly o: Required<Omit<CallLayerOptions, "sleep" | "now" | "random" | "pacing" | "limiter">>;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly now: () => number;
  private readonly random: () => number;
  private readonly limiter: CallLimiter;

  constructor(
    readonly xeroTenantId: string,
    private readonly tokens: TokenSource,
    private readonly classify: (error: unknown) => XeroFailure,
    options: CallLayerOptions,
    private readonly events: CallEvents = {},
  ) {
    this.o = {
      timeoutMs: options.timeoutMs,
      maxAttempts: options.maxAttempts ?? 6,
      backoffBaseMs: options.backoffBaseMs ?? 500,
      backoffMaxMs: options.backoffMaxMs ?? 20_000,
      maxRateLimitWaits: options.maxRateLimitWaits ?? 20,
      perMinute: options.perMinute ?? 60,
      concurrent: options.concurrent ?? 5,
      appPerMinute: options.appPerMinute ?? 10_000,
      windowMarginMs: options.windowMarginMs ?? 250,
    };
    this.sleep = options.sleep ?? defaultSleep;
    this.now = options.now ?? Date.now;
    this.random = options.random ?? Math.random;
    this.limiter =
      options.limiter ?? limiterFor(xeroTenantId, this.o.perMinute, this.o.concurrent, this.o.windowMarginMs, options.pacing ?? true).limiter(this.now, this.sleep);
  }

  /**
   * Runs one Xero request with pacing, timeout, retries and token refresh. `send` gets the access
   * token and returns the SDK's value plus the response headers.
   */
  async call<T>(send: (accessToken: string) => Promise<CallResult<T>>): Promise<CallResult<T>> {
    let attempts = 0;
    let rateWaits = 0;
    let forcedRefresh = false;
    let forceNext = false;
    let rejected: string | undefined;
    for (;;) {
      const token = await this.tokens.get(forceNext, forceNext ? rejected : undefined);
      forceNext = false;
      const slot = await this.limiter.acquire((ms) => this.events.onRateLimitWait?.(ms));
      let failure: XeroFailure;
      let cause: unknown;
      // Released on every path: an answer, a failure, a timeout (the abandoned request no longer counts).
      let answer: LimitAnswer | undefined;
      try {
        this.events.onCall?.();
        const result = await this.withTimeout(send(token));
        answer = { headers: result.headers };
        return result;
      } catch (error) {
        cause = error;
        failure = error instanceof CallTimeout ? { kind: "timeout" } : this.classify(error);
        if (failure.kind === "http") {
          const { status, headers } = failure;
          const problem = (headers["x-rate-limit-problem"] ?? "").toLowerCase() || "unknown";
          answer = status === 429 ? { headers, throttled: { problem, retryAfterMs: retryAfter(headers) ?? 1000 } } : { headers };
        }
      } finally {
        await slot.release(answer);
      }
      if (failure.kind === "http") {
        const { status, headers } = failure;
        if (status === 429 && answer?.throttled) {
          const { problem, retryAfterMs } = answer.throttled;
          this.events.onThrottled?.(problem);
          if (problem === "day") throw new DailyRateLimitError(new Date(this.now() + retryAfterMs));
          if (++rateWaits > this.o.maxRateLimitWaits) throw new XeroUnavailableError({ kind: "http", status, attempts: rateWaits }, { cause });
          continue; // the limiter paused until Retry-After: acquire() sleeps until then
        }
        if (status === 401) {
          // A scope the grant lacks: a new token would not have it either.
          if (/insufficient_scope/i.test(headers["www-authenticate"] ?? "")) throw new XeroScopeError();
          if (forcedRefresh) throw new XeroRequestError(401, { cause });
          forcedRefresh = true;
          forceNext = true;
          rejected = token;
          this.events.onRetry?.("401: refreshing the access token");
          continue;
        }
        if (status === 403) throw new TenantForbiddenError();
        if (status < 500) throw new XeroRequestError(status, { cause });
      }
      // 5xx, network, malformed answers, timeout: retry with exponential backoff and full jitter.
      attempts++;
      if (attempts >= this.o.maxAttempts) {
        throw new XeroUnavailableError(
          { kind: failure.kind, status: failure.kind === "http" ? failure.status : undefined, attempts },
          { cause },
        );
      }
      const cap = Math.min(this.o.backoffMaxMs, this.o.backoffBaseMs * 2 ** (attempts - 1));
      const delay = Math.round(cap / 2 + (this.random() * cap) / 2);
      this.events.onRetry?.(failure.kind === "http" ? `HTTP ${failure.status}` : failure.kind);
      await this.sleep(delay);
    }
  }

  private withTimeout<T>(p: Promise<T>): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new CallTimeout()), this.o.timeoutMs);
    });
    // The abandoned request may still settle later; swallow that so it is not an unhandled rejection.
    p.catch(() => {});
    return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
  }
}

class CallTimeout extends Error {
  constructor() {
    super("request timed out");
    this.name = "CallTimeout";
  }
}

/** Retry-After as milliseconds (seconds or an HTTP date), or null. */
export function retryAfter(headers: Record<string, string>): number | null {
  const v = headers["retry-after"];
  if (v === undefined) return null;
  if (/^\d+(\.\d+)?$/.test(v.trim())) return Math.round(Number(v) * 1000);
  const at = Date.parse(v);
  return Number.isNaN(at) ? null : Math.max(0, at - Date.now());
}

/** Lower-cased, string-valued copy of a response's headers (axios gives an AxiosHeaders object). */
export function normalizeHeaders(headers: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (!headers || typeof headers !== "object") return out;
  const source = typeof (headers as { toJSON?: unknown }).toJSON === "function" ? (headers as { toJSON(): object }).toJSON() : headers;
  for (const [k, v] of Object.entries(source as Record<string, unknown>)) {
    if (v === undefined || v === null) continue;
    out[k.toLowerCase()] = Array.isArray(v) ? v.join(", ") : String(v);
  }
  return out;
}
