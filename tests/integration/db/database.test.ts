import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eq, sql } from "drizzle-orm";
import { queryRows } from "@/lib/db/client";
import { invoices, users, xeroConnections, xeroSessions, xeroTenants } from "@/lib/db/schema";
import {
  addXeroSessionProgress,
  finishXeroSession,
  getXeroSessionById,
  listXeroSessionsByUser,
  logXeroSession,
  startXeroSession,
} from "@/lib/db/queries/xero-sessions";
import { createTestDatabase, testDbKind, type TestDatabase } from "../../helpers/db";

const kind = testDbKind();
let t: TestDatabase;

beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(async () => {
  await t?.close();
});

async function seedTenant(email: string) {
  const [user] = await t.db.insert(users).values({ email, name: email }).returning();
  const [conn] = await t.db
    .insert(xeroConnections)
    .values({
      userId: user!.id,
      grantType: "authorization_code",
      xeroUserId: `xu-${email}`,
      scopes: "openid",
      tokenSetEncrypted: "v1:dummy",
      accessTokenExpiresAt: new Date(),
    })
    .returning();
  const [tenant] = await t.db
    .insert(xeroTenants)
    .values({ userId: user!.id, connectionId: conn!.id, xeroTenantId: crypto.randomUUID(), name: `Org of ${email}` })
    .returning();
  return { user: user!, conn: conn!, tenant: tenant! };
}

describe(`database on ${kind}`, () => {
  it(`runs on ${kind === "pglite" ? "PGlite" : "a real PostgreSQL server"}`, async () => {
    expect(t.kind).toBe(kind);
    const [row] = await queryRows<{ v: string }>(t.db, sql`select version() as v`);
    const text = row?.v ?? "";
    console.log(`integration suite running on ${kind}: ${text}`);
    expect(text).toMatch(/PostgreSQL (15|16|17|18)/);
    if (kind === "postgres") expect(text).not.toMatch(/emscripten|wasm/i);
  });

  it("applied every migration, with pg_trgm available", async () => {
    const ext = await queryRows<{ extname: string }>(t.db, sql`select extname from pg_extension where extname = 'pg_trgm'`);
    expect(ext.map((e) => e.extname)).toEqual(["pg_trgm"]);
    const applied = await queryRows<{ n: number }>(t.db, sql`select count(*)::int as n from drizzle.__drizzle_migrations`);
    expect(applied[0]?.n).toBeGreaterThanOrEqual(2);
  });

  it("keeps money as exact decimals and dates as calendar dates", async () => {
    const { tenant } = await seedTenant("money@example.com");
    const id = crypto.randomUUID();
    await t.db.insert(invoices).values({
      tenantId: tenant.id,
      invoiceId: id,
      type: "ACCREC",
      status: "AUTHORISED",
      total: "1234567.8912",
      amountDue: "0.1",
      date: "2026-02-28",
      xeroUpdatedAt: new Date("2026-03-01T10:00:00.123Z"),
      raw: { InvoiceID: id },
    });
    const [row] = await t.db.select().from(invoices).where(eq(invoices.invoiceId, id));
    expect(row!.total).toBe("1234567.8912");
    expect(row!.amountDue).toBe("0.1000");
    expect(row!.date).toBe("2026-02-28");
    expect(row!.xeroUpdatedAt.toISOString()).toBe("2026-03-01T10:00:00.123Z");
    expect(row!.raw).toEqual({ InvoiceID: id });
  });

  it("refuses a second row for the same tenant and Xero id, and cascades deletes from the tenant", async () => {
    const { tenant } = await seedTenant("keys@example.com");
    const id = crypto.randomUUID();
    const row = { tenantId: tenant.id, invoiceId: id, type: "ACCPAY", status: "DRAFT", xeroUpdatedAt: new Date(), raw: {} };
    await t.db.insert(invoices).values(row);
    await expect(t.db.insert(invoices).values(row)).rejects.toThrow();
    await t.db.delete(xeroTenants).where(eq(xeroTenants.id, tenant.id));
    expect(await t.db.select().from(invoices).where(eq(invoices.tenantId, tenant.id))).toHaveLength(0);
  });

  it("does not let one user add the same organisation twice", async () => {
    const { user, conn, tenant } = await seedTenant("dupe@example.com");
    await expect(
      t.db.insert(xeroTenants).values({ userId: user.id, connectionId: conn.id, xeroTenantId: tenant.xeroTenantId, name: "again" }),
    ).rejects.toThrow();
  });

  it("rolls a failed transaction back completely", async () => {
    const { tenant } = await seedTenant("tx@example.com");
    const id = crypto.randomUUID();
    await expect(
      t.db.transaction(async (tx) => {
        await tx.insert(invoices).values({ tenantId: tenant.id, invoiceId: id, type: "ACCREC", status: "DRAFT", xeroUpdatedAt: new Date(), raw: {} });
        throw new Error("boom");
      }),
    ).rejects.toThrow("boom");
    expect(await t.db.select().from(invoices).where(eq(invoices.invoiceId, id))).toHaveLength(0);
  });
});

describe(`xero_sessions repository on ${kind}`, () => {
  it("records a run, its progress while running, and its outcome", async () => {
    const { user, tenant } = await seedTenant("log@example.com");
    const run = await startXeroSession(t.db, { userId: user.id, tenantId: tenant.id, kind: "sync", entity: "invoices", trigger: "manual" });
    expect(run.outcome).toBe("running");
    await addXeroSessionProgress(t.db, run.id, { apiCalls: 2, pages: 2, recordsFetched: 1500, recordsInserted: 1500 });
    await addXeroSessionProgress(t.db, run.id, { apiCalls: 1, recordsFetched: 10, recordsUnchanged: 10, rateLimitWaits: 1, rateLimitWaitMs: 1200 });
    const mid = await getXeroSessionById(t.db, user.id, run.id);
    expect(mid).toMatchObject({ outcome: "running", apiCalls: 3, pages: 2, recordsFetched: 1510, recordsInserted: 1500, recordsUnchanged: 10, rateLimitWaitMs: 1200 });
    await finishXeroSession(t.db, run.id, "error", { error: "Xero answered 503", detail: { page: 3 } });
    await finishXeroSession(t.db, run.id, "error", { detail: { retryable: true } });
    const done = await getXeroSessionById(t.db, user.id, run.id);
    expect(done?.outcome).toBe("error");
    expect(done?.finishedAt).toBeInstanceOf(Date);
    expect(done?.error).toBe("Xero answered 503");
    expect(done?.detail).toEqual({ page: 3, retryable: true });
  });

  it("scopes reads by user", async () => {
    const a = await seedTenant("a@example.com");
    const b = await seedTenant("b@example.com");
    const logged = await logXeroSession(t.db, { userId: a.user.id, kind: "authorize", outcome: "success" });
    expect(await getXeroSessionById(t.db, b.user.id, logged.id)).toBeUndefined();
    expect((await listXeroSessionsByUser(t.db, a.user.id)).map((s) => s.id)).toContain(logged.id);
    expect((await listXeroSessionsByUser(t.db, b.user.id)).map((s) => s.id)).not.toContain(logged.id);
  });

  it("keeps the log when a tenant is deleted", async () => {
    const { user, tenant } = await seedTenant("keep@example.com");
    const logged = await logXeroSession(t.db, { userId: user.id, tenantId: tenant.id, kind: "sync", outcome: "success" });
    await t.db.delete(xeroTenants).where(eq(xeroTenants.id, tenant.id));
    const [row] = await t.db.select().from(xeroSessions).where(eq(xeroSessions.id, logged.id));
    expect(row?.tenantId).toBeNull();
  });
});
