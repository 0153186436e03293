/**
 * With sync jobs on (the app on PostgreSQL), Sync now, the API, webhooks and first syncs only
 * enqueue, answering in the shapes they always had; the webhook debounce holds as before (one
 * sync at the window's start, one more when it ends). No worker runs here: the jobs are read back.
 */
import { and, eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { queryRows } from "@/lib/db";
import { xeroTenants } from "@/lib/db/schema";
import { enableSyncJobs, stopUsingSyncJobs } from "@/lib/jobs/mode";
import { getBoss, stopBoss, SYNC_QUEUE } from "@/lib/jobs/queue";
import { acquireSyncLease, releaseSyncLease } from "@/lib/sync/lease";
import { requestSync, startFirstSyncs } from "@/lib/sync";
import { markWebhookSyncDue, runDueWebhookSyncs, startWebhookSync, takeWebhookSyncWindow } from "@/lib/sync/webhook-syncs";
import { announcedEntities } from "@/lib/sync/engine";
import { enabledEntityNames } from "@/lib/entities/enabled";
import { createTestDatabase, type TestDatabase } from "@/tests/helpers/db";
import { seedTenant, seedUser } from "@/tests/helpers/seed-mirror";

describe("jobs: the app enqueues", () => {
  let t: TestDatabase;
  let userId: string;
  const jobs = () =>
    queryRows<{ key: string; trigger: string; entities: string[] | null; state: string }>(
      t.db,
      sql`select singleton_key as key, data->>'trigger' as trigger, data->'entities' as entities, state from pgboss.job where name = ${SYNC_QUEUE} order by created_on`,
    );
  beforeAll(async () => {
    t = await createTestDatabase();
    userId = (await seedUser(t.db)).id;
    await getBoss(t.url!);
    enableSyncJobs(t.url!);
  });
  beforeEach(async () => {
    await queryRows(t.db, sql`delete from pgboss.job where name = ${SYNC_QUEUE}`);
  });
  afterAll(async () => {
    stopUsingSyncJobs();
    await stopBoss(t.url!);
    await t?.close();
  });

  it("Sync now: queued once however often pressed; already running says so; a webhook's request while running is a follow-up", async () => {
    const org = await seedTenant(t.db, userId, { name: "Queued Ltd" });
    expect(await requestSync(t.db, { userId, tenantId: org.id, trigger: "manual" })).toEqual({ status: "queued", sessionId: null });
    expect(await requestSync(t.db, { userId, tenantId: org.id, trigger: "manual" })).toEqual({ status: "queued", sessionId: null });
    expect((await jobs()).map((j) => [j.key, j.trigger, j.state])).toEqual([[org.id, "manual", "created"]]);

    const held = await acquireSyncLease(t.db, org.id, { userId, connectionId: org.connectionId, tenantId: org.id, kind: "sync", trigger: "manual" });
    if (!held.acquired) throw new Error("lease not taken");
    expect(await requestSync(t.db, { userId, tenantId: org.id, trigger: "manual" })).toEqual({ status: "already_running", sessionId: held.lease.session.id });
    expect(await requestSync(t.db, { userId, tenantId: org.id, trigger: "webhook", followUpIfRunning: true })).toEqual({
      status: "already_running",
      sessionId: held.lease.session.id,
      followUp: true,
    });
    expect(await releaseSyncLease(t.db, held.lease)).toEqual({ followUpRequested: true });
    // Another user's organisation is still not found.
    const other = await seedUser(t.db);
    await expect(requestSync(t.db, { userId: other.id, tenantId: org.id })).rejects.toMatchObject({ type: "not_found" });
  });

  it("an organisation that cannot sync is told why, and nothing is queued", async () => {
    const limited = await seedTenant(t.db, userId, { name: "Limited Ltd", rateLimitedUntil: new Date(Date.now() + 3_600_000) });
    const lost = await seedTenant(t.db, userId, { name: "Lost Ltd", status: "needs_reconnect" });
    expect(await requestSync(t.db, { userId, tenantId: limited.id })).toMatchObject({ status: "skipped", reason: "rate_limited" });
    expect(await requestSync(t.db, { userId, tenantId: lost.id })).toEqual({ status: "skipped", reason: "needs_reconnect" });
    expect(await jobs()).toEqual([]);
  });

  it("first syncs after Connect Xero: one job per organisation that never synced", async () => {
    const a = await seedTenant(t.db, userId, { name: "First A" });
    const b = await seedTenant(t.db, userId, { name: "First B" });
    expect(await startFirstSyncs(t.db, userId, [a.id, b.id])).toEqual([a.id, b.id]);
    expect((await jobs()).map((j) => [j.key, j.trigger])).toEqual([
      [a.id, "connect"],
      [b.id, "connect"],
    ]);
  });

  it("webhooks keep their debounce: a sync of the announced entities at once, one of every entity Xero announces when the window ends", async () => {
    const org = await seedTenant(t.db, userId, { name: "Hooked Ltd" });
    const window = 60;
    expect(await takeWebhookSyncWindow(t.db, org.id, window)).toBe(true);
    expect(await startWebhookSync(t.db, { userId, tenantId: org.id, entities: ["invoices"] }, window)).toEqual({ sync: "queued" });
    // A delivery inside the window only makes a sync due at its end.
    expect(await takeWebhookSyncWindow(t.db, org.id, window)).toBe(false);
    const due = await markWebhookSyncDue(t.db, org.id, window);
    expect(due!.getTime()).toBeGreaterThan(Date.now() + 50_000);
    expect(await runDueWebhookSyncs(t.db, window)).toEqual([]);
    // The first job ran (a worker took it); the window ends: the due sync is enqueued, of every entity
    // Xero announces (the due time does not say which of them changed).
    await queryRows(t.db, sql`update pgboss.job set state = 'completed', completed_on = now() where name = ${SYNC_QUEUE}`);
    await t.db
      .update(xeroTenants)
      .set({ webhookSyncAt: sql`now() - interval '61 seconds'`, webhookSyncDueAt: sql`now() - interval '1 second'` })
      .where(and(eq(xeroTenants.id, org.id)));
    expect(await runDueWebhookSyncs(t.db, window)).toEqual([{ tenantId: org.id, outcome: { sync: "queued" } }]);
    expect((await jobs()).map((j) => [j.trigger, j.entities, j.state])).toEqual([
      ["webhook", ["invoices"], "completed"],
      ["webhook", announcedEntities(enabledEntityNames()), "created"],
    ]);
  });
});
