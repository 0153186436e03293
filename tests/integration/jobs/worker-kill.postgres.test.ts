/**
 * A worker SIGKILLed mid-job: another worker sees within seconds that the job's worker is gone
 * (the job's advisory lock died with its connection), ends the dead lease and retries the job at
 * once; the retry marks the dead run interrupted, resumes from the committed cursor and finishes.
 * Nothing lost, nothing twice. The kill is placed by page: Xero holds the third invoices request.
 * And a worker SIGTERMed mid-job: its sync stops at the next page boundary and the job is queued
 * again at once, for another worker to finish from the cursor.
 */
import path from "node:path";
import { and, eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { queryRows } from "@/lib/db";
import { syncCursors, xeroSessions } from "@/lib/db/schema";
import { enableSyncJobs, stopUsingSyncJobs } from "@/lib/jobs/mode";
import { stopBoss, SYNC_QUEUE } from "@/lib/jobs/queue";
import { requestSync } from "@/lib/sync";
import { until } from "@/tests/helpers/until";
import { spawnTsx, type TsxChild } from "@/tests/helpers/tsx-child";
import { createWorld, ctl, expectMirrorsSimulator, pointEnvAtSimulator, type SyncWorld } from "../sync/harness";

const WORKER = path.resolve("lib/cli/worker.ts");
const INVOICES = 3500;


describe("jobs: a worker killed mid-job", () => {
  let world: SyncWorld;
  const children: TsxChild[] = [];
  beforeAll(async () => {
    world = await createWorld([
      { name: "Killed Mid-Sync (NZ)", invoices: INVOICES, contacts: 20 },
      { name: "Drained Mid-Sync (AU)", invoices: INVOICES, contacts: 20 },
    ]);
    pointEnvAtSimulator(world.sim, { XERO_SYNC_ENTITIES: "invoices,contacts", SYNC_MAX_CONCURRENT: "2" });
  });
  afterAll(async () => {
    for (const c of children) c.kill("SIGKILL");
    stopUsingSyncJobs();
    await stopBoss(world.db.url!);
    await world?.close();
  });

  it("another worker picks the job up within seconds and finishes it from the cursor: nothing lost or duplicated", async () => {
    const t = world.user.tenants[0]!;
    const url = world.db.url!;
    const env = { ...process.env, DATABASE_URL: url };
    await ctl(world.sim, "POST", "/__sim/faults", { kind: "hold", tenantId: t.xeroTenantId, path: "/Invoices", skip: 2, count: 100 });
    const a = spawnTsx(WORKER, [], env);
    children.push(a);
    await a.printed(/Sync worker \d+: 2 at once/);
    enableSyncJobs(url);
    expect(await requestSync(world.db.db, { userId: world.user.userId, tenantId: t.id, trigger: "manual" })).toEqual({ status: "queued", sessionId: null });

    // Two pages committed and the third held by Xero: surely mid-sync, however slow the machine.
    await ctl(world.sim, "GET", "/__sim/faults/held?atLeast=1");
    await until(
      async () => {
        const [c] = await world.db.db.select().from(syncCursors).where(and(eq(syncCursors.tenantId, t.id), eq(syncCursors.entity, "invoices")));
        const [s] = await world.db.db.select().from(xeroSessions).where(and(eq(xeroSessions.tenantId, t.id), eq(xeroSessions.kind, "sync")));
        return Boolean(c?.highWaterMark) && (s?.pages ?? 0) >= 2;
      },
      30_000,
      "two committed pages",
    );
    const [cursor] = await world.db.db.select().from(syncCursors).where(and(eq(syncCursors.tenantId, t.id), eq(syncCursors.entity, "invoices")));
    const [dead] = await world.db.db.select().from(xeroSessions).where(and(eq(xeroSessions.tenantId, t.id), eq(xeroSessions.kind, "sync")));
    expect(dead!.outcome).toBe("running");
    a.kill("SIGKILL");
    expect(await a.exited).toBe("SIGKILL");
    const killedAt = Date.now();
    await ctl(world.sim, "DELETE", "/__sim/faults");

    const b = spawnTsx(WORKER, [], env);
    children.push(b);
    await until(
      async () => {
        const [job] = await queryRows<{ state: string }>(world.db.db, sql`select state from pgboss.job where name = ${SYNC_QUEUE} and singleton_key = ${t.id}`);
        return job?.state === "completed";
      },
      60_000,
      "the job completed by the second worker",
    );
    const recoveredMs = Date.now() - killedAt;
    console.log(`worker killed mid-job: recovered and finished by another worker ${(recoveredMs / 1000).toFixed(1)} s after the kill`);
    expect(b.out()).toMatch(/the worker of job .* is gone; retrying it/);
    expect(b.out()).toMatch(/: success \(job /);

    const [job] = await queryRows<{ state: string; retry_count: number }>(world.db.db, sql`select state, retry_count from pgboss.job where name = ${SYNC_QUEUE} and singleton_key = ${t.id}`);
    expect(job).toEqual({ state: "completed", retry_count: 1 });
    const sessions = await world.db.db.select().from(xeroSessions).where(and(eq(xeroSessions.tenantId, t.id), eq(xeroSessions.kind, "sync"))).orderBy(xeroSessions.startedAt);
    expect(sessions.map((s) => s.outcome)).toEqual(["error", "success"]);
    expect(sessions[0]!.id).toBe(dead!.id);
    expect(sessions[0]!.error).toMatch(/Interrupted/);
    // Resumed from the committed cursor: the pages before the kill were not fetched again in full.
    expect(sessions[1]!.recordsFetched).toBeLessThan(INVOICES);
    const [after] = await world.db.db.select().from(syncCursors).where(and(eq(syncCursors.tenantId, t.id), eq(syncCursors.entity, "invoices")));
    expect(after!.highWaterMark!.getTime()).toBeGreaterThanOrEqual(cursor!.highWaterMark!.getTime());
    await expectMirrorsSimulator(world, t);

    b.kill("SIGTERM");
    expect(await b.exited).toBe(143);
  });

  it("SIGTERMed mid-job: the sync stops at a page boundary, the job is handed over at once and finished by another worker", async () => {
    const t = world.user.tenants[1]!;
    const url = world.db.url!;
    const env = { ...process.env, DATABASE_URL: url };
    await ctl(world.sim, "POST", "/__sim/faults", { kind: "hold", tenantId: t.xeroTenantId, path: "/Invoices", skip: 2, count: 100 });
    const a = spawnTsx(WORKER, ["--drain-seconds", "0"], env);
    children.push(a);
    await a.printed(/Sync worker \d+: 2 at once/);
    enableSyncJobs(url);
    expect(await requestSync(world.db.db, { userId: world.user.userId, tenantId: t.id, trigger: "manual" })).toEqual({ status: "queued", sessionId: null });
    await ctl(world.sim, "GET", "/__sim/faults/held?atLeast=1");
    a.kill("SIGTERM");
    await a.printed(/SIGTERM, draining/);
    // Xero answers the held request now; the drain has already asked the sync to stop.
    await ctl(world.sim, "DELETE", "/__sim/faults");
    expect(await a.exited).toBe(143);
    expect(a.out()).toMatch(/: handed_over \(job /);
    expect(a.out()).toMatch(/drained \(running syncs stopped at a page boundary, handed to another worker\)/);
    const [stopped] = await world.db.db.select().from(xeroSessions).where(and(eq(xeroSessions.tenantId, t.id), eq(xeroSessions.kind, "sync")));
    expect(stopped).toMatchObject({ outcome: "interrupted", pages: 3 });
    const waiting = await queryRows<{ state: string }>(world.db.db, sql`select state from pgboss.job where name = ${SYNC_QUEUE} and singleton_key = ${t.id} order by created_on`);
    expect(waiting.map((j) => j.state)).toEqual(["completed", "created"]);

    const b = spawnTsx(WORKER, [], env);
    children.push(b);
    await b.printed(/: success \(job /);
    const sessions = await world.db.db.select().from(xeroSessions).where(and(eq(xeroSessions.tenantId, t.id), eq(xeroSessions.kind, "sync"))).orderBy(xeroSessions.startedAt);
    expect(sessions.map((s) => s.outcome)).toEqual(["interrupted", "success"]);
    expect(sessions[1]!.recordsFetched).toBeLessThan(INVOICES);
    await expectMirrorsSimulator(world, t);
    b.kill("SIGTERM");
    expect(await b.exited).toBe(143);
  });
});
