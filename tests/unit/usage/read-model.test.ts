/** The usage read model's arithmetic: meters and the 80 % warning, Xero's view of today's calls, the month's projection, token life. */
import { describe, expect, it } from "vitest";
import { PLANS } from "@/lib/usage/plans";
import { callsToday, meter, monthStart, projectMonth, tokenLife } from "@/lib/usage/read-model";

const DAY = 86_400_000;

describe("usage read model", () => {
  it("meters warn at 80 % and show no share without a limit", () => {
    expect(meter(799, 1000)).toEqual({ used: 799, limit: 1000, ratio: 0.799, warning: false });
    expect(meter(800, 1000).warning).toBe(true);
    expect(meter(1200, 1000)).toMatchObject({ ratio: 1.2, warning: true });
    expect(meter(5 * 1024 ** 3, null)).toEqual({ used: 5 * 1024 ** 3, limit: null, ratio: null, warning: false });
  });

  it("takes Xero's view of today's calls when it reported today, and the larger of the two", () => {
    const now = new Date("2026-03-10T15:00:00Z");
    const core = PLANS.core;
    // Xero says 1,000 left of 5,000: 4,000 used, though we sent 300 (other apps share the quota).
    const seen = callsToday({ calls: 300, dayLimitRemaining: 1000, dayLimitSeenAt: new Date("2026-03-10T14:59:00Z") }, core, now);
    expect(seen).toMatchObject({ ours: 300, xeros: 4000, quota: { used: 4000, limit: 5000, ratio: 0.8, warning: true } });
    // Reported yesterday: only ours counts.
    const stale = callsToday({ calls: 300, dayLimitRemaining: 10, dayLimitSeenAt: new Date("2026-03-09T23:00:00Z") }, core, now);
    expect(stale).toMatchObject({ ours: 300, xeros: null, remainingSeenAt: null, quota: { used: 300, warning: false } });
    // A header above the plan's quota (a Xero with more) never makes a negative figure.
    expect(callsToday({ calls: 5, dayLimitRemaining: 4995, dayLimitSeenAt: now }, PLANS.starter, now).xeros).toBe(0);
    expect(callsToday(undefined, PLANS.starter, now).quota).toEqual({ used: 0, limit: 1000, ratio: 0, warning: false });
  });

  it("projects the month's egress at the rate so far", () => {
    // 10 of March's 31 days gone, 1 GB so far: 3.1 GB by the end.
    expect(projectMonth(1024 ** 3, new Date("2026-03-11T00:00:00Z"))).toBe(Math.round((1024 ** 3 * 31) / 10));
    // Minutes into a month, an hour's rate at most.
    expect(projectMonth(1000, new Date("2026-03-01T00:01:00Z"))).toBe(Math.round(1000 * 31 * 24));
    expect(monthStart(new Date("2026-12-31T23:59:59Z"))).toBe("2026-12-01");
  });

  it("counts a refresh token's 60 days and warns from 14 days left", () => {
    const now = new Date("2026-05-01T12:00:00Z");
    expect(tokenLife(new Date(now.getTime() - 10 * DAY), now)).toMatchObject({ daysLeft: 50, warning: false });
    expect(tokenLife(new Date(now.getTime() - 46 * DAY), now)).toMatchObject({ daysLeft: 14, warning: true });
    expect(tokenLife(new Date(now.getTime() - 59.5 * DAY), now)).toMatchObject({ daysLeft: 1, warning: true });
    expect(tokenLife(new Date(now.getTime() - 70 * DAY), now)).toMatchObject({ daysLeft: 0, endsAt: new Date(now.getTime() - 10 * DAY) });
  });
});
