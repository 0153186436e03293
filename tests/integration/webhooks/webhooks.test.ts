import { createHmac } from "node:crypto";
import { simControl } from "@/tests/helpers/sim-control";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { users, xeroConnections, xeroSessions, xeroTenants } from "@/lib/db/schema";
import { startSimulator, type RunningSimulator } from "@/lib/xero-simulator";
import { planWebhookSyncs, verifyWebhookSignature, webhookPayloadSchema, type WebhookSyncRequest } from "@/lib/xero/webhooks";
import { createTestDatabase, testDbKind, type TestDatabase } from "../../helpers/db";

/**
 * The receiver's contract, exercised by the simulator delivering webhooks exactly as Xero does
 * (intent-to-receive handshake, batched events, x-xero-signature) to a loopback server that runs
 * the same verify-then-plan steps as app/api/xero/webhooks/route.ts.
 */
const KEY = "sim-webhook-key-0123456789abcdef0123456789abcdef";
let t: TestDatabase;
let sim: RunningSimulator;
let receiver: http.Server;
let receiverUrl: string;
const planned: WebhookSyncRequest[] = [];
const statuses: number[] = [];

beforeAll(async () => {
  t = await createTestDatabase();
  sim = await startSimulator({ port: 0, seed: 7, limits: false });
  receiver = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", async () => {
      const raw = Buffer.concat(chunks);
      const sig = req.headers["x-xero-signature"];
      let status = 200;
      if (!verifyWebhookSignature(raw, typeof sig === "string" ? sig : null, KEY)) status = 401;
      else {
        const payload = webhookPayloadSchema.parse(JSON.parse(raw.toString("utf8")));
        planned.push(...(await planWebhookSyncs(t.db, payload)));
      }
      statuses.push(status);
      res.writeHead(status).end();
    });
  });
  await new Promise<void>((r) => receiver.listen(0, "127.0.0.1", r));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/api/xero/webhooks`;
});

afterAll(async () => {
  await new Promise((r) => receiver?.close(r));
  await sim?.close();
  await t?.close();
});

describe(`webhooks on ${testDbKind()}`, () => {
  it("rejects a wrong or missing signature and accepts Xero's", () => {
    const body = JSON.stringify({ events: [] });
    const good = createHmac("sha256", KEY).update(body).digest("base64");
    expect(verifyWebhookSignature(body, good, KEY)).toBe(true);
    expect(verifyWebhookSignature(body + " ", good, KEY)).toBe(false);
    expect(verifyWebhookSignature(body, good, `${KEY}x`)).toBe(false);
    expect(verifyWebhookSignature(body, null, KEY)).toBe(false);
    expect(verifyWebhookSignature(body, "not base64 at all!", KEY)).toBe(false);
    // Bytes, not re-encoded text: a body that is not valid UTF-8 must be checked as sent.
    const bytes = Buffer.from([0x7b, 0xff, 0xfe, 0x7d]);
    const sig = createHmac("sha256", KEY).update(bytes).digest("base64");
    expect(verifyWebhookSignature(bytes, sig, KEY)).toBe(true);
    expect(verifyWebhookSignature(bytes.toString("utf8"), sig, KEY)).toBe(false);
  });

  it("passes the intent-to-receive check, then turns delivered changes into syncs of the changed entities", async () => {
    const config = await simControl<{ active: boolean }>(sim, "POST", "/__sim/webhooks/config", { url: receiverUrl, key: KEY });
    expect(config.active).toBe(true);
    expect(statuses.slice(0, 2)).toEqual([200, 401]);

    const org = sim.sim.tenantList()[0]!;
    const [user] = await t.db.insert(users).values({ email: "hook@example.com" }).returning();
    const [conn] = await t.db
      .insert(xeroConnections)
      .values({ userId: user!.id, grantType: "authorization_code", xeroUserId: "xu-hook", scopes: "openid", tokenSetEncrypted: "v1:x", accessTokenExpiresAt: new Date() })
      .returning();
    const [tenant] = await t.db.insert(xeroTenants).values({ userId: user!.id, connectionId: conn!.id, xeroTenantId: org.id, name: org.name }).returning();

    await simControl(sim, "POST", "/__sim/mutate", { tenantId: org.id, entity: "invoices", count: 3 });
    const hooks = await simControl<{ deliveries: { kind: string; status: number }[] }>(sim, "GET", "/__sim/webhooks");
    expect(hooks.deliveries.filter((d) => d.kind === "events").every((d) => d.status === 200)).toBe(true);
    expect(planned).toContainEqual({ userId: user!.id, tenantId: tenant!.id, entities: ["invoices"] });
    const logged = await t.db.select().from(xeroSessions).where(eq(xeroSessions.tenantId, tenant!.id));
    expect(logged.some((s) => s.kind === "webhook" && s.outcome === "success")).toBe(true);
  });

  it("ignores organisations nobody here mirrors", async () => {
    const plans = await planWebhookSyncs(t.db, {
      events: [{ resourceId: crypto.randomUUID(), eventType: "UPDATE", eventCategory: "INVOICE", tenantId: crypto.randomUUID() }],
    });
    expect(plans).toEqual([]);
  });
});
