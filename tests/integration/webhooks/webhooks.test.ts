import { createHmac } from "node:crypto";
import { and, eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { xeroSessions, xeroTenants, xeroWebhookDeliveries } from "@/lib/db/schema";
import { listHistory, parseHistoryQuery } from "@/lib/history/read-model";
import { runHousekeeping, syncTenant, waitForBackgroundSyncs } from "@/lib/sync";
import { runDueWebhookSyncs } from "@/lib/sync/webhook-syncs";
import { announcedEntities } from "@/lib/sync/engine";
import { enabledEntityNames } from "@/lib/entities/enabled";
import { planWebhookSyncs, receiveXeroWebhook, verifyWebhookSignature, WEBHOOK_MAX_BODY_BYTES, webhookResponse } from "@/lib/xero/webhooks";
import { testDbKind } from "@/tests/helpers/db";
import { postStreaming, serveRoute, type RouteServer } from "@/tests/helpers/route-server";
import { createWorld, ctl, expectMirrorsSimulator, type SyncWorld } from "../sync/harness";

/**
 * The receiver of app/api/xero/webhooks/route.ts (receiveXeroWebhook + webhookResponse) served
 * over HTTP the way Next.js serves it, with the simulator delivering webhooks exactly as Xero
 * does (intent-to-receive handshake, batched events, x-xero-signature) and real syncs against it.
 */
const KEY = "sim-webhook-key-0123456789abcdef0123456789abcdef";
/** Long enough that no test outlives it; tests move the window's start back instead of waiting. */
const WINDOW_SECONDS = 3600;
let world: SyncWorld;
let server: RouteServer;

async function webhookSyncs(tenantId: string) {
  return world.db.db
    .select()
    .from(xeroSessions)
    .where(and(eq(xeroSessions.tenantId, tenantId), eq(xeroSessions.kind, "sync"), eq(xeroSessions.trigger, "webhook")));
}

async function deliveries(tenantId: string) {
  return (
    await world.db.db
      .select()
      .from(xeroSessions)
      .where(and(eq(xeroSessions.tenantId, tenantId), eq(xeroSessions.kind, "webhook")))
      .orderBy(xeroSessions.startedAt)
  ).map((s) => s.detail as Record<string, unknown>);
}

/** As if the debounce window had passed: move the tenant's window (and any due time) back. */
async function windowPasses(tenantId: string) {
  await world.db.db
    .update(xeroTenants)
    .set({
      webhookSyncAt: sql`${xeroTenants.webhookSyncAt} - interval '2 hours'`,
      webhookSyncDueAt: sql`${xeroTenants.webhookSyncDueAt} - interval '2 hours'`,
    })
    .where(eq(xeroTenants.id, tenantId));
}

/** Edits `count` invoices in the simulator, which delivers one signed webhook for them. */
const mutate = (xeroTenantId: string, count = 1) => ctl(world.sim, "POST", "/__sim/mutate", { tenantId: xeroTenantId, entity: "invoices", count, kinds: ["edit"] });
/** Resolves when the simulator has delivered every queued webhook. */
const delivered = () => ctl<{ deliveries: { kind: string; status: number }[] }>(world.sim, "GET", "/__sim/webhooks");

beforeAll(async () => {
  world = await createWorld([
    { name: "Hooks (NZ)", invoices: 60, contacts: 10 },
    // Enough open invoices that two edits find two (credit notes are allocated to some of them).
    { name: "Replays (UK)", invoices: 80, contacts: 5 },
  ]);
  server = await serveRoute("/api/xero/webhooks", async (request) =>
    webhookResponse(await receiveXeroWebhook(world.db.db, request, { key: KEY, debounceSeconds: WINDOW_SECONDS })),
  );
  for (const t of world.user.tenants) await syncTenant(world.db.db, { tenantId: t.id, trigger: "manual" });
});

afterAll(async () => {
  await waitForBackgroundSyncs();
  await server?.close();
  await world?.close();
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

  it("passes the intent-to-receive check and logs both requests, the refused one without the signature", async () => {
    const config = await ctl<{ active: boolean }>(world.sim, "POST", "/__sim/webhooks/config", { url: server.url, key: KEY });
    expect(config.active).toBe(true);
    expect(server.requests.map((r) => r.status)).toEqual([200, 401]);
    const unattributed = await world.db.db.select().from(xeroSessions).where(sql`${xeroSessions.userId} is null and ${xeroSessions.kind} = 'webhook'`);
    expect(unattributed.map((s) => [s.outcome, (s.detail as { delivery: string }).delivery]).sort()).toEqual([
      ["error", "rejected"],
      ["success", "intent_to_receive"],
    ]);
    const text = JSON.stringify(unattributed);
    expect(text).not.toContain(server.requests[1]!.headers["x-xero-signature"]);
    expect(text).not.toContain(KEY);
  });

  it("refuses a body over 1 MB with 413 without reading it all, whether it says its length or not", async () => {
    const before = server.requests.length;
    const total = 32 * 1024 * 1024;
    const chunked = await postStreaming(server.url, { total });
    expect(chunked.status).toBe(413);
    const served = server.requests[before]!;
    expect(served.status).toBe(413);
    // It stopped at the first chunk past the limit; the client could not even hand over the rest.
    expect(served.pulledBytes).toBeGreaterThan(WEBHOOK_MAX_BODY_BYTES);
    expect(served.pulledBytes).toBeLessThanOrEqual(WEBHOOK_MAX_BODY_BYTES + 64 * 1024);
    expect(chunked.sentBytes).toBeLessThan(total);

    // A declared Content-Length over the limit is refused before a byte is sent or read.
    const declared = await postStreaming(server.url, { total: 0, declaredLength: 5_000_000 });
    expect(declared.status).toBe(413);
    expect(server.requests[before + 1]!.pulledBytes).toBe(0);

    // Both are logged as refused, in one row that counts them (a flood of junk adds no rows).
    const rows = await world.db.db.select().from(xeroSessions).where(sql`${xeroSessions.userId} is null and ${xeroSessions.detail}->>'reason' = 'too_large'`);
    expect(rows).toHaveLength(1);
    expect(rows[0]!.outcome).toBe("error");
    expect(rows[0]!.detail).toMatchObject({ delivery: "rejected", reason: "too_large", deliveries: 2 });
  });

  it("drops a replayed delivery: no second sync, the repeat counted on the delivery's log row", async () => {
    const tenant = world.user.tenants[1]!;
    const before = server.requests.length;
    await mutate(tenant.xeroTenantId, 2);
    await delivered();
    await waitForBackgroundSyncs();
    expect(await webhookSyncs(tenant.id)).toHaveLength(1);
    await expectMirrorsSimulator(world, tenant);

    // An attacker captured the signed delivery; the window has passed, so only the digest stops it.
    const captured = server.requests.slice(before).find((r) => r.status === 200)!;
    await windowPasses(tenant.id);
    for (let i = 0; i < 3; i++) {
      const replay = await fetch(server.url, {
        method: "POST",
        headers: { "content-type": "application/json", "x-xero-signature": captured.headers["x-xero-signature"]! },
        body: new Uint8Array(captured.body),
      });
      expect(replay.status).toBe(200);
    }
    await waitForBackgroundSyncs();
    expect(await webhookSyncs(tenant.id)).toHaveLength(1);
    const logged = await deliveries(tenant.id);
    expect(logged).toHaveLength(1);
    expect(logged[0]).toMatchObject({ delivery: "accepted", events: 2, sync: "started", repeats: 3 });
  });

  it("a flood of distinct valid deliveries starts one sync per window; the changes inside it are synced when it ends", async () => {
    const tenant = world.user.tenants[0]!;
    await mutate(tenant.xeroTenantId);
    await delivered();
    await waitForBackgroundSyncs(); // the first sync has finished: what follows is certainly after it
    const N = 8;
    for (let i = 0; i < N; i++) await mutate(tenant.xeroTenantId);
    const hooks = await delivered();
    expect(hooks.deliveries.filter((d) => d.kind === "events").every((d) => d.status === 200)).toBe(true);
    await waitForBackgroundSyncs();

    expect(await webhookSyncs(tenant.id)).toHaveLength(1);
    const logged = await deliveries(tenant.id);
    expect(logged.map((d) => d.sync)).toEqual(["started", ...Array<string>(N).fill("coalesced")]);
    const [row] = await world.db.db.select().from(xeroTenants).where(eq(xeroTenants.id, tenant.id));
    expect(row!.webhookSyncDueAt).not.toBeNull();
    // Nothing is due before the window ends.
    expect(await runDueWebhookSyncs(world.db.db, WINDOW_SECONDS)).toEqual([]);

    await windowPasses(tenant.id);
    const due = await runDueWebhookSyncs(world.db.db, WINDOW_SECONDS);
    expect(due.map((d) => d.outcome.sync)).toEqual(["started"]);
    // Another process's tick right after finds it taken.
    expect(await runDueWebhookSyncs(world.db.db, WINDOW_SECONDS)).toEqual([]);
    await waitForBackgroundSyncs();
    const runs = (await webhookSyncs(tenant.id)).sort((x, y) => x.startedAt.getTime() - y.startedAt.getTime());
    expect(runs).toHaveLength(2);
    // The due sync walks what Xero announces (invoices, contacts, credit notes), not every entity:
    // the others are never announced, and the schedule polls them.
    expect(runs[1]!.entity!.split(",").sort()).toEqual(announcedEntities(enabledEntityNames()).sort());
    expect(runs[1]!.entity!.split(",")).toEqual(expect.arrayContaining(["invoices", "contacts"]));
    expect(runs[1]!.entity!.split(",")).not.toContain("payments");
    await expectMirrorsSimulator(world, tenant);
    const [after] = await world.db.db.select().from(xeroTenants).where(eq(xeroTenants.id, tenant.id));
    expect(after!.webhookSyncDueAt).toBeNull();
  });

  it("shows every delivery in the sync history: what it caused, repeats, and refused ones", async () => {
    const page = await listHistory(world.db.db, { id: world.user.userId }, parseHistoryQuery({ kind: "webhook", size: "100" }));
    const mine = page.rows.filter((r) => r.userId === world.user.userId);
    expect(mine.map((r) => r.webhook?.caused).sort()).toEqual([...Array<string>(8).fill("coalesced"), "started", "started"]);
    expect(mine.find((r) => r.webhook?.repeats)?.webhook).toMatchObject({ events: 2, repeats: 3 });
    const refused = page.rows.filter((r) => r.userId === null && r.outcome === "error");
    expect(refused.map((r) => r.webhook?.reason).sort()).toEqual(["bad_signature", "too_large"]);
    expect(refused.find((r) => r.webhook?.reason === "too_large")?.webhook?.deliveries).toBe(2);
    // Filtering by organisation leaves out what belongs to none.
    const one = await listHistory(world.db.db, { id: world.user.userId }, parseHistoryQuery({ kind: "webhook", org: world.user.tenants[1]!.id }));
    expect(one.rows.map((r) => r.tenantId)).toEqual([world.user.tenants[1]!.id]);
  });

  it("the scheduler's housekeeping forgets digests after 24 hours; a later repeat is then taken as a new delivery", async () => {
    const tenant = world.user.tenants[1]!;
    const captured = server.requests.find((r) => r.status === 200 && r.body.includes(tenant.xeroTenantId))!;
    await world.db.db.update(xeroWebhookDeliveries).set({ receivedAt: sql`now() - interval '25 hours'` });
    await runHousekeeping(world.db.db, { upkeep: true });
    expect(await world.db.db.select().from(xeroWebhookDeliveries)).toEqual([]);
    const again = await fetch(server.url, {
      method: "POST",
      headers: { "content-type": "application/json", "x-xero-signature": captured.headers["x-xero-signature"]! },
      body: new Uint8Array(captured.body),
    });
    expect(again.status).toBe(200);
    // Its window had passed (the replay test moved it back), so it starts a sync like any delivery.
    expect((await deliveries(tenant.id)).map((d) => d.sync)).toEqual(["started", "started"]);
    await waitForBackgroundSyncs();
  });

  it("ignores organisations nobody here mirrors", async () => {
    const plans = await planWebhookSyncs(world.db.db, {
      events: [{ resourceId: crypto.randomUUID(), eventType: "UPDATE", eventCategory: "INVOICE", tenantId: crypto.randomUUID() }],
    });
    expect(plans).toEqual([]);
  });
});
