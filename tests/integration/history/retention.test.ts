import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase, type DatabaseHandle } from "@/lib/db/client";
import { users, xeroConnections, xeroSessions, xeroSessionSummaries, xeroTenants, type NewXeroSession } from "@/lib/db/schema";
import { applySessionRetention, getOlderActivity } from "@/lib/history/retention";
import { createTestDatabase, testDbKind, type TestDatabase } from "@/tests/helpers/db";

/** Retention of the sessions log: old rows rolled up per day/tenant/kind, then deleted; totals kept. */
let t: TestDatabase;
let userId: string;
let tenantId: string;
const DAY = 86_400_000;

beforeAll(async () => {
  t = await createTestDatabase();
  const [user] = await t.db.insert(users).values({ email: "retention@example.com" }).returning();
  const [conn] = await t.db
    .insert(xeroConnections)
    .values({ userId: user!.id, grantType: "authorization_code", xeroUserId: "xu-ret", scopes: "openid", tokenSetEncrypted: "v1:x", accessTokenExpiresAt: new Date() })
    .returning();
  const [tenant] = await t.db.insert(xeroTenants).values({ userId: user!.id, connectionId: conn!.id, xeroTenantId: crypto.randomUUID(), name: "Old Books (NZ)" }).returning();
  userId = user!.id;
  tenantId = tenant!.id;
});
afterAll(() => t?.close());

function session(daysAgo: number, values: Partial<NewXeroSession> = {}): NewXeroSession {
  const startedAt = new Date(Date.now() - daysAgo * DAY);
  return { userId, tenantId, kind: "sync", trigger: "schedule", outcome: "success", startedAt, finishedAt: startedAt, ...values };
}

describe(`sessions log retention on ${testDbKind()}`, () => {
  it("rolls old rows up per day, tenant and kind, deletes them, keeps recent and running rows, and the totals stay", async () => {
    const old = [
      session(120, { apiCalls: 3, recordsFetched: 100, recordsInserted: 100 }),
      session(120, { apiCalls: 2, recordsFetched: 10, recordsUpdated: 4, recordsUnchanged: 6, outcome: "error", error: "Xero did not answer" }),
      session(119, { apiCalls: 1, outcome: "rate_limited" }),
      session(110, { kind: "webhook", trigger: "webhook" }),
      session(100, { kind: "token_refresh", tenantId: null, trigger: null }),
    ];
    const running = session(200, { outcome: "running", finishedAt: null });
    const recent = [session(5, { apiCalls: 7 }), session(0, { kind: "webhook", trigger: "webhook" })];
    await t.db.insert(xeroSessions).values([...old, running, ...recent]);
    const totalsBefore = await totals();

    // Two runs at once (two handles on PostgreSQL, as two processes), in small batches: no row counted twice.
    let second: DatabaseHandle | undefined;
    if (t.url) second = await openDatabase({ url: t.url, max: 2 });
    try {
      const [a, b] = await Promise.all([applySessionRetention(t.db, 90, 2), applySessionRetention(second?.db ?? t.db, 90, 2)]);
      expect(a.deleted + b.deleted).toBe(old.length);
    } finally {
      await second?.close();
    }

    const left = await t.db.select().from(xeroSessions);
    expect(left).toHaveLength(1 + recent.length);
    expect(left.some((s) => s.outcome === "running")).toBe(true);
    const summaries = await t.db.select().from(xeroSessionSummaries).orderBy(xeroSessionSummaries.day, xeroSessionSummaries.kind);
    expect(summaries.map((s) => [s.kind, s.sessions])).toEqual([
      ["sync", 2],
      ["sync", 1],
      ["webhook", 1],
      ["token_refresh", 1],
    ]);
    expect(summaries[0]).toMatchObject({ tenantId, tenantName: "Old Books (NZ)", succeeded: 1, failed: 1, apiCalls: 5, recordsFetched: 110, recordsInserted: 100, recordsUpdated: 4, recordsUnchanged: 6 });
    expect(summaries[1]).toMatchObject({ rateLimited: 1, apiCalls: 1 });

    // Rows and summaries together still add up to what the log held.
    const older = await getOlderActivity(t.db, userId);
    const sum = (key: "sessions" | "apiCalls" | "recordsFetched") => older.reduce((n, o) => n + o[key], 0);
    const now = await totals();
    expect(now.sessions + sum("sessions")).toBe(totalsBefore.sessions);
    expect(now.apiCalls + sum("apiCalls")).toBe(totalsBefore.apiCalls);
    expect(now.fetched + sum("recordsFetched")).toBe(totalsBefore.fetched);
    expect(older.find((o) => o.kind === "sync")).toMatchObject({ sessions: 3, succeeded: 1, failed: 1, rateLimited: 1 });
    expect(await getOlderActivity(t.db, userId, { kind: "webhook" })).toMatchObject([{ kind: "webhook", sessions: 1 }]);
  });

  it("adds a later run to the same day's summary, keeps summaries after the organisation is deleted, and 0 keeps everything", async () => {
    await t.db.insert(xeroSessions).values(session(120, { apiCalls: 10 }));
    expect(await applySessionRetention(t.db, 0)).toEqual({ deleted: 0 });
    expect(await applySessionRetention(t.db, 90)).toEqual({ deleted: 1 });
    await t.db.delete(xeroTenants).where(eq(xeroTenants.id, tenantId));
    const [day] = await t.db
      .select()
      .from(xeroSessionSummaries)
      .where(sql`${xeroSessionSummaries.kind} = 'sync' and ${xeroSessionSummaries.day} = (select min(day) from xero_session_summaries)`);
    expect(day).toMatchObject({ sessions: 3, apiCalls: 15, tenantName: "Old Books (NZ)" });
    expect((await getOlderActivity(t.db, userId, { kind: "sync" }))[0]).toMatchObject({ sessions: 4 });
  });
});

async function totals() {
  const [row] = await t.db
    .select({ sessions: sql<number>`count(*)::int`, apiCalls: sql<number>`coalesce(sum(api_calls), 0)::int`, fetched: sql<number>`coalesce(sum(records_fetched), 0)::int` })
    .from(xeroSessions);
  return { sessions: Number(row!.sessions), apiCalls: Number(row!.apiCalls), fetched: Number(row!.fetched) };
}
