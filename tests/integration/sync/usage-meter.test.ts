/**
 * The usage meter against the simulator: a sync records in xero_usage_days exactly the calls the
 * simulator served for the organisation and the body bytes it sent (failed answers included), and
 * the daily quota Xero reported; calls tallied in one place and flushed from two at once add up;
 * a compressed answer counts its compressed bytes and is still read whole.
 */
import { createServer, type Server } from "node:http";
import { gzipSync } from "node:zlib";
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { xeroUsageDays } from "@/lib/db/schema";
import { syncTenant } from "@/lib/sync";
import { flushUsage, meterAnswer, meterCall, resetUsageTallies, usageDay } from "@/lib/usage/meter";
import { DEMO_CLIENT_ID } from "@/lib/xero-simulator";
import { createApiClient } from "@/lib/xero/client";
import { getValidAccessToken } from "@/lib/xero/token-store";
import { apiLog, createWorld, ctl, type SyncWorld } from "./harness";

const rowOf = async (world: SyncWorld, xeroTenantId: string) =>
  (await world.db.db.select().from(xeroUsageDays).where(and(eq(xeroUsageDays.clientId, DEMO_CLIENT_ID), eq(xeroUsageDays.xeroTenantId, xeroTenantId))))[0];

describe("usage meter", () => {
  let world: SyncWorld;
  beforeAll(async () => {
    world = await createWorld(
      [
        { name: "Metered Org (UK)", invoices: 2500, contacts: 300 },
        { name: "Second Org (NZ)", invoices: 1200, contacts: 100 },
      ],
      { limits: { enabled: true, perMinute: 10_000, perDay: 5000, concurrent: 5 } },
    );
  });
  afterAll(() => world?.close());
  beforeEach(async () => {
    resetUsageTallies();
    await world.db.db.delete(xeroUsageDays);
  });

  it("records the calls and bytes the simulator served for the organisation, failed answers too, and Xero's quota left", async () => {
    const t = world.user.tenants[0]!;
    const since = (await apiLog(world.sim, t.xeroTenantId)).lastSeq;
    // A 503 on the second invoices request and a 429 (minute) on contacts: both are calls Xero counts, with bodies.
    await ctl(world.sim, "POST", "/__sim/faults", {
      faults: [
        { kind: "503", tenantId: t.xeroTenantId, path: "/Invoices", skip: 1 },
        { kind: "429-minute", tenantId: t.xeroTenantId, path: "/Contacts" },
      ],
    });
    const result = await syncTenant(world.db.db, { tenantId: t.id, trigger: "manual", callOptions: { backoffBaseMs: 1, backoffMaxMs: 2 } });
    expect(result.status).toBe("success");
    const log = await apiLog(world.sim, t.xeroTenantId, since);
    const entries = log.entries as { status: number; bytes?: number; fault?: string }[];
    expect(entries.some((e) => e.status === 503)).toBe(true);
    expect(entries.some((e) => e.status === 429)).toBe(true);
    const served = entries.reduce((n, e) => n + (e.bytes ?? 0), 0);
    expect(served).toBeGreaterThan(1_000_000);

    const row = await rowOf(world, t.xeroTenantId);
    expect(row).toBeDefined();
    expect(row!.day).toBe(usageDay(new Date()));
    expect(row!.calls).toBe(entries.length);
    expect(row!.calls).toBe(result.status === "success" ? result.calls : -1);
    expect(row!.bytes).toBe(served);
    // The simulator's daily quota: 5,000 less the calls it admitted (its injected faults answer before its limiter counts).
    const admitted = entries.filter((e) => !e.fault).length;
    expect(row!.dayLimitRemaining).toBe(5000 - admitted);
    expect(row!.dayLimitSeenAt!.getTime()).toBeGreaterThan(Date.now() - 60_000);
  });

  it("two syncs at once record each organisation's own calls, and a second sync adds to the day's row", async () => {
    const [a, b] = world.user.tenants;
    const before = { a: (await apiLog(world.sim, a!.xeroTenantId)).lastSeq, b: (await apiLog(world.sim, b!.xeroTenantId)).lastSeq };
    const [ra, rb] = await Promise.all([
      syncTenant(world.db.db, { tenantId: a!.id, trigger: "manual", full: true }),
      syncTenant(world.db.db, { tenantId: b!.id, trigger: "manual", full: true }),
    ]);
    expect([ra.status, rb.status]).toEqual(["success", "success"]);
    const rc = await syncTenant(world.db.db, { tenantId: a!.id, trigger: "manual" });
    expect(rc.status).toBe("success");
    for (const [t, seq] of [
      [a!, before.a],
      [b!, before.b],
    ] as const) {
      const entries = (await apiLog(world.sim, t.xeroTenantId, seq)).entries as { bytes?: number }[];
      const row = await rowOf(world, t.xeroTenantId);
      expect(row!.calls).toBe(entries.length);
      expect(row!.bytes).toBe(entries.reduce((n, e) => n + (e.bytes ?? 0), 0));
    }
  });

  it("flushes from two places at once add up (the upsert adds, it does not overwrite)", async () => {
    const id = "flush-race-tenant";
    for (let i = 0; i < 3; i++) meterCall(id);
    meterAnswer(id, 100, { "x-daylimit-remaining": "4990" });
    const first = flushUsage(world.db.db, [id]);
    for (let i = 0; i < 2; i++) meterCall(id);
    meterAnswer(id, 50, { "x-daylimit-remaining": "4980" }, new Date(Date.now() + 1000));
    const second = flushUsage(world.db.db, [id]);
    await Promise.all([first, second]);
    expect(await rowOf(world, id)).toMatchObject({ calls: 5, bytes: 150, dayLimitRemaining: 4980 });
    // An older report of the quota, flushed later, does not replace the newer one.
    meterAnswer(id, 0, { "x-daylimit-remaining": "4999" }, new Date(Date.now() - 3_600_000));
    await flushUsage(world.db.db, [id]);
    expect(await rowOf(world, id)).toMatchObject({ calls: 5, bytes: 150, dayLimitRemaining: 4980 });
  });

  it("counts a gzip answer's bytes as received (compressed) and reads it whole", async () => {
    const body = Buffer.from(JSON.stringify({ Id: "x", Status: "OK", DateTimeUTC: "/Date(1700000000000)/", Currencies: Array.from({ length: 200 }, (_, i) => ({ Code: `C${i}`, Description: "a currency, repeated to compress well" })) }));
    const zipped = gzipSync(body);
    let server: Server | undefined;
    const url = await new Promise<string>((resolve) => {
      server = createServer((req, res) => {
        expect(req.headers["accept-encoding"]).toContain("gzip");
        res.writeHead(200, { "content-type": "application/json", "content-encoding": "gzip", "x-daylimit-remaining": "4321" });
        res.end(zipped);
      }).listen(0, "127.0.0.1", () => resolve(`http://127.0.0.1:${(server!.address() as { port: number }).port}`));
    });
    try {
      const { accessToken: token } = await getValidAccessToken(world.db.db, world.user.connectionId);
      const client = createApiClient({ identityUrl: world.sim.url, apiUrl: url, timeoutMs: 5000 }, token, { wireResponses: true });
      const { response } = await client.accountingApi.getCurrencies("gzip-tenant");
      expect(Buffer.isBuffer(response.data)).toBe(true);
      expect((response.data as unknown as Buffer).equals(body)).toBe(true);
      await flushUsage(world.db.db, ["gzip-tenant"]);
      expect(zipped.length).toBeLessThan(body.length / 3);
      expect(await rowOf(world, "gzip-tenant")).toMatchObject({ calls: 1, bytes: zipped.length, dayLimitRemaining: 4321 });
    } finally {
      await new Promise((r) => server?.close(r));
    }
  });
});
