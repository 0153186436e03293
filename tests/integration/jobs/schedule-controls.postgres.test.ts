/**
 * The workers' schedule honours each organisation's own schedule: a paused organisation is not
 * enqueued, and one with its own interval gets its slots in that interval (at its own offset).
 * PostgreSQL only: pg-boss.
 */
import { eq, inArray, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { queryRows } from "@/lib/db";
import { xeroTenants } from "@/lib/db/schema";
import { getBoss, stopBoss, SYNC_QUEUE } from "@/lib/jobs/queue";
import { enqueueScheduledSyncs } from "@/lib/jobs/schedule";
import { staggerOffsetMs } from "@/lib/jobs/stagger";
import { pauseSchedule, setSyncInterval } from "@/lib/sync/settings";
import { createWorld, type SyncWorld } from "../sync/harness";

describe("jobs: the schedule per organisation", () => {
  let world: SyncWorld;
  beforeAll(async () => {
    world = await createWorld([
      { name: "Hourly", invoices: 3, contacts: 1 },
      { name: "Four-hourly", invoices: 3, contacts: 1 },
      { name: "Paused", invoices: 3, contacts: 1 },
    ]);
  });
  afterAll(async () => {
    await stopBoss(world.db.url!);
    await world?.close();
  });

  it("enqueues due organisations at their own interval and never a paused one", async () => {
    const boss = await getBoss(world.db.url!);
    const tenant = (i: number) => world.user.tenants[i]!;
    const [hourly, fourHourly, paused] = [tenant(0), tenant(1), tenant(2)];
    const now = new Date();
    await setSyncInterval(world.db.db, world.user.userId, fourHourly.id, 240, now);
    await pauseSchedule(world.db.db, world.user.userId, paused.id, now);
    const ids = world.user.tenants.map((t) => t.id);
    await world.db.db.update(xeroTenants).set({ nextSyncAt: new Date(now.getTime() - 1000) }).where(inArray(xeroTenants.id, ids));

    const sent = await enqueueScheduledSyncs(world.db.db, boss, 60, now);
    expect(sent.sort()).toEqual([hourly.id, fourHourly.id].sort());
    const queued = await queryRows<{ key: string }>(world.db.db, sql`select singleton_key as key from pgboss.job where name = ${SYNC_QUEUE} and state = 'created'`);
    expect(queued.map((q) => q.key)).not.toContain(paused.id);

    const slot = async (id: string) => (await world.db.db.select().from(xeroTenants).where(eq(xeroTenants.id, id)))[0]!.nextSyncAt!.getTime();
    for (const [id, minutes] of [
      [hourly.id, 60],
      [fourHourly.id, 240],
    ] as const) {
      const next = await slot(id);
      const ms = minutes * 60_000;
      expect(next - now.getTime()).toBeGreaterThan(0);
      expect(next - now.getTime()).toBeLessThanOrEqual(ms);
      expect((next - staggerOffsetMs(id, ms)) % ms).toBe(0);
    }
  });
});
