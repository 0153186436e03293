/**
 * Sync workers on pg-boss: three `npm run worker` processes share 30 organisations' syncs, enqueued
 * the way the app enqueues them (requestSync with sync jobs on). Every organisation is synced, no
 * organisation by two workers at once (its sync sessions never overlap), and the database equals
 * the simulator. Also: the schedule's claims (one job per due organisation however many workers
 * tick at once) and the worker's refusal on PGlite. PostgreSQL only: pg-boss and several processes.
 */
import path from "node:path";
import { spawn } from "node:child_process";
import { and, eq, inArray, isNotNull, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { queryRows } from "@/lib/db";
import { xeroSessions, xeroTenants } from "@/lib/db/schema";
import { enableSyncJobs, stopUsingSyncJobs } from "@/lib/jobs/mode";
import { getBoss, stopBoss, SYNC_QUEUE } from "@/lib/jobs/queue";
import { enqueueScheduledSyncs } from "@/lib/jobs/schedule";
import { staggerOffsetMs } from "@/lib/jobs/stagger";
import { requestSync } from "@/lib/sync";
import { until } from "@/tests/helpers/until";
import { spawnTsx, type TsxChild } from "@/tests/helpers/tsx-child";
import { createWorld, expectMirrorsSimulator, pointEnvAtSimulator, type SyncWorld } from "../sync/harness";

const WORKER = path.resolve("lib/cli/worker.ts");
const ORGS = 30;


describe("jobs: three workers, thirty organisations", () => {
  let world: SyncWorld;
  let workers: TsxChild[] = [];
  beforeAll(async () => {
    world = await createWorld(Array.from({ length: ORGS }, (_, i) => ({ name: `Org ${String(i + 1).padStart(2, "0")}`, invoices: 12 + (i % 5), contacts: 4 })));
    pointEnvAtSimulator(world.sim, { XERO_SYNC_ENTITIES: "invoices,contacts", SYNC_MAX_CONCURRENT: "3" });
  });
  afterAll(async () => {
    for (const w of workers) w.kill("SIGKILL");
    stopUsingSyncJobs();
    await stopBoss(world.db.url!);
    await world?.close();
  });

  it("every organisation synced once per request, none by two workers at once, the database equal to the simulator; SIGTERM drains", async () => {
    const url = world.db.url!;
    const env = { ...process.env, DATABASE_URL: url };
    workers = [0, 1, 2].map(() => spawnTsx(WORKER, [], env));
    await Promise.all(workers.map((w) => w.printed(/Sync worker \d+: 3 at once/)));

    enableSyncJobs(url);
    const tenants = world.user.tenants;
    expect(tenants).toHaveLength(ORGS);
    const first = await Promise.all(tenants.map((t) => requestSync(world.db.db, { userId: world.user.userId, tenantId: t.id, trigger: "manual" })));
    expect(new Set(first.map((r) => r.status))).toEqual(new Set(["queued"]));
    // A second request per organisation while the first ones run or wait, as webhooks would: at
    // most one more job waits per organisation, and one already running gets a follow-up instead.
    const second = await Promise.all(tenants.map((t) => requestSync(world.db.db, { userId: world.user.userId, tenantId: t.id, trigger: "webhook", followUpIfRunning: true })));
    for (const r of second) expect(["queued", "already_running"]).toContain(r.status);

    const ids = tenants.map((t) => t.id);
    await until(
      async () => {
        const [busy] = await queryRows<{ n: number }>(world.db.db, sql`select count(*)::int as n from pgboss.job where name = ${SYNC_QUEUE} and state in ('created', 'retry', 'active')`);
        if (busy!.n > 0) return false;
        const held = await world.db.db.select({ id: xeroTenants.id }).from(xeroTenants).where(and(inArray(xeroTenants.id, ids), isNotNull(xeroTenants.syncLockOwner)));
        const synced = await queryRows<{ n: number }>(
          world.db.db,
          sql`select count(distinct tenant_id)::int as n from xero_sessions where kind = 'sync' and outcome = 'success' and tenant_id in (${sql.join(ids.map((id) => sql`${id}::uuid`), sql`, `)})`,
        );
        return held.length === 0 && synced[0]!.n === ORGS;
      },
      60_000,
      "every organisation synced and the queue empty",
    );

    const sessions = await world.db.db
      .select({ tenantId: xeroSessions.tenantId, startedAt: xeroSessions.startedAt, finishedAt: xeroSessions.finishedAt, outcome: xeroSessions.outcome })
      .from(xeroSessions)
      .where(and(eq(xeroSessions.kind, "sync"), inArray(xeroSessions.tenantId, ids)))
      .orderBy(xeroSessions.tenantId, xeroSessions.startedAt);
    for (const t of tenants) {
      const mine = sessions.filter((s) => s.tenantId === t.id);
      expect(mine.length).toBeGreaterThanOrEqual(1);
      // Two requests: one or two syncs, never more (a third would be a duplicate job).
      expect(mine.length).toBeLessThanOrEqual(2);
      for (const s of mine) expect(s.outcome).toBe("success");
      for (let i = 1; i < mine.length; i++) expect(mine[i]!.startedAt.getTime()).toBeGreaterThanOrEqual(mine[i - 1]!.finishedAt!.getTime());
      await expectMirrorsSimulator(world, t);
    }
    // The work was shared: each worker ran syncs.
    for (const w of workers) expect(w.out()).toMatch(/: success \(job /);
    const jobs = await queryRows<{ state: string; n: number }>(world.db.db, sql`select state, count(*)::int as n from pgboss.job where name = ${SYNC_QUEUE} group by state`);
    expect(jobs.every((j) => j.state === "completed")).toBe(true);

    for (const w of workers) w.kill("SIGTERM");
    expect(await Promise.all(workers.map((w) => w.exited))).toEqual([143, 143, 143]);
    for (const w of workers) expect(w.out()).toMatch(/drained \(all finished\)/);
  });

  it("the schedule: each due organisation claimed once however many workers tick at once, then its next slot at its own offset", async () => {
    const url = world.db.url!;
    const boss = await getBoss(url);
    const t = world.user.tenants.slice(0, 5);
    const now = new Date();
    await world.db.db.update(xeroTenants).set({ nextSyncAt: new Date(now.getTime() - 1000) }).where(inArray(xeroTenants.id, t.map((x) => x.id)));
    await world.db.db.update(xeroTenants).set({ nextSyncAt: new Date(now.getTime() + 3_600_000) }).where(sql`${xeroTenants.id} not in (${sql.join(t.map((x) => sql`${x.id}::uuid`), sql`, `)})`);
    const [a, b, c] = await Promise.all([1, 2, 3].map(() => enqueueScheduledSyncs(world.db.db, boss, 15, now)));
    const claimed = [...a!, ...b!, ...c!].sort();
    expect(claimed).toEqual(t.map((x) => x.id).sort());
    const queued = await queryRows<{ key: string; trigger: string }>(
      world.db.db,
      sql`select singleton_key as key, data->>'trigger' as trigger from pgboss.job where name = ${SYNC_QUEUE} and state = 'created'`,
    );
    expect(queued.map((q) => q.key).sort()).toEqual(t.map((x) => x.id).sort());
    expect(queued.every((q) => q.trigger === "schedule")).toBe(true);
    const rows = await world.db.db.select({ id: xeroTenants.id, nextSyncAt: xeroTenants.nextSyncAt }).from(xeroTenants).where(inArray(xeroTenants.id, t.map((x) => x.id)));
    for (const r of rows) {
      const next = r.nextSyncAt!.getTime();
      expect(next).toBeGreaterThan(now.getTime());
      expect(next - now.getTime()).toBeLessThanOrEqual(15 * 60_000);
      expect((next - staggerOffsetMs(r.id, 15 * 60_000)) % (15 * 60_000)).toBe(0);
    }
    // Not due again before their slots.
    expect(await enqueueScheduledSyncs(world.db.db, boss, 15, now)).toEqual([]);
  });

  it("npm run worker on PGlite: one line saying why, exit code 1", async () => {
    const child = spawn(process.execPath, ["--import", "tsx", WORKER], { env: { ...process.env, DATABASE_URL: "" }, stdio: ["ignore", "pipe", "pipe"] });
    let err = "";
    child.stderr.on("data", (d: Buffer) => (err += d.toString()));
    const code = await new Promise<number | null>((r) => child.on("exit", (c) => r(c)));
    expect(code).toBe(1);
    expect(err.trim().split("\n")).toEqual([expect.stringMatching(/^✖ The sync worker needs PostgreSQL \(set DATABASE_URL\)/)]);
  });
});
