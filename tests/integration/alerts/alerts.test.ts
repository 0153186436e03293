import { randomBytes } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { computeAlerts } from "@/lib/alerts/conditions";
import { deliverDue, MAX_ATTEMPTS, pruneAlertDeliveries, sendTestDelivery } from "@/lib/alerts/delivery";
import { SIGNATURE_HEADER, verifySignature } from "@/lib/alerts/signature";
import { evaluateAlerts } from "@/lib/alerts/transitions";
import { listDeliveries, rotateWebhookSecret, saveWebhook, webhookSettingsSchema } from "@/lib/alerts/webhook";
import { alertDeliveries, alertWebhooks, openAlerts, syncCursors, xeroConnections, xeroSessions, xeroTenants, xeroUsageDays, type NewXeroSession } from "@/lib/db/schema";
import { openDatabase } from "@/lib/db/client";
import { resetEnvCache } from "@/lib/env";
import { ciphertextKeyId } from "@/lib/xero/token-crypto";
import { reencryptSecrets } from "@/lib/xero/token-reencrypt";
import { webhookTarget } from "@/lib/alerts/webhook";
import { PLANS, type XeroPlan } from "@/lib/usage/plans";
import { createTestDatabase, type TestDatabase } from "@/tests/helpers/db";
import { seedTenant, seedUser } from "@/tests/helpers/seed-mirror";

/**
 * Alerts on a real migrated database: each condition from the rows the sync, the usage meter and
 * Connect Xero write; transitions that deliver once however many evaluators run at once; signed
 * deliveries to a real HTTP receiver, retried by the receiver's answer to each request (never by
 * a timer racing the code: the clock and the backoff are passed in); URLs refused; and no alert,
 * delivery or webhook of one user ever reaching another.
 */

let t: TestDatabase;
const NOW = new Date("2026-06-15T12:00:00Z");
const MIN = 60_000;
const DAY = 86_400_000;
const ago = (ms: number) => new Date(NOW.getTime() - ms);
const TODAY = "2026-06-15";
/** Starter's quota, with room for every organisation of the file so connections stay out of the way. */
const PLAN: XeroPlan = { ...PLANS.starter, connections: 1_000 };

const run = (userId: string, tenantId: string, values: Partial<NewXeroSession>): NewXeroSession => ({ userId, tenantId, kind: "sync", trigger: "schedule", ...values });

/** A receiver on 127.0.0.1 that answers each request with `answer(n)` (n from 1) and keeps what it got. */
interface Receiver {
  url: string;
  requests: { headers: http.IncomingHttpHeaders; body: string }[];
  answer: (n: number) => number | "hang";
  close(): Promise<void>;
}
async function startReceiver(answer: (n: number) => number | "hang" = () => 200): Promise<Receiver> {
  const receiver: Receiver = { url: "", requests: [], answer, close: async () => {} };
  const hanging: http.ServerResponse[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      receiver.requests.push({ headers: req.headers, body: Buffer.concat(chunks).toString("utf8") });
      const a = receiver.answer(receiver.requests.length);
      if (a === "hang") hanging.push(res);
      else res.writeHead(a, { "content-type": "text/plain" }).end("receiver says hi");
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  receiver.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  receiver.close = () =>
    new Promise((r) => {
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      server.close(() => r());
    });
  return receiver;
}

beforeAll(async () => {
  process.env.TOKEN_ENCRYPTION_KEY ||= randomBytes(32).toString("hex");
  resetEnvCache();
  t = await createTestDatabase();
});
afterAll(async () => {
  await t?.close();
});

describe("alert conditions", () => {
  let userId: string;
  let otherId: string;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    userId = (await seedUser(t.db, { email: "alerts@example.test" })).id;
    otherId = (await seedUser(t.db, { email: "alerts-other@example.test" })).id;
    const tenant = async (name: string, opts: Parameters<typeof seedTenant>[2] = {}) => (ids[name] = (await seedTenant(t.db, userId, { name, ...opts })).id);

    // Alpha: its latest sync failed, after a success and then two failures.
    await tenant("Alpha");
    await t.db.insert(xeroSessions).values([
      run(userId, ids.Alpha!, { startedAt: ago(60 * MIN), finishedAt: ago(59 * MIN), outcome: "success" }),
      run(userId, ids.Alpha!, { startedAt: ago(30 * MIN), finishedAt: ago(29 * MIN), outcome: "error", error: "Xero answered 503" }),
      run(userId, ids.Alpha!, { startedAt: ago(10 * MIN), finishedAt: ago(9 * MIN), outcome: "error", error: "Xero answered 503" }),
    ]);
    await t.db.insert(syncCursors).values([
      { tenantId: ids.Alpha!, entity: "invoices", lastSuccessAt: ago(60 * MIN), lastErrorAt: ago(10 * MIN), lastError: "Xero answered 503" },
    ]);
    // Beta: the run succeeded overall but invoices' last error is newer than their last success.
    await tenant("Beta");
    await t.db.insert(xeroSessions).values(run(userId, ids.Beta!, { startedAt: ago(5 * MIN), finishedAt: ago(4 * MIN), outcome: "success" }));
    await t.db.insert(syncCursors).values([
      { tenantId: ids.Beta!, entity: "invoices", lastSuccessAt: ago(DAY), lastErrorAt: ago(20 * MIN), lastError: "records kept changing while paging" },
      { tenantId: ids.Beta!, entity: "contacts", lastSuccessAt: ago(MIN), lastErrorAt: ago(DAY), lastError: "an old error, since fixed" },
    ]);
    // Gamma: its connection needs a reconnect (and its failed syncs say no more than that).
    await tenant("Gamma");
    await setConnection(ids.Gamma!, { status: "needs_reconnect", statusReason: "Xero refused the refresh token; reconnect.", updatedAt: ago(2 * 3600_000) });
    await t.db.insert(xeroSessions).values(run(userId, ids.Gamma!, { startedAt: ago(3 * MIN), outcome: "error", error: "invalid_grant" }));
    // Delta: stopped by Xero's daily limit (its calls are over 80 % too: the limit says it all).
    await tenant("Delta", { xeroTenantId: "xt-delta", rateLimitedUntil: new Date(NOW.getTime() + 3 * 3600_000) });
    await t.db.insert(xeroSessions).values(run(userId, ids.Delta!, { startedAt: ago(15 * MIN), outcome: "rate_limited" }));
    // Epsilon: 850 of 1,000 calls today by our count; Zeta: 100 by ours, 850 by Xero's (150 remaining, said today).
    await tenant("Epsilon", { xeroTenantId: "xt-epsilon" });
    await tenant("Zeta", { xeroTenantId: "xt-zeta" });
    // Eta: 990 calls, yesterday; 790 today (79 %): no alert.
    await tenant("Eta", { xeroTenantId: "xt-eta" });
    await t.db.insert(xeroUsageDays).values([
      { day: TODAY, clientId: "app", xeroTenantId: "xt-delta", calls: 990 },
      { day: TODAY, clientId: "app", xeroTenantId: "xt-epsilon", calls: 850 },
      { day: TODAY, clientId: "app", xeroTenantId: "xt-zeta", calls: 100, dayLimitRemaining: 150, dayLimitSeenAt: ago(7 * MIN) },
      { day: "2026-06-14", clientId: "app", xeroTenantId: "xt-eta", calls: 990, dayLimitRemaining: 10, dayLimitSeenAt: ago(DAY) },
      { day: TODAY, clientId: "app", xeroTenantId: "xt-eta", calls: 790 },
    ]);
    // Theta: refresh token issued 50 days ago; Iota: 40 days ago (fine).
    await tenant("Theta");
    await setConnection(ids.Theta!, { refreshTokenIssuedAt: ago(50 * DAY) });
    await tenant("Iota");
    await setConnection(ids.Iota!, { refreshTokenIssuedAt: ago(40 * DAY) });
    // Kappa: disconnected, with a failed sync: gone from alerts.
    await tenant("Kappa", { status: "disconnected" });
    await t.db.insert(xeroSessions).values(run(userId, ids.Kappa!, { startedAt: ago(MIN), outcome: "error", error: "gone" }));

    // Another user's organisations, failing every way, and one sharing Epsilon's Xero organisation.
    const o1 = await seedTenant(t.db, otherId, { name: "Other Co" });
    await t.db.insert(xeroSessions).values(run(otherId, o1.id, { startedAt: ago(MIN), outcome: "error", error: "theirs" }));
    await setConnection(o1.id, { refreshTokenIssuedAt: ago(59 * DAY) });
    const o2 = await seedTenant(t.db, otherId, { name: "Other Reconnect" });
    await setConnection(o2.id, { status: "revoked" });
  });

  async function setConnection(tenantId: string, values: Partial<typeof xeroConnections.$inferInsert>) {
    const [row] = await t.db.select({ c: xeroTenants.connectionId }).from(xeroTenants).where(eq(xeroTenants.id, tenantId));
    await t.db.update(xeroConnections).set(values).where(eq(xeroConnections.id, row!.c));
  }

  it("computes each condition from the rows, errors first, with how to fix it and since when", async () => {
    const alerts = await computeAlerts(t.db, userId, { now: NOW, plan: PLAN });
    const byKey = Object.fromEntries(alerts.map((a) => [a.key, a]));
    expect(alerts.map((a) => a.key).sort()).toEqual(
      [
        `sync_failing:${ids.Alpha}`,
        `sync_failing:${ids.Beta}`,
        `needs_reconnect:${ids.Gamma}`,
        `rate_limited:${ids.Delta}`,
        `quota_80:${ids.Epsilon}`,
        `quota_80:${ids.Zeta}`,
        `refresh_token_old:${ids.Theta}`,
      ].sort(),
    );
    expect(alerts.map((a) => a.severity)).toEqual(["error", "error", "error", "error", "warning", "warning", "warning"]);

    const alpha = byKey[`sync_failing:${ids.Alpha}`]!;
    expect(alpha).toMatchObject({ severity: "error", organisation: { id: ids.Alpha, name: "Alpha" }, fix: { href: `/history?org=${ids.Alpha}`, label: "Sync history" } });
    expect(alpha.detail).toBe("The latest sync failed: Xero answered 503.");
    expect(alpha.since).toEqual(ago(30 * MIN)); // the first failure after the last success
    const beta = byKey[`sync_failing:${ids.Beta}`]!;
    expect(beta.detail).toBe("invoices: records kept changing while paging.");
    expect(beta.since).toEqual(ago(20 * MIN));
    expect(byKey[`needs_reconnect:${ids.Gamma}`]).toMatchObject({
      detail: "Xero refused the refresh token; reconnect.",
      fix: { href: "/api/xero/connect" },
      since: ago(2 * 3600_000),
    });
    expect(byKey[`rate_limited:${ids.Delta}`]).toMatchObject({ fix: { href: `/dashboard/organisations/${ids.Delta}` }, since: ago(15 * MIN) });
    expect(byKey[`rate_limited:${ids.Delta}`]!.detail).toContain("2026-06-15 15:00 UTC");
    expect(byKey[`quota_80:${ids.Epsilon}`]).toMatchObject({ title: "Epsilon has used 85 % of today's Xero calls", since: new Date(`${TODAY}T00:00:00Z`) });
    expect(byKey[`quota_80:${ids.Zeta}`]).toMatchObject({ title: "Zeta has used 85 % of today's Xero calls", since: ago(7 * MIN) });
    expect(byKey[`refresh_token_old:${ids.Theta}`]).toMatchObject({ title: "Theta's Xero authorisation is 50 days old", severity: "warning" });
  });

  it("never shows another user's organisations", async () => {
    const mine = new Set(Object.values(ids));
    for (const a of await computeAlerts(t.db, userId, { now: NOW, plan: PLAN })) expect(mine.has(a.organisation!.id)).toBe(true);
    const theirs = await computeAlerts(t.db, otherId, { now: NOW, plan: PLAN });
    expect(theirs.map((a) => `${a.kind}:${a.organisation?.name}`).sort()).toEqual(["needs_reconnect:Other Reconnect", "refresh_token_old:Other Co", "sync_failing:Other Co"]);
    expect(await computeAlerts(t.db, (await seedUser(t.db)).id, { now: NOW, plan: PLAN })).toEqual([]);
  });

  it("warns at 80 % of the plan's connections and of this month's data, counted over the whole app", async () => {
    // 11 organisations not disconnected (this file's two users); the cap of 12 puts them at 91 %.
    const plan: XeroPlan = { ...PLANS.core, connections: 12, egressBytesPerMonth: 1_000_000 };
    expect((await computeAlerts(t.db, userId, { now: NOW, plan })).filter((a) => !a.organisation).map((a) => a.key)).toEqual(["connections_80"]);
    await t.db.insert(xeroUsageDays).values([
      { day: "2026-06-01", clientId: "app", xeroTenantId: "xt-other", calls: 1, bytes: 500_000 },
      { day: TODAY, clientId: "app", xeroTenantId: "", calls: 1, bytes: 300_000 },
      { day: "2026-05-31", clientId: "app", xeroTenantId: "xt-other", calls: 1, bytes: 900_000 }, // last month
    ]);
    const plain = await computeAlerts(t.db, otherId, { now: NOW, plan });
    const egress = plain.find((a) => a.key === "egress_80")!;
    expect(egress).toMatchObject({ severity: "warning", organisation: null, fix: { href: "/settings/usage" } });
    expect(egress.title).toBe("Data from Xero this month is at 80 % of the plan's allowance");
    expect((await computeAlerts(t.db, userId, { now: NOW, plan: { ...plan, egressBytesPerMonth: 1_100_000, connections: 14 } })).filter((a) => !a.organisation)).toEqual([]);
  });
});

describe("transitions and deliveries", () => {
  let userId: string;
  let tenantId: string;
  let receiver: Receiver;
  let secret: string;

  beforeAll(async () => {
    userId = (await seedUser(t.db, { email: "hook@example.test" })).id;
    tenantId = (await seedTenant(t.db, userId, { name: "Hooked Ltd" })).id;
    receiver = await startReceiver();
    const saved = await saveWebhook(t.db, userId, { url: receiver.url, kinds: ["sync_failing", "needs_reconnect", "quota_80"] });
    secret = saved.secret!;
    expect(secret).toMatch(/^whsec_/);
    // Saving again keeps the secret and never shows it again.
    expect(await saveWebhook(t.db, userId, { url: receiver.url, kinds: ["sync_failing", "needs_reconnect", "quota_80"] })).toEqual({ secret: null });
    const [row] = await t.db.select().from(alertWebhooks).where(eq(alertWebhooks.userId, userId));
    expect(row!.secretEncrypted).not.toContain(secret);
  });
  afterAll(async () => {
    await receiver?.close();
  });

  const deliveriesOf = (type: string) => t.db.select().from(alertDeliveries).where(and(eq(alertDeliveries.userId, userId), eq(alertDeliveries.type, type)));

  it("opens and resolves each alert once, and writes one delivery each, with four evaluators at once", async () => {
    await t.db.insert(xeroSessions).values(run(userId, tenantId, { startedAt: ago(5 * MIN), finishedAt: ago(4 * MIN), outcome: "error", error: "Xero answered 500" }));
    const key = `sync_failing:${tenantId}`;
    // On PostgreSQL half of them on a second handle, as another process would be.
    const second = t.url ? await openDatabase({ url: t.url, max: 2 }) : null;
    const dbs = [t.db, second?.db ?? t.db, t.db, second?.db ?? t.db];
    const evaluations = await Promise.all(dbs.map((db) => evaluateAlerts(db, userId, { now: NOW, plan: PLAN, baseUrl: "https://sync.example.com" })));
    expect(evaluations.flatMap((e) => e.opened)).toEqual([key]);
    expect(await t.db.select({ key: openAlerts.key }).from(openAlerts).where(eq(openAlerts.userId, userId))).toEqual([{ key }]);
    const [opened, ...more] = await deliveriesOf("alert.opened");
    expect(more).toEqual([]);
    expect(JSON.parse(opened!.body)).toMatchObject({ id: opened!.id, type: "alert.opened", occurredAt: NOW.toISOString(), alert: { key, fixUrl: `https://sync.example.com/history?org=${tenantId}` } });

    // Again with nothing changed: nothing.
    expect(await evaluateAlerts(t.db, userId, { now: NOW, plan: PLAN })).toEqual({ opened: [], resolved: [] });

    // Fixed by a successful sync: resolved once, its delivery carrying the alert as it opened.
    await t.db.insert(xeroSessions).values(run(userId, tenantId, { startedAt: ago(MIN), finishedAt: ago(MIN / 2), outcome: "success" }));
    const resolutions = await Promise.all(dbs.map((db) => evaluateAlerts(db, userId, { now: NOW, plan: PLAN })));
    await second?.close();
    expect(resolutions.flatMap((e) => e.resolved)).toEqual([key]);
    expect(resolutions.flatMap((e) => e.opened)).toEqual([]);
    const resolved = await deliveriesOf("alert.resolved");
    expect(resolved).toHaveLength(1);
    expect(JSON.parse(resolved[0]!.body)).toMatchObject({ type: "alert.resolved", alert: { key, title: "Syncs of Hooked Ltd are failing" } });
    expect(await t.db.select().from(openAlerts).where(eq(openAlerts.userId, userId))).toEqual([]);
  });

  it("records kinds the webhook does not send as open, without a delivery", async () => {
    const before = (await t.db.select().from(alertDeliveries).where(eq(alertDeliveries.userId, userId))).length;
    await setRefreshIssued(tenantId, ago(50 * DAY));
    const e = await evaluateAlerts(t.db, userId, { now: NOW, plan: PLAN });
    expect(e.opened).toEqual([`refresh_token_old:${tenantId}`]);
    expect((await t.db.select().from(alertDeliveries).where(eq(alertDeliveries.userId, userId))).length).toBe(before);
    await setRefreshIssued(tenantId, NOW);
    expect((await evaluateAlerts(t.db, userId, { now: NOW, plan: PLAN })).resolved).toEqual([`refresh_token_old:${tenantId}`]);
  });

  it("signs each delivery and retries a failed one after the backoff: 500 to the first request, 200 to the second", async () => {
    receiver.requests.length = 0;
    receiver.answer = (n) => (n === 1 ? 500 : 200);
    const backoffMs = (attempts: number) => attempts * 60_000;
    const T = new Date(NOW.getTime() + 3600_000);

    // Both deliveries of the test above are due: the first request gets the 500.
    const first = await deliverDue(t.db, { now: T, userId, backoffMs, allowLocal: true });
    expect(first).toEqual({ delivered: 1, failed: 1 });
    const rows = await t.db.select().from(alertDeliveries).where(and(eq(alertDeliveries.userId, userId), eq(alertDeliveries.status, "pending")));
    expect(rows).toHaveLength(1);
    const retried = rows[0]!;
    expect(retried).toMatchObject({ attempts: 1, responseStatus: 500, lastError: "The receiver answered 500.", nextAttemptAt: new Date(T.getTime() + 60_000) });

    // Not due yet: nothing is sent.
    expect(await deliverDue(t.db, { now: new Date(T.getTime() + 59_000), userId, backoffMs, allowLocal: true })).toEqual({ delivered: 0, failed: 0 });
    expect(receiver.requests).toHaveLength(2);
    // Due: sent again, the same bytes, and delivered.
    expect(await deliverDue(t.db, { now: new Date(T.getTime() + 60_000), userId, backoffMs, allowLocal: true })).toEqual({ delivered: 1, failed: 0 });
    const [done] = await t.db.select().from(alertDeliveries).where(eq(alertDeliveries.id, retried.id));
    expect(done).toMatchObject({ status: "delivered", attempts: 2, responseStatus: 200, lastError: null });

    expect(receiver.requests).toHaveLength(3);
    const sentAgain = receiver.requests.filter((r) => r.headers["x-xero-sync-delivery"] === retried.id);
    expect(sentAgain).toHaveLength(2);
    expect(sentAgain[0]!.body).toBe(retried.body);
    expect(sentAgain[1]!.body).toBe(retried.body);
    for (const r of receiver.requests) {
      expect(r.headers["content-type"]).toBe("application/json");
      const header = r.headers[SIGNATURE_HEADER.toLowerCase()] as string;
      expect(header).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
      expect(verifySignature(secret, r.body, header)).toBe(true);
      expect(verifySignature("whsec_wrong", r.body, header)).toBe(false);
    }
    // The settings page's list: newest first, no body, no secret.
    const listed = await listDeliveries(t.db, userId);
    expect(listed.map((d) => d.status).sort()).toEqual(["delivered", "delivered"]);
    expect(JSON.stringify(listed)).not.toContain(secret);
    expect(listed[0]).not.toHaveProperty("body");
  });

  it("Send test delivers at once; after a rotation only the new secret verifies", async () => {
    receiver.requests.length = 0;
    receiver.answer = () => 204;
    const fresh = await rotateWebhookSecret(t.db, userId);
    expect(fresh).not.toBe(secret);
    const row = await sendTestDelivery(t.db, userId, { allowLocal: true });
    expect(row).toMatchObject({ type: "test", status: "delivered", attempts: 1, responseStatus: 204 });
    const [got] = receiver.requests;
    expect(JSON.parse(got!.body)).toMatchObject({ id: row.id, type: "test", alert: { title: "Test delivery from Xero Sync" } });
    const header = got!.headers[SIGNATURE_HEADER.toLowerCase()] as string;
    expect(verifySignature(fresh, got!.body, header)).toBe(true);
    expect(verifySignature(secret, got!.body, header)).toBe(false);
    secret = fresh;
  });

  it("gives up after MAX_ATTEMPTS, and a receiver that never answers times out", async () => {
    receiver.requests.length = 0;
    receiver.answer = () => 503;
    const first = await sendTestDelivery(t.db, userId, { allowLocal: true, backoffMs: () => 0, now: NOW });
    expect(first).toMatchObject({ status: "pending", attempts: 1, responseStatus: 503 });
    for (let i = 2; i <= MAX_ATTEMPTS + 1; i++) await deliverDue(t.db, { userId, backoffMs: () => 0, now: NOW, allowLocal: true });
    const [row] = await t.db.select().from(alertDeliveries).where(eq(alertDeliveries.id, first.id));
    expect(row).toMatchObject({ status: "failed", attempts: MAX_ATTEMPTS, responseStatus: 503 });
    expect(receiver.requests).toHaveLength(MAX_ATTEMPTS);

    receiver.answer = () => "hang";
    const hung = await sendTestDelivery(t.db, userId, { allowLocal: true, timeoutMs: 1_000 });
    expect(hung).toMatchObject({ status: "pending", attempts: 1, responseStatus: null, lastError: "No answer within 1 s." });
  });

  it("refuses a loopback receiver outside demo mode at connect time, before any request", async () => {
    receiver.requests.length = 0;
    receiver.answer = () => 200;
    await t.db.update(alertWebhooks).set({ url: receiver.url.replace("127.0.0.1", "localhost") }).where(eq(alertWebhooks.userId, userId));
    const row = await sendTestDelivery(t.db, userId, { allowLocal: false });
    expect(row).toMatchObject({ status: "pending", responseStatus: null });
    expect(row.lastError).toMatch(/private, loopback or link-local/);
    expect(receiver.requests).toHaveLength(0);
  });

  it("refuses a bad URL with a clear message when saving", () => {
    const schema = webhookSettingsSchema(false);
    const r = schema.safeParse({ url: "http://169.254.169.254/latest", kinds: "sync_failing" });
    expect(r.success).toBe(false);
    expect(r.error!.issues.map((i) => i.message)).toEqual(["The URL must start with https://."]);
    const none = schema.safeParse({ url: "https://hooks.example.com/x" });
    expect(none.error!.issues.map((i) => i.message)).toEqual(["Pick at least one kind of alert to send."]);
    expect(schema.parse({ url: "https://hooks.example.com/x", kinds: ["quota_80", "sync_failing"] }).kinds).toEqual(["quota_80", "sync_failing"]);
  });

  it("prunes finished deliveries after 30 days, never a pending one", async () => {
    const old = new Date(Date.now() - 31 * DAY);
    const rows = await t.db
      .insert(alertDeliveries)
      .values([
        { userId, type: "test", body: "{}", status: "delivered", createdAt: old },
        { userId, type: "test", body: "{}", status: "failed", createdAt: old },
        { userId, type: "test", body: "{}", status: "pending", createdAt: old, nextAttemptAt: new Date(Date.now() + DAY) },
        { userId, type: "test", body: "{}", status: "delivered", createdAt: new Date(Date.now() - 29 * DAY) },
      ])
      .returning({ id: alertDeliveries.id });
    expect(await pruneAlertDeliveries(t.db)).toBe(2);
    const left = new Set((await t.db.select({ id: alertDeliveries.id }).from(alertDeliveries)).map((r) => r.id));
    expect(rows.map((r) => left.has(r.id))).toEqual([false, false, true, true]);
    await t.db.delete(alertDeliveries).where(eq(alertDeliveries.id, rows[2]!.id));
  });

  it("keeps each user's deliveries and webhook to themselves", async () => {
    const other = (await seedUser(t.db)).id;
    expect(await listDeliveries(t.db, other)).toEqual([]);
    await expect(sendTestDelivery(t.db, other, { allowLocal: true })).rejects.toThrow("Save a webhook URL first.");
    expect(await deliverDue(t.db, { userId: other, allowLocal: true })).toEqual({ delivered: 0, failed: 0 });
  });
});

async function setRefreshIssued(tenantId: string, at: Date) {
  const [row] = await t.db.select({ c: xeroTenants.connectionId }).from(xeroTenants).where(eq(xeroTenants.id, tenantId));
  await t.db.update(xeroConnections).set({ refreshTokenIssuedAt: at }).where(eq(xeroConnections.id, row!.c));
}

describe("signing secrets and TOKEN_ENCRYPTION_KEY", () => {
  it("npm run tokens:reencrypt rewrites them under the new key, readable without the old one", async () => {
    const k0 = process.env.TOKEN_ENCRYPTION_KEY!;
    const userId = (await seedUser(t.db)).id;
    const { secret } = await saveWebhook(t.db, userId, { url: "https://hooks.example.com/x", kinds: ["quota_80"] });
    const k1 = randomBytes(32).toString("hex");
    const withKeys = async <T>(current: string, previous: string | undefined, fn: () => Promise<T>): Promise<T> => {
      process.env.TOKEN_ENCRYPTION_KEY = current;
      if (previous) process.env.TOKEN_ENCRYPTION_KEY_PREVIOUS = previous;
      else delete process.env.TOKEN_ENCRYPTION_KEY_PREVIOUS;
      resetEnvCache();
      try {
        return await fn();
      } finally {
        process.env.TOKEN_ENCRYPTION_KEY = k0;
        delete process.env.TOKEN_ENCRYPTION_KEY_PREVIOUS;
        resetEnvCache();
      }
    };
    const report = await withKeys(k1, k0, () => reencryptSecrets(t.db));
    expect(report.alertSecrets.failed).toBe(0);
    expect(report.alertSecrets.rewritten).toBeGreaterThanOrEqual(1);
    await withKeys(k1, undefined, async () => {
      expect((await webhookTarget(t.db, userId))!.secret).toBe(secret);
      const [row] = await t.db.select().from(alertWebhooks).where(eq(alertWebhooks.userId, userId));
      expect(ciphertextKeyId(row!.secretEncrypted)).not.toBeNull();
      expect((await reencryptSecrets(t.db)).alertSecrets.rewritten).toBe(0);
    });
  });
});
