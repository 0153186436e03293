import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { nextScheduledRun, staggerOffsetMs } from "@/lib/jobs/stagger";

const INTERVAL = 15 * 60_000;

describe("jobs: staggered schedules", () => {
  it("gives an organisation the same offset on every call (every machine, every restart)", () => {
    const id = "0b6f3c7e-2d41-4f8e-9a57-3c1d2e4f5a6b";
    expect(staggerOffsetMs(id, INTERVAL)).toBe(staggerOffsetMs(id, INTERVAL));
    expect(staggerOffsetMs(id, INTERVAL)).toBeGreaterThanOrEqual(0);
    expect(staggerOffsetMs(id, INTERVAL)).toBeLessThan(INTERVAL);
  });

  it("spreads 300 organisations over the interval: no minute holds more than three times its share", () => {
    const ids = Array.from({ length: 300 }, () => randomUUID());
    const perMinute = new Array<number>(15).fill(0);
    for (const id of ids) perMinute[Math.floor(staggerOffsetMs(id, INTERVAL) / 60_000)]!++;
    expect(Math.max(...perMinute)).toBeLessThanOrEqual(3 * (300 / 15));
    expect(perMinute.filter((n) => n === 0)).toHaveLength(0);
  });

  it("next run: the first slot strictly after the given time, one interval after the previous, at the offset", () => {
    const id = "9f8e7d6c-5b4a-4321-8fed-cba987654321";
    const now = new Date("2026-03-01T10:07:13.000Z");
    const next = nextScheduledRun(id, now, INTERVAL);
    expect(next.getTime()).toBeGreaterThan(now.getTime());
    expect(next.getTime() - now.getTime()).toBeLessThanOrEqual(INTERVAL);
    expect((next.getTime() - staggerOffsetMs(id, INTERVAL)) % INTERVAL).toBe(0);
    expect(nextScheduledRun(id, next, INTERVAL).getTime()).toBe(next.getTime() + INTERVAL);
    // A slot missed while no worker ran is not made up for: the next one is after now.
    const late = new Date(next.getTime() + 3 * INTERVAL + 1000);
    expect(nextScheduledRun(id, late, INTERVAL).getTime()).toBe(next.getTime() + 4 * INTERVAL);
  });
});
