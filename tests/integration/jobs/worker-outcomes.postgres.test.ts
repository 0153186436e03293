/**
 * What a worker does after a sync that did not simply succeed: Xero's daily limit defers the job
 * to the organisation's quota reset (a new job starting then, nothing retried in between), and a
 * grant Xero revoked completes the job as "needs reconnect" without retries. A worker in this
 * process, the simulator over HTTP, real pg-boss.
 */
import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { queryRows } from "@/lib/db";
import { xeroConnections, xeroTenants } from "@/lib/db/schema";
import { enableSyncJobs, stopUsingSyncJobs } from "@/lib/jobs/mode";
import { stopBoss, SYNC_QUEUE } from "@/lib/jobs/queue";
import { startWorker, type SyncWorker } from "@/lib/jobs/worker";
import { requestSync } from "@/lib/sync";
import { until } from "@/tests/helpers/until";
import { createWorld, ctl, pointEnvAtSimulator, type SyncWorld } from "../sync/harness";

type JobRow = { id: string; key: string; state: string; retry_count: number; start_after: string; output: { outcome?: string } | null };


describe("jobs: deferred and not retried", () => {
  let world: SyncWorld;
  let worker: SyncWorker | undefined;
  const lines: string[] = [];
  const jobsOf = (tenantId: string) =>
    queryRows<JobRow>(world.db.db, sql`select id::text, singleton_key as key, state, retry_count, start_after, output from pgboss.job where name = ${SYNC_QUEUE} and singleton_key = ${tenantId} order by created_on`);
  beforeAll(async () => {
    world = await createWorld([
      { name: "Daily Limited (AU)", invoices: 30, contacts: 5 },
      { name: "Revoked (NZ)", invoices: 30, contacts: 5 },
    ]);
    pointEnvAtSimulator(world.sim, { XERO_SYNC_ENTITIES: "invoices,contacts" });
    worker = await startWorker({ url: world.db.url!, db: world.db.db, concurrency: 2, pollingIntervalSeconds: 0.5, tickMs: 600_000, log: (l) => lines.push(l) });
    enableSyncJobs(world.db.url!);
  });
  afterAll(async () => {
    await worker?.stop(1000);
    stopUsingSyncJobs();
    await stopBoss(world.db.url!);
    await world?.close();
  });

  it("Xero's daily limit: the job completes as deferred and a new one waits for the quota's reset", async () => {
    const t = world.user.tenants[0]!;
    await ctl(world.sim, "POST", "/__sim/faults", { kind: "429-day", tenantId: t.xeroTenantId, count: 1, retryAfterS: 7200 });
    expect(await requestSync(world.db.db, { userId: world.user.userId, tenantId: t.id, trigger: "manual" })).toMatchObject({ status: "queued" });
    await until(async () => (await jobsOf(t.id)).some((j) => j.state === "completed"), 30_000, "the first job");
    const [first, next] = await jobsOf(t.id);
    expect(first).toMatchObject({ state: "completed", retry_count: 0, output: { outcome: "deferred" } });
    const [row] = await world.db.db.select({ until: xeroTenants.rateLimitedUntil }).from(xeroTenants).where(eq(xeroTenants.id, t.id));
    expect(row!.until!.getTime()).toBeGreaterThan(Date.now() + 3_600_000);
    expect(next).toMatchObject({ state: "created" });
    expect(Math.abs(new Date(next!.start_after).getTime() - row!.until!.getTime())).toBeLessThan(1000);
    // Asking again meanwhile is told why, and queues nothing more.
    expect(await requestSync(world.db.db, { userId: world.user.userId, tenantId: t.id, trigger: "manual" })).toMatchObject({ status: "skipped", reason: "rate_limited" });
    expect(await jobsOf(t.id)).toHaveLength(2);
  });

  it("a revoked grant: the job completes as needs_reconnect, never retried", async () => {
    const t = world.user.tenants[1]!;
    await ctl(world.sim, "POST", "/__sim/faults", { kind: "token-revoked", tenantId: t.xeroTenantId, count: 1 });
    expect(await requestSync(world.db.db, { userId: world.user.userId, tenantId: t.id, trigger: "manual" })).toMatchObject({ status: "queued" });
    await until(async () => (await jobsOf(t.id)).some((j) => j.state === "completed" || j.state === "retry" || j.state === "failed"), 30_000, "the job's end");
    const jobs = await jobsOf(t.id);
    expect(jobs).toHaveLength(1);
    expect(jobs[0]).toMatchObject({ state: "completed", retry_count: 0, output: { outcome: "needs_reconnect" } });
    const [conn] = await world.db.db
      .select({ status: xeroConnections.status })
      .from(xeroConnections)
      .innerJoin(xeroTenants, eq(xeroTenants.connectionId, xeroConnections.id))
      .where(eq(xeroTenants.id, t.id));
    expect(conn!.status).toBe("needs_reconnect");
  });
});
