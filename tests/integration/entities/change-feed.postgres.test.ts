import { callRoute } from "@/tests/helpers/route"; // first: sets up Next's runtime for the route modules below
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApiToken } from "@/lib/api-tokens";
import { resetEnvCache } from "@/lib/env";
import { prepareMirrorRow, upsertPreparedBatch } from "@/lib/db/queries/mirror-batch";
import { invoices } from "@/lib/db/schema";
import { entity } from "@/lib/entities/registry";
import { writeSpecOf } from "@/lib/entities/write-spec";
import { GET as getEntityApi } from "@/app/api/v1/[entity]/route";
import { createTestDatabase, type TestDatabase } from "@/tests/helpers/db";
import { seedTenant, seedUser } from "@/tests/helpers/seed-mirror";
import { inArray } from "drizzle-orm";

/**
 * The change feed under concurrent writers, which only PostgreSQL has: two transactions write
 * invoices through the sync's write path and commit out of order (the one that started later
 * commits first). A sequence number alone would let a reader see the later one's row, move its
 * cursor past it, and never see the earlier one's; the feed holds both back until the earlier
 * transaction has ended, then delivers both, in order. Driven by promises, not timers.
 */

const spec = writeSpecOf(entity("invoices"));

describe("change feed with concurrent writers (PostgreSQL)", () => {
  let t: TestDatabase;
  let tenantId: string;
  /** A second organisation of the same user: A writes there (see the first test). */
  let otherTenantId: string;
  let headers: Record<string, string>;

  const rateLimit = process.env.API_TOKEN_RATE_LIMIT;
  beforeAll(async () => {
    // The reader polls as fast as the feed answers, past a token's default budget (the rate limit
    // has its own tests): a budget this test never reaches.
    process.env.API_TOKEN_RATE_LIMIT = "1000000";
    resetEnvCache();
    t = await createTestDatabase();
    const user = await seedUser(t.db);
    tenantId = (await seedTenant(t.db, user.id)).id;
    otherTenantId = (await seedTenant(t.db, user.id)).id;
    headers = { authorization: `Bearer ${(await createApiToken(t.db, user.id, { name: "feed test" })).token}` };
  });
  afterAll(async () => {
    await t?.close();
    if (rateLimit === undefined) delete process.env.API_TOKEN_RATE_LIMIT;
    else process.env.API_TOKEN_RATE_LIMIT = rateLimit;
    resetEnvCache();
  });

  const feed = async (cursor: string) => {
    const res = await callRoute(getEntityApi, new Request(`http://localhost/api/v1/invoices?changed_since=${cursor}`, { headers }), t, { entity: "invoices" });
    expect(res.status).toBe(200);
    return (await res.json()) as { data: { invoiceId: string; status: string }[]; changes: { next: string; has_more: boolean } };
  };

  /**
   * Reads until `done` holds. The feed waits for the oldest transaction running anywhere on the
   * server, and the test server is shared: another database's transaction can hold it back for a
   * moment after a commit here (delaying, never skipping, which is what these tests check).
   */
  async function until<T>(read: () => Promise<T>, done: (v: T) => boolean): Promise<T> {
    for (;;) {
      const v = await read();
      if (done(v)) return v;
      await new Promise<void>((r) => setImmediate(r));
    }
  }

  const invoice = (id: string, status: string, updated: Date) =>
    prepareMirrorRow(spec, { invoiceId: id, type: "ACCREC", status, hasAttachments: false, xeroUpdatedAt: updated, raw: { InvoiceID: id, Status: status } });

  const deferred = () => {
    let resolve!: () => void;
    const promise = new Promise<void>((r) => (resolve = r));
    return { promise, resolve };
  };

  it("a transaction that started first and commits last is not skipped", async () => {
    const [early, late, before] = [randomUUID(), randomUUID(), randomUUID()];
    await upsertPreparedBatch(t.db, spec, tenantId, [invoice(before, "DRAFT", new Date("2026-05-01T00:00:00Z"))]);
    const start = await until(() => feed("0"), (p) => p.data.length > 0);
    expect(start.data.map((r) => r.invoiceId)).toEqual([before]);
    const cursor = start.changes.next;

    // A writes first (takes its transaction id and sequence number) and stays open. It writes in the
    // user's other organisation: one organisation's writes queue behind each other on its totals
    // (mirror_summaries rows, updated in the same transaction; one sync per organisation at a time
    // anyway), so B could not commit first there. The feed reads both organisations.
    const aWrote = deferred();
    const aMayCommit = deferred();
    const a = t.db.transaction(async (tx) => {
      await upsertPreparedBatch(tx, spec, otherTenantId, [invoice(early, "AUTHORISED", new Date("2026-05-02T00:00:00Z"))]);
      aWrote.resolve();
      await aMayCommit.promise;
    });
    await aWrote.promise;
    // B starts after A, writes (a new row, and rewrites the one already delivered) and commits first.
    await t.db.transaction((tx) =>
      upsertPreparedBatch(tx, spec, tenantId, [invoice(late, "AUTHORISED", new Date("2026-05-03T00:00:00Z")), invoice(before, "PAID", new Date("2026-05-03T00:00:00Z"))]),
    );

    // A plain read already sees B's new row, numbered after A's: a reader by sequence number alone
    // would deliver it now and move its cursor past A's number.
    const visible = await t.db.select({ id: invoices.invoiceId, seq: invoices.changeSeq }).from(invoices).where(inArray(invoices.invoiceId, [early, late]));
    expect(visible.map((r) => r.id)).toEqual([late]);
    // While A is open, B's rows are held back: delivering them would move the cursor past A's row.
    expect(await feed(cursor)).toEqual({ data: [], changes: { next: cursor, has_more: false } });

    aMayCommit.resolve();
    await a;
    const after = await until(() => feed(cursor), (p) => p.data.length >= 3);
    // A's row first (its transaction is older), then B's, in B's write order.
    expect(after.data.map((r) => [r.invoiceId, r.status])).toEqual([
      [early, "AUTHORISED"],
      [late, "AUTHORISED"],
      [before, "PAID"],
    ]);
    expect(after.changes.has_more).toBe(false);
    expect(await feed(after.changes.next)).toEqual({ data: [], changes: { next: after.changes.next, has_more: false } });
  });

  it("a transaction that rolls back leaves nothing in the feed and does not hold it back after it ends", async () => {
    const start = await feed("0");
    let cursor = start.changes.next;
    for (let more = start.changes.has_more; more; ) {
      const page = await feed(cursor);
      cursor = page.changes.next;
      more = page.changes.has_more;
    }
    const id = randomUUID();
    await expect(
      t.db.transaction(async (tx) => {
        await upsertPreparedBatch(tx, spec, tenantId, [invoice(id, "DRAFT", new Date("2026-05-04T00:00:00Z"))]);
        throw new Error("roll back");
      }),
    ).rejects.toThrow("roll back");
    const kept = randomUUID();
    await upsertPreparedBatch(t.db, spec, tenantId, [invoice(kept, "DRAFT", new Date("2026-05-05T00:00:00Z"))]);
    expect((await until(() => feed(cursor), (p) => p.data.length > 0)).data.map((r) => r.invoiceId)).toEqual([kept]);
  });
});
