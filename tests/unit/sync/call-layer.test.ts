import { beforeEach, describe, expect, it } from "vitest";
import { resetLimiters, XeroCaller, type XeroFailure } from "@/lib/sync/call-layer";
import { DailyRateLimitError, TenantForbiddenError, XeroUnavailableError } from "@/lib/sync/errors";

class HttpFail {
  constructor(
    readonly status: number,
    readonly headers: Record<string, string> = {},
  ) {}
}
const classify = (e: unknown): XeroFailure => (e instanceof HttpFail ? { kind: "http", status: e.status, headers: e.headers } : { kind: "network" });

function harness(script: (() => unknown)[]) {
  let now = 0;
  const slept: number[] = [];
  const tokens: boolean[] = [];
  const events = { calls: 0, retries: 0, waits: 0, throttled: [] as string[] };
  let i = 0;
  const caller = new XeroCaller(
    `tenant-${Math.random()}`,
    { get: async (force) => (tokens.push(force), force ? "fresh" : "stale") },
    classify,
    { timeoutMs: 1000, now: () => now, sleep: async (ms) => void (slept.push(ms), (now += ms)), random: () => 0.5 },
    { onCall: () => events.calls++, onRetry: () => events.retries++, onRateLimitWait: () => events.waits++, onThrottled: (p) => events.throttled.push(p) },
  );
  const send = async (token: string) => {
    const step = script[i++];
    const out = step?.();
    if (out instanceof HttpFail || out instanceof Error) throw out;
    return { value: token, headers: (out as Record<string, string>) ?? {} };
  };
  return { caller, send, slept, tokens, events, advance: (ms: number) => (now += ms) };
}

describe("XeroCaller", () => {
  beforeEach(() => resetLimiters());

  it("waits Retry-After on a minute 429 and tries again", async () => {
    const h = harness([() => new HttpFail(429, { "retry-after": "3", "x-rate-limit-problem": "minute", "x-minlimit-remaining": "0" }), () => ({})]);
    await expect(h.caller.call(h.send)).resolves.toMatchObject({ value: "stale" });
    expect(h.slept).toEqual([3000]);
    expect(h.events).toMatchObject({ calls: 2, retries: 0, waits: 1, throttled: ["minute"] });
  });

  it("stops on the daily limit with the instant from Retry-After", async () => {
    const h = harness([() => new HttpFail(429, { "retry-after": "7200", "x-rate-limit-problem": "day" })]);
    const err = await h.caller.call(h.send).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DailyRateLimitError);
    expect((err as DailyRateLimitError).until.getTime()).toBe(7_200_000);
  });

  it("retries 5xx and network failures with growing backoff, then gives up", async () => {
    const h = harness(Array.from({ length: 6 }, (_, n) => () => (n % 2 ? new Error("socket hang up") : new HttpFail(503))));
    await expect(h.caller.call(h.send)).rejects.toBeInstanceOf(XeroUnavailableError);
    expect(h.events.calls).toBe(6);
    expect(h.slept).toEqual([375, 750, 1500, 3000, 6000]); // cap/2 + random(0.5) * cap/2
  });

  it("refreshes the token once on 401, and turns 403 into a disconnected tenant", async () => {
    const h = harness([() => new HttpFail(401), () => ({})]);
    await expect(h.caller.call(h.send)).resolves.toMatchObject({ value: "fresh" });
    expect(h.tokens).toEqual([false, true]);
    const f = harness([() => new HttpFail(403)]);
    await expect(f.caller.call(f.send)).rejects.toBeInstanceOf(TenantForbiddenError);
  });

  it("paces to 60 calls per rolling minute", async () => {
    const h = harness(Array.from({ length: 61 }, () => () => ({})));
    for (let n = 0; n < 61; n++) await h.caller.call(h.send);
    expect(h.slept).toHaveLength(1);
    expect(h.slept[0]).toBeGreaterThanOrEqual(60_000);
  });

  it("gives its slot back on every path (answer, refusal, timeout), so the next call is not kept waiting", async () => {
    const slots = { taken: 0, released: 0, answers: [] as (string | undefined)[] };
    const caller = new XeroCaller("tenant-slots", { get: async () => "t" }, classify, {
      timeoutMs: 20,
      maxAttempts: 1,
      limiter: {
        acquire: async () => {
          slots.taken++;
          return { release: async (answer) => void (slots.released++, slots.answers.push(answer?.throttled?.problem ?? (answer ? "answer" : undefined))) };
        },
      },
    });
    await caller.call(async () => ({ value: 1, headers: {} }));
    await caller.call(() => Promise.reject(new HttpFail(400))).catch(() => {});
    await caller.call(() => Promise.reject(new HttpFail(429, { "retry-after": "1", "x-rate-limit-problem": "day" }))).catch(() => {});
    await caller.call(() => new Promise<never>(() => {})).catch(() => {});
    expect(slots).toEqual({ taken: 4, released: 4, answers: ["answer", "answer", "day", undefined] });
  });
});
