import { callRoute } from "@/tests/helpers/route"; // first: sets up Next's runtime for the route modules below
import { resetEnvCache } from "@/lib/env";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApiToken } from "@/lib/api-tokens";
import { markMissingAsDeleted } from "@/lib/db/queries/mirror-reconcile";
import { ledgerAccounts } from "@/lib/db/schema";
import { entity } from "@/lib/entities/registry";
import { writeSpecOf } from "@/lib/entities/write-spec";
import { syncTenant } from "@/lib/sync";
import { GET as getEntityApi } from "@/app/api/v1/[entity]/route";
import { GET as getRecordApi } from "@/app/api/v1/[entity]/[tenantId]/[id]/route";
import { mirrorViews } from "@/tests/helpers/mirror-compare";
import { createWorld, ctl, expectMirrorsSimulator, type SyncWorld } from "../sync/harness";
import { eq, sql } from "drizzle-orm";

/**
 * The change feed of the read API (GET /api/v1/{entity}?changed_since=…) against real syncs: a
 * consumer polling it while syncs run, with the simulator editing, voiding, deleting, creating
 * and archiving records between pages, ends holding exactly what the mirror and the simulator
 * hold, every change delivered, never an older version after a newer one. Also ETags of lists,
 * records and feed pages, and the 400s of a bad cursor or a combination the feed does not take.
 * Runs on PGlite and on PostgreSQL (change-feed.postgres.test.ts adds concurrent writers).
 */

/**
 * The simulator runs without limits here but still counts its X-MinLimit-Remaining down, so the
 * back-to-back syncs (13 calls each) would wait most of a minute from the fifth on: no pacing
 * against a Xero without limits (the pacing has its own tests: call layer, shared limits).
 */
const UNPACED = { pacing: false };

type Rec = Record<string, unknown> & { tenantId: string; updatedDateUTC: string | null };

describe("change feed", () => {
  let world: SyncWorld;
  let tenant: SyncWorld["user"]["tenants"][number];
  let headers: Record<string, string>;

  const rateLimit = process.env.API_TOKEN_RATE_LIMIT;
  beforeAll(async () => {
    // The consumers poll as fast as the feed answers, far past a token's default budget of 600 a
    // minute (the rate limit has its own tests): a budget this test never reaches.
    process.env.API_TOKEN_RATE_LIMIT = "1000000";
    resetEnvCache();
    world = await createWorld([{ name: "Feed Org (NZ)", invoices: 1500, contacts: 400 }]);
    tenant = world.user.tenants[0]!;
    headers = { authorization: `Bearer ${(await createApiToken(world.db.db, world.user.userId, { name: "feed test" })).token}` };
  });
  afterAll(async () => {
    await world?.close();
    if (rateLimit === undefined) delete process.env.API_TOKEN_RATE_LIMIT;
    else process.env.API_TOKEN_RATE_LIMIT = rateLimit;
    resetEnvCache();
  });

  const get = (path: string, extra: Record<string, string> = {}) =>
    callRoute(getEntityApi, new Request(`http://localhost${path}`, { headers: { ...headers, ...extra } }), world.db, { entity: path.split(/[/?]/)[3]! });

  /** A program keeping a copy of one entity by the feed: applies every record it receives by id. */
  class Consumer {
    cursor = "0";
    readonly held = new Map<string, Rec>();
    received = 0;
    /** Records that arrived older (by UpdatedDateUTC) than the copy already held. */
    readonly regressions: string[] = [];
    constructor(
      readonly slug: string,
      readonly idKey: string,
    ) {}

    /** One request; whether the feed said more is ready. */
    async poll(): Promise<boolean> {
      const res = await get(`/api/v1/${this.slug}?changed_since=${this.cursor}&limit=300`);
      if (res.status !== 200) throw new Error(`${this.slug} feed answered ${res.status}: ${await res.text()}`);
      const body = (await res.json()) as { data: Rec[]; changes: { next: string; has_more: boolean } };
      for (const r of body.data) {
        const key = `${r.tenantId}/${r[this.idKey] as string}`;
        const prev = this.held.get(key);
        if (prev?.updatedDateUTC && r.updatedDateUTC && r.updatedDateUTC < prev.updatedDateUTC) this.regressions.push(key);
        this.held.set(key, r);
      }
      this.received += body.data.length;
      this.cursor = body.changes.next;
      return body.changes.has_more;
    }
  }

  /** The feed position ("txid.seq") of the last write of the tenant's rows of a table. */
  const lastWrite = async (table: "invoices" | "contacts" | "ledger_accounts") => {
    const rows = (await world.db.db.execute(
      sql`select change_txid::text || '.' || change_seq::text as at from ${sql.raw(table)} where tenant_id = ${tenant.id}::uuid order by change_txid desc, change_seq desc limit 1`,
    )) as unknown as { at: string }[] | { rows: { at: string }[] };
    return (Array.isArray(rows) ? rows : rows.rows)[0]?.at ?? null;
  };

  /**
   * Reads until `done` holds. The feed waits for the oldest transaction running anywhere on the
   * database server, and the PostgreSQL test server is shared: another database's transaction can
   * hold it back for a moment after a commit here (delaying, never skipping: what is tested).
   */
  async function until<T>(read: () => Promise<T>, done: (v: T) => boolean): Promise<T> {
    for (;;) {
      const v = await read();
      if (done(v)) return v;
      await new Promise<void>((r) => setImmediate(r));
    }
  }

  type FeedPage = { data: Rec[]; changes: { next: string; has_more: boolean } };
  /** The feed of `slug` read from `cursor` up to the table's last write; the cursor there. */
  async function feedEnd(slug: string, table: "invoices" | "ledger_accounts", cursor = "0"): Promise<{ cursor: string; data: Rec[] }> {
    const target = await lastWrite(table);
    const data: Rec[] = [];
    while (target && !reached(cursor, target)) {
      const page = (await (await get(`/api/v1/${slug}?changed_since=${cursor}&limit=1000`)).json()) as FeedPage;
      data.push(...page.data);
      cursor = page.changes.next;
      if (!page.data.length) await new Promise<void>((r) => setImmediate(r));
    }
    return { cursor, data };
  }

  /** Is the feed cursor at or past position `target` ("txid.seq")? */
  const reached = (cursor: string, target: string | null) => {
    if (target === null) return true;
    const [ct, cs] = cursor === "0" ? [0n, 0n] : cursor.split(".").map(BigInt);
    const [tt, ts] = target.split(".").map(BigInt);
    return ct! > tt! || (ct === tt && cs! >= ts!);
  };

  /** Every record of the list API (all pages), by the consumer's key. */
  async function listAll(slug: string, idKey: string): Promise<Map<string, Rec>> {
    const out = new Map<string, Rec>();
    let after: string | null = null;
    do {
      const res = await get(`/api/v1/${slug}?limit=200${after ? `&after=${encodeURIComponent(after)}` : ""}`);
      const body = (await res.json()) as { data: Rec[]; page: { next: string | null } };
      for (const r of body.data) out.set(`${r.tenantId}/${r[idKey] as string}`, r);
      after = body.page.next;
    } while (after);
    return out;
  }

  // Values computed at read time from other rows or today's date, not part of the record's write.
  const comparable = ({ receivables: _r, overdue: _o, ...rest }: Rec) => rest;
  const sorted = (m: Map<string, Rec>) => [...m.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([k, r]) => [k, comparable(r)]);

  it("a consumer polling the feed during 10 syncs with edits between pages ends with exactly the mirror and the simulator's state", async () => {
    const invoices = new Consumer("invoices", "invoiceId");
    const contacts = new Consumer("contacts", "contactId");
    const consumers = [invoices, contacts];

    // The poller: a round of polls each time a sync commits a page (so it reads while the syncs
    // write, between and during their transactions), and round after round while the test waits
    // for it to catch up. After a sync, the test waits until a round has brought each consumer's
    // cursor to the last write the mirror holds (an event, no timer). has_more: false alone would
    // not do: on a shared PostgreSQL server a transaction running in another database holds the
    // feed back a while (never makes it skip).
    let stop = false;
    let rounds = 0;
    const wait: { current: { targets: (string | null)[]; resolve: () => void; reject: (e: unknown) => void } | null } = { current: null };
    let failed: unknown;
    let kicked = false;
    let wake: (() => void) | null = null;
    const kick = () => {
      kicked = true;
      wake?.();
    };
    const poller = (async () => {
      while (!stop) {
        if (!kicked && !wait.current) await new Promise<void>((r) => (wake = r));
        wake = null;
        kicked = false;
        if (stop) break;
        rounds++;
        try {
          for (const c of consumers) await c.poll();
        } catch (error) {
          failed = error;
          wait.current?.reject(error);
          return;
        }
        const waiter = wait.current;
        if (waiter && consumers.every((c, i) => reached(c.cursor, waiter.targets[i]!))) {
          waiter.resolve();
          wait.current = null;
        }
        await new Promise<void>((r) => setImmediate(r));
      }
    })();
    const drained = async () => {
      const targets = [await lastWrite("invoices"), await lastWrite("contacts")];
      await new Promise<void>((resolve, reject) => {
        if (failed) return reject(failed);
        wait.current = { targets, resolve, reject };
        kick();
      });
    };

    try {
      const roundsDuringSyncs: number[] = [];
      for (let i = 0; i < 10; i++) {
        await ctl(world.sim, "POST", "/__sim/mutate", { tenantId: tenant.xeroTenantId, entity: "invoices", count: 40, kinds: ["edit", "authorise", "pay", "void", "delete", "create"] });
        await ctl(world.sim, "POST", "/__sim/mutate", { tenantId: tenant.xeroTenantId, entity: "contacts", count: 15, kinds: ["edit", "archive", "unarchive", "create"] });
        await ctl(world.sim, "POST", "/__sim/faults", {
          faults: [
            { kind: "mutate-between-pages", tenantId: tenant.xeroTenantId, path: "/Invoices", entity: "invoices", times: 2, count: 25, kinds: ["edit", "void", "delete", "pay", "create"] },
            { kind: "mutate-between-pages", tenantId: tenant.xeroTenantId, path: "/Contacts", entity: "contacts", times: 1, count: 10, kinds: ["archive", "edit"] },
          ],
        });
        const before = rounds;
        const r = await syncTenant(world.db.db, { tenantId: tenant.id, trigger: "manual", callOptions: UNPACED, onProgress: kick });
        expect(r.status).toBe("success");
        roundsDuringSyncs.push(rounds - before);
        // Every change the sync committed reaches the consumer: its copy equals the list API's.
        await drained();
        expect(sorted(invoices.held)).toEqual(sorted(await listAll("invoices", "invoiceId")));
        expect(sorted(contacts.held)).toEqual(sorted(await listAll("contacts", "contactId")));
      }
      // The poller really ran while the syncs wrote.
      expect(roundsDuringSyncs.filter((n) => n > 0).length).toBeGreaterThanOrEqual(5);

      // Mutations after a sync's last page are picked up by one more sync (as their webhook would start).
      await ctl(world.sim, "DELETE", "/__sim/faults");
      expect((await syncTenant(world.db.db, { tenantId: tenant.id, trigger: "manual", callOptions: UNPACED })).status).toBe("success");
      await expectMirrorsSimulator(world, tenant);
      await drained();
    } finally {
      stop = true;
      kick();
      await poller;
    }

    // The consumer's copy against the simulator's truth, field by field.
    const views = await mirrorViews(world.db.db, world.sim, tenant);
    const money2 = (v: unknown) => (v === null ? null : Number(v).toFixed(2));
    const got = [...invoices.held.values()]
      .map((r) => ({
        id: r.invoiceId,
        status: r.status,
        total: money2(r.total),
        subTotal: money2(r.subTotal),
        totalTax: money2(r.totalTax),
        amountDue: money2(r.amountDue),
        amountPaid: money2(r.amountPaid),
        date: r.date,
        dueDate: r.dueDate,
        contactId: r.contactId,
        updatedDateUtc: r.updatedDateUTC,
      }))
      .sort((a, b) => String(a.id).localeCompare(String(b.id)));
    expect(got).toEqual(views.invoices.want);
    const gotContacts = [...contacts.held.values()]
      .map((r) => ({ id: r.contactId, name: r.name, status: r.contactStatus, isCustomer: r.isCustomer, isSupplier: r.isSupplier, updatedDateUtc: r.updatedDateUTC }))
      .sort((a, b) => String(a.id).localeCompare(String(b.id)));
    expect(gotContacts).toEqual(views.contacts.want);
    // Voided and deleted invoices arrive with their status, so a consumer can apply them.
    expect([...invoices.held.values()].some((r) => r.status === "VOIDED" || r.status === "DELETED")).toBe(true);
    expect(invoices.regressions).toEqual([]);
    expect(contacts.regressions).toEqual([]);
    // Re-deliveries are bounded: a record comes again only when written again.
    expect(invoices.received).toBeGreaterThanOrEqual(views.invoices.want.length);
  }, 300_000);

  it("rows flagged and unflagged deleted in Xero by reconciliation come again with deletedInXero", async () => {
    expect((await syncTenant(world.db.db, { tenantId: tenant.id, trigger: "manual", callOptions: UNPACED, entities: ["accounts"] })).status).toBe("success");
    const def = entity("accounts");
    const feed = async (cursor: string) => (await (await get(`/api/v1/accounts?changed_since=${cursor}&limit=1000`)).json()) as FeedPage;
    const all = await feedEnd("accounts", "ledger_accounts");
    expect(all.data.length).toBeGreaterThan(2);
    const ids = all.data.map((r) => r.accountId as string);
    const [gone, ...kept] = ids;
    const spec = writeSpecOf(def);
    await world.db.db.transaction((tx) => markMissingAsDeleted(tx, spec, tenant.id, kept));
    const flagged = await until(() => feed(all.cursor), (p) => p.data.length > 0);
    expect(flagged.data.map((r) => [r.accountId, typeof r.deletedInXero])).toEqual([[gone, "string"]]);
    // Nothing else moved: the feed is empty from its next cursor, which stays put.
    const none = await feed(flagged.changes.next);
    expect(none).toEqual({ data: [], changes: { next: flagged.changes.next, has_more: false } });
    await world.db.db.transaction((tx) => markMissingAsDeleted(tx, spec, tenant.id, ids));
    const back = await until(() => feed(flagged.changes.next), (p) => p.data.length > 0);
    expect(back.data.map((r) => [r.accountId, r.deletedInXero])).toEqual([[gone, null]]);
    const [row] = await world.db.db.select({ deleted: ledgerAccounts.deletedInXeroAt }).from(ledgerAccounts).where(eq(ledgerAccounts.accountId, gone!));
    expect(row!.deleted).toBeNull();
  });

  it("pages by limit in commit order and names has_more; org narrows it, another's org is empty", async () => {
    expect((await syncTenant(world.db.db, { tenantId: tenant.id, trigger: "manual", callOptions: UNPACED, entities: ["invoices"] })).status).toBe("success");
    const page1 = await until(async () => (await (await get("/api/v1/invoices?changed_since=0&limit=7")).json()) as FeedPage, (p) => p.data.length === 7);
    expect(page1.data).toHaveLength(7);
    expect(page1.changes.has_more).toBe(true);
    expect(page1.changes.next).toMatch(/^\d+\.\d+$/);
    const page2 = await until(async () => (await (await get(`/api/v1/invoices?changed_since=${page1.changes.next}&limit=7&org=${tenant.id}`)).json()) as FeedPage, (p) => p.data.length === 7);
    expect(page2.data).toHaveLength(7);
    const ids1 = new Set(page1.data.map((r) => r.invoiceId));
    expect(page2.data.some((r) => ids1.has(r.invoiceId))).toBe(false);
    const other = await get(`/api/v1/invoices?changed_since=0&org=${"0".repeat(8)}-0000-4000-8000-${"0".repeat(12)}`);
    expect(await other.json()).toEqual({ data: [], changes: { next: "0", has_more: false } });
  });

  it("answers 400 naming a malformed cursor, a list parameter it does not combine with, or an unknown one", async () => {
    const fieldErrors = async (query: string) => {
      const res = await get(`/api/v1/invoices?${query}`);
      expect(res.status).toBe(400);
      return Object.keys(((await res.json()) as { error: { details: { fieldErrors: Record<string, string[]> } } }).error.details.fieldErrors);
    };
    for (const bad of ["", "abc", "1", "1.", ".1", "-1.2", "1.2.3", "01.2", "18446744073709551616.1", "1.9223372036854775808", "1.2%20or%201=1"]) {
      expect(await fieldErrors(`changed_since=${bad}`)).toEqual(["changed_since"]);
    }
    for (const param of ["sort=date", "dir=asc", "after=x", "before=x", "q=acme", "status=PAID", "overdue=1", "from=2026-01-01"]) {
      expect(await fieldErrors(`changed_since=0&${param}`)).toEqual([param.split("=")[0]]);
    }
    expect(await fieldErrors("changed_since=0&bogus=1")).toEqual(["bogus"]);
    expect(await fieldErrors("changed_since=0&limit=0")).toEqual(["limit"]);
    expect(await fieldErrors("changed_since=0&limit=1001")).toEqual(["limit"]);
    expect(await fieldErrors("changed_since=0&org=nope")).toEqual(["org"]);
    const res = await get("/api/v1/invoices?changed_since=0&sort=date");
    const body = (await res.json()) as { error: { code: string; details: { fieldErrors: Record<string, string[]> } } };
    expect(body.error.code).toBe("bad_request");
    expect(body.error.details.fieldErrors.sort![0]).toMatch(/cannot be combined with changed_since/);
  });

  it("ETag: the same list page, record or feed page again is a 304 without a body; after a sync changes a record, 200 with a new ETag", async () => {
    // Records to list (a no-op when the first test has synced already).
    expect((await syncTenant(world.db.db, { tenantId: tenant.id, trigger: "manual", callOptions: UNPACED, entities: ["invoices"] })).status).toBe("success");
    // The feed's page at its end: empty until the sync below writes.
    const end = (await feedEnd("invoices", "invoices")).cursor;
    const paths = ["/api/v1/invoices?limit=50&sort=updated&dir=desc", `/api/v1/invoices?changed_since=${end}&limit=50`];
    const first = await Promise.all(paths.map((p) => get(p)));
    const etags = first.map((r) => {
      expect(r.status).toBe(200);
      expect(r.headers.get("cache-control")).toBe("private, no-cache");
      const etag = r.headers.get("etag")!;
      expect(etag).toMatch(/^W\/"[A-Za-z0-9_-]{43}"$/);
      return etag;
    });
    for (const [i, p] of paths.entries()) {
      const again = await get(p, { "if-none-match": etags[i]! });
      expect(again.status).toBe(304);
      expect(await again.text()).toBe("");
      expect(again.headers.get("etag")).toBe(etags[i]);
      // A list of tags, and the tag without its weak prefix, match too (weak comparison).
      expect((await get(p, { "if-none-match": `W/"other", ${etags[i]!.slice(2)}` })).status).toBe(304);
      expect((await get(p, { "if-none-match": 'W/"other"' })).status).toBe(200);
    }
    const newest = ((await first[0]!.clone().json()) as { data: Rec[] }).data[0]!;
    const record = (ifNoneMatch?: string) =>
      callRoute(
        getRecordApi,
        new Request(`http://localhost/api/v1/invoices/${newest.tenantId}/${newest.invoiceId as string}`, { headers: { ...headers, ...(ifNoneMatch ? { "if-none-match": ifNoneMatch } : {}) } }),
        world.db,
        { entity: "invoices", tenantId: newest.tenantId, id: newest.invoiceId as string },
      );
    const recordEtag = (await record()).headers.get("etag")!;
    expect((await record(recordEtag)).status).toBe(304);

    await ctl(world.sim, "POST", "/__sim/mutate", { tenantId: tenant.xeroTenantId, entity: "invoices", count: 3, kinds: ["edit"] });
    expect((await syncTenant(world.db.db, { tenantId: tenant.id, trigger: "manual", callOptions: UNPACED, entities: ["invoices"] })).status).toBe("success");
    for (const [i, p] of paths.entries()) {
      const changed = await until(() => get(p, { "if-none-match": etags[i]! }), (r) => r.status !== 304);
      expect(changed.status).toBe(200);
      expect(changed.headers.get("etag")).not.toBe(etags[i]);
    }
  });
});
