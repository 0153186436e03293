/**
 * The sync queue's figures over HTTP: GET /api/metrics (Prometheus text behind METRICS_TOKEN;
 * refused clearly without it) and the `jobs` part of GET /api/health. On PostgreSQL with real
 * pg-boss jobs; on PGlite, where there is no queue, the routes say so.
 */
// First: it sets up Next's request scope before the route modules load.
import { callRoute } from "@/tests/helpers/route";
import { randomBytes } from "node:crypto";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GET as health } from "@/app/api/health/route";
import { GET as metrics } from "@/app/api/metrics/route";
import { xeroConnections, xeroTenants } from "@/lib/db/schema";
import { resetEnvCache } from "@/lib/env";
import { enableSyncJobs, stopUsingSyncJobs } from "@/lib/jobs/mode";
import { getBoss, sendSyncJob, stopBoss } from "@/lib/jobs/queue";
import { encryptTokenSet } from "@/lib/xero/token-store";
import { createTestDatabase, type TestDatabase } from "@/tests/helpers/db";
import { seedTenant, seedUser } from "@/tests/helpers/seed-mirror";

const TOKEN = "m3tr1cs-t0ken-for-tests";
const get = (path: string, headers: Record<string, string> = {}) => new Request(`http://localhost:3000${path}`, { headers });

describe("jobs: /api/metrics and /api/health", () => {
  let t: TestDatabase;
  const tenants: { id: string }[] = [];
  beforeAll(async () => {
    process.env.TOKEN_ENCRYPTION_KEY ||= randomBytes(32).toString("hex");
    resetEnvCache();
    t = await createTestDatabase();
    const u = await seedUser(t.db);
    for (const name of ["Alpha", "Beta", "Gamma"]) tenants.push(await seedTenant(t.db, u.id, { name }));
    // Token sets this server's key reads, so /api/health's key check passes.
    for (const c of await t.db.select().from(xeroConnections)) {
      const tokenSetEncrypted = encryptTokenSet(c.id, { accessToken: "a", refreshToken: "r", tokenType: "Bearer", expiresAt: new Date(Date.now() + 1_800_000) });
      await t.db.update(xeroConnections).set({ tokenSetEncrypted }).where(eq(xeroConnections.id, c.id));
    }
    await t.db.update(xeroTenants).set({ nextSyncAt: new Date("2030-01-01T00:00:00.000Z") }).where(eq(xeroTenants.id, tenants[0]!.id));
    await t.db.update(xeroTenants).set({ nextSyncAt: new Date("2030-01-01T00:05:00.000Z") }).where(eq(xeroTenants.id, tenants[1]!.id));
    if (t.kind === "postgres") {
      const boss = await getBoss(t.url!);
      await sendSyncJob(boss, { tenantId: tenants[0]!.id, trigger: "manual" });
      await sendSyncJob(boss, { tenantId: tenants[1]!.id, trigger: "webhook" });
      // One waiting organisation has one job: this one is covered by the first.
      expect(await sendSyncJob(boss, { tenantId: tenants[0]!.id, trigger: "schedule" })).toBeNull();
      await sendSyncJob(boss, { tenantId: tenants[2]!.id, trigger: "schedule" }, { startAfter: new Date(Date.now() + 3_600_000) });
      enableSyncJobs(t.url!);
    }
  });
  afterAll(async () => {
    delete process.env.METRICS_TOKEN;
    resetEnvCache();
    stopUsingSyncJobs();
    if (t?.url) await stopBoss(t.url);
    await t?.close();
  });

  it("without METRICS_TOKEN configured the route is off and says so", async () => {
    delete process.env.METRICS_TOKEN;
    resetEnvCache();
    const res = await callRoute(metrics, get("/api/metrics", { authorization: `Bearer ${TOKEN}` }), t);
    expect(res.status).toBe(403);
    expect((await res.json()).error).toEqual({ code: "forbidden", message: expect.stringContaining("set METRICS_TOKEN") });
  });

  it("with it: no or a wrong token is a 401, an unknown parameter a 400, the right one the Prometheus text", async () => {
    process.env.METRICS_TOKEN = TOKEN;
    resetEnvCache();
    expect((await callRoute(metrics, get("/api/metrics"), t)).status).toBe(401);
    expect((await callRoute(metrics, get("/api/metrics", { authorization: `Bearer ${TOKEN}x` }), t)).status).toBe(401);
    expect((await callRoute(metrics, get("/api/metrics", { authorization: `Basic ${TOKEN}` }), t)).status).toBe(401);
    const bad = await callRoute(metrics, get("/api/metrics?verbose=1", { authorization: `Bearer ${TOKEN}` }), t);
    expect(bad.status).toBe(400);
    const res = await callRoute(metrics, get("/api/metrics", { authorization: `Bearer ${TOKEN}` }), t);
    if (t.kind === "pglite") {
      expect(res.status).toBe(404);
      expect((await res.json()).error.message).toMatch(/no sync queue on PGlite/);
      return;
    }
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
    const lines = (await res.text()).split("\n");
    expect(lines).toContain("xero_sync_jobs_queued 2");
    expect(lines).toContain("xero_sync_jobs_scheduled 1");
    expect(lines).toContain("xero_sync_jobs_running 0");
    expect(lines).toContain("xero_sync_jobs_failed 0");
    expect(lines).toContain(`xero_sync_tenant_next_run_timestamp_seconds{tenant_id="${tenants[0]!.id}"} 1893456000`);
    expect(lines).toContain(`xero_sync_tenant_next_run_timestamp_seconds{tenant_id="${tenants[1]!.id}"} 1893456300`);
    expect(lines.find((l) => l.startsWith("xero_sync_jobs_oldest_waiting_seconds "))).toMatch(/ \d+$/);
  });

  it("/api/health carries the queue's counts and the next scheduled run, no organisation ids", async () => {
    const res = await callRoute(health, get("/api/health"), t);
    expect(res.status).toBe(200);
    const body = await res.json();
    if (t.kind === "pglite") {
      expect(body).toEqual({ ok: true, database: "pglite" });
      return;
    }
    expect(body).toEqual({
      ok: true,
      database: "postgres",
      jobs: { queued: 2, deferred: 1, running: 0, failed: 0, retried: 0, oldestWaitingSeconds: expect.any(Number), nextScheduledRunAt: "2030-01-01T00:00:00.000Z" },
    });
    expect(JSON.stringify(body)).not.toContain(tenants[0]!.id);
  });
});
