import http from "node:http";
import type { AddressInfo } from "node:net";
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SIGNATURE_HEADER, verifySignature } from "@/lib/alerts/signature";
import { saveWebhook } from "@/lib/alerts/webhook";
import { alertDeliveries, openAlerts } from "@/lib/db/schema";
import { resetEnvCache } from "@/lib/env";
import { syncTenant } from "@/lib/sync";
import { until } from "@/tests/helpers/until";
import { createWorld, ctl, type SyncWorld } from "../sync/harness";

/**
 * The hook at the end of every sync, with a real sync against the simulator: a sync that fails
 * (the simulator answers 500) opens "sync failing" and its webhook delivery goes out after the
 * sync has returned (a failing receiver changes nothing about the sync); the next successful
 * sync resolves it.
 */
let world: SyncWorld;
let server: http.Server;
let url: string;
const received: { headers: http.IncomingHttpHeaders; body: string }[] = [];

beforeAll(async () => {
  world = await createWorld([{ name: "Hook Test Ltd", invoices: 5, contacts: 3 }]);
  process.env.XERO_DEMO = "1"; // the receiver runs on 127.0.0.1, which only the demo may reach
  resetEnvCache();
  server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      received.push({ headers: req.headers, body: Buffer.concat(chunks).toString("utf8") });
      // The first delivery fails: the sync must not notice.
      res.writeHead(received.length === 1 ? 500 : 200).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
});
afterAll(async () => {
  delete process.env.XERO_DEMO;
  resetEnvCache();
  await new Promise((r) => server?.close(r));
  await world?.close();
});

describe("alerts after a sync", () => {
  it("a failed sync opens sync_failing and delivers it after the sync returned; a successful one resolves it", async () => {
    const db = world.db.db;
    const userId = world.user.userId;
    const tenant = world.user.tenants[0]!;
    const { secret } = await saveWebhook(db, userId, { url, kinds: ["sync_failing"] });
    await ctl(world.sim, "POST", "/__sim/faults", { kind: "500", count: 50, tenantId: tenant.xeroTenantId, path: "/Invoices" });

    const failed = await syncTenant(db, { tenantId: tenant.id, trigger: "manual", entities: ["invoices"] });
    expect(failed.status).toBe("error");
    // The evaluation runs after the sync's turn, not inside it.
    expect(received).toHaveLength(0);
    await until(async () => received.length === 1, 20_000, "the opened delivery");
    const opened = JSON.parse(received[0]!.body) as { type: string; alert: { key: string } };
    expect(opened).toMatchObject({ type: "alert.opened", alert: { key: `sync_failing:${tenant.id}` } });
    expect(verifySignature(secret!, received[0]!.body, received[0]!.headers[SIGNATURE_HEADER.toLowerCase()] as string)).toBe(true);
    await until(
      async () => (await db.select().from(alertDeliveries).where(and(eq(alertDeliveries.userId, userId), eq(alertDeliveries.responseStatus, 500)))).length === 1,
      10_000,
      "the failed attempt recorded",
    );

    await ctl(world.sim, "DELETE", "/__sim/faults");
    const ok = await syncTenant(db, { tenantId: tenant.id, trigger: "manual", entities: ["invoices"] });
    expect(ok.status).toBe("success");
    await until(async () => received.length === 2, 20_000, "the resolved delivery");
    expect(JSON.parse(received[1]!.body)).toMatchObject({ type: "alert.resolved", alert: { key: `sync_failing:${tenant.id}` } });
    expect(await db.select().from(openAlerts).where(eq(openAlerts.userId, userId))).toEqual([]);
  });
});
