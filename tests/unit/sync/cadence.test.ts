/**
 * The schedule's cadence per entity and its projected calls a day, from the real definitions:
 * the default schedule of an idle organisation with every entity on (journals included) stays
 * within a quarter of Xero's Starter quota, webhooks lower it further, and a low day limit stretches it.
 */
import { describe, expect, it } from "vitest";
import { ENTITIES, entity } from "@/lib/entities/registry";
import { entityCadence, exceedsQuotaShare, isEntityDue, nextEntityDueAt, projectCallsPerDay, quotaStretch, WEBHOOK_SAFETY_POLL_HOURS } from "@/lib/sync/cadence";
import { PLANS } from "@/lib/usage/plans";
import { parseEnv } from "@/lib/env";

const starter = PLANS.starter.callsPerDayPerOrg;
const defaultInterval = parseEnv({ XERO_DEMO: "1" }).SYNC_INTERVAL_MINUTES;

describe("cadence", () => {
  it("polls transactional entities at the interval and rarely changing ones less often", () => {
    const ctx = { intervalMinutes: 60, webhooks: false };
    expect(entityCadence(entity("invoices"), ctx)).toEqual({ everyMinutes: 60, basis: "interval" });
    expect(entityCadence(entity("journals"), ctx)).toEqual({ everyMinutes: 60, basis: "interval" });
    expect(entityCadence(entity("accounts"), ctx)).toEqual({ everyMinutes: 12 * 60, basis: "rarely_changes" });
    expect(entityCadence(entity("items"), ctx).basis).toBe("rarely_changes");
    // Refresh walks take their walk's own hours: one definition drives both.
    expect(entityCadence(entity("taxRates"), ctx)).toEqual({ everyMinutes: 24 * 60, basis: "rarely_changes" });
    expect(entityCadence(entity("trackingCategories"), ctx).everyMinutes).toBe(24 * 60);
    // Never more often than the organisation's interval.
    expect(entityCadence(entity("accounts"), { intervalMinutes: 1440, webhooks: false }).everyMinutes).toBe(1440);
  });

  it("with webhooks, entities Xero announces get a slow safety poll; the others keep the interval", () => {
    const ctx = { intervalMinutes: 60, webhooks: true };
    for (const def of ENTITIES) {
      const c = entityCadence(def, ctx);
      if (def.xero.webhookCategory && def.walk.kind !== "refresh" && !def.cadence) expect(c).toEqual({ everyMinutes: WEBHOOK_SAFETY_POLL_HOURS * 60, basis: "webhooks" });
      else expect(c.basis).not.toBe("webhooks");
    }
    expect(entityCadence(entity("payments"), ctx).everyMinutes).toBe(60);
  });

  it("the default interval keeps an idle organisation with every entity on within a quarter of Starter's quota", () => {
    const all = projectCallsPerDay(ENTITIES, { intervalMinutes: defaultInterval, webhooks: false });
    expect(ENTITIES.map((e) => e.name)).toContain("journals");
    expect(all.total).toBeLessThanOrEqual(250);
    expect(exceedsQuotaShare(all.total, starter)).toBe(false);
    expect(all.perEntity.find((e) => e.entity === "invoices")!.calls).toBe(1440 / defaultInterval);
    const hooks = projectCallsPerDay(ENTITIES, { intervalMinutes: defaultInterval, webhooks: true });
    expect(hooks.total).toBeLessThan(all.total);
    // Every 15 minutes would spend most of Starter's day on polls that find nothing.
    const fast = projectCallsPerDay(ENTITIES, { intervalMinutes: 15, webhooks: false });
    expect(fast.total).toBeGreaterThan(900);
    expect(exceedsQuotaShare(fast.total, starter)).toBe(true);
  });

  it("stretches the cadence only when less than 20 % of the day's quota is left", () => {
    expect(quotaStretch(246, starter, null)).toBe(1);
    expect(quotaStretch(246, starter, 200)).toBe(1);
    // 100 left: the next 24 h of the schedule may use 50 of them.
    expect(quotaStretch(246, starter, 100)).toBeCloseTo(246 / 50);
    expect(quotaStretch(246, starter, 0)).toBe(24);
    const stretched = projectCallsPerDay(ENTITIES, { intervalMinutes: 60, webhooks: false, stretch: quotaStretch(246, starter, 100) });
    expect(stretched.total).toBeLessThanOrEqual(60);
  });

  it("is due at the cadence, with a little slack for a tick that comes just before it", () => {
    const last = new Date("2026-03-01T00:00:05Z");
    const at = (iso: string) => Date.parse(iso);
    expect(isEntityDue(null, 60, at("2026-03-01T00:00:00Z"))).toBe(true);
    expect(isEntityDue(last, 60, at("2026-03-01T00:30:00Z"))).toBe(false);
    expect(isEntityDue(last, 60, at("2026-03-01T01:00:00Z"))).toBe(true);
    expect(isEntityDue(last, 720, at("2026-03-01T11:00:00Z"))).toBe(false);
    expect(isEntityDue(last, 720, at("2026-03-01T12:00:00Z"))).toBe(true);
    expect(nextEntityDueAt(last, 60, new Date(at("2026-03-01T00:10:00Z")))).toEqual(new Date("2026-03-01T01:00:05Z"));
    expect(nextEntityDueAt(null, 60, new Date(at("2026-03-01T00:10:00Z")))).toEqual(new Date("2026-03-01T00:10:00Z"));
  });
});
