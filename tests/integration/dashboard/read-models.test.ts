import { callRoute } from "@/tests/helpers/route"; // first: sets up Next's runtime for the route modules below
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@/tests/helpers/db";
import { analyze, resummarise, seedContacts, seedInvoices, seedSyncHistory, seedTenant, seedUser, type SeededContact } from "@/tests/helpers/seed-mirror";
import { cachedEntityTotals, entityBatches, entityCounts, entityTotals, getEntityDetail, listEntity, type EntityRow } from "@/lib/entities/read-model";
import { receivablesOf, type Receivable } from "@/lib/entities/read-model-extras";
import { parseEntityQuery, type EntityQuery } from "@/lib/entities/read-model-params";
import { entity } from "@/lib/entities/registry";
import { fromURLSearchParams } from "@/lib/lists/search-params";
import { listHistory, parseHistoryQuery } from "@/lib/history/read-model";
import { getOverview, invoicedVsPaid, receivablesAging } from "@/lib/overview/read-model";
import { getTenantSyncStatuses } from "@/lib/overview/sync-status";
import type { Db } from "@/lib/db";
import { invoices, syncCursors, xeroSessions } from "@/lib/db/schema";
import { and, eq, inArray } from "drizzle-orm";
import { encodeCursor } from "@/lib/lists/keyset";
import { createApiToken } from "@/lib/api-tokens";
import { GET as getEntityApi } from "@/app/api/v1/[entity]/route";
import { GET as getRecordApi } from "@/app/api/v1/[entity]/[tenantId]/[id]/route";
import { entityCsvResponse } from "@/lib/entities/read-model-export";

/**
 * The dashboard read models on a real migrated database (run on PGlite and on PostgreSQL): the
 * generic entity read model over invoices and contacts (scoping by user, keyset paging
 * forwards/backwards equals one big sorted read, filters, search with wildcards, totals per
 * currency without cancelled or deleted rows, relations, CSV, the read API's strict parsing),
 * history and overview, and hostile query strings.
 */

const INV = entity("invoices");
const CON = entity("contacts");

/** A listed invoice as the old assertions read it: its values, id and overdue flag side by side. */
type InvoiceListRow = Record<string, string | null> & { tenantId: string; invoiceId: string; overdue: boolean; deleted: boolean };
const flat = (r: EntityRow): InvoiceListRow =>
  ({ ...(r.values as Record<string, string | null>), tenantId: r.tenantId, invoiceId: r.id, overdue: r.flags.includes("overdue"), deleted: r.deletedInXeroAt !== null }) as InvoiceListRow;
async function listInvoices(db: Db, user: string, query: EntityQuery, now: Date) {
  const page = await listEntity(db, { id: user }, INV, query, now);
  return { ...page, rows: page.rows.map(flat) };
}
async function invoiceTotals(db: Db, user: string, query: EntityQuery, now: Date) {
  return (await entityTotals(db, { id: user }, INV, query, now)).map((t) => ({ currency: t.currency, count: t.count, total: t.sums.total!, amountDue: t.sums.amountDue!, overdue: t.sums.Overdue! }));
}
type ContactRow = { tenantId: string; contactId: string; name: string; emailAddress: string | null; contactStatus: string; isSupplier: boolean; receivables: Receivable[] };
const flatContact = (r: EntityRow): ContactRow => ({ ...(r.values as Omit<ContactRow, "receivables">), tenantId: r.tenantId, contactId: r.id, receivables: receivablesOf(r) });
async function listContacts(db: Db, user: string, query: EntityQuery, now: Date) {
  const page = await listEntity(db, { id: user }, CON, query, now);
  return { ...page, rows: page.rows.map(flatContact) };
}

let t: TestDatabase;
let userId: string;
let otherUserId: string;
let tenantId: string;
let otherTenantId: string;
let contactList: SeededContact[];
const NOW = new Date("2026-06-15T12:00:00Z");
const N = 730;

const q = (s: string) => parseEntityQuery(INV, fromURLSearchParams(new URLSearchParams(s)));

beforeAll(async () => {
  t = await createTestDatabase();
  const u = await seedUser(t.db, { email: "owner@example.test" });
  const o = await seedUser(t.db, { email: "other@example.test" });
  userId = u.id;
  otherUserId = o.id;
  const tenant = await seedTenant(t.db, userId, { name: "Bayside Club" });
  tenantId = tenant.id;
  const other = await seedTenant(t.db, otherUserId, { name: "Someone Else Ltd" });
  otherTenantId = other.id;
  contactList = await seedContacts(t.db, tenantId, 120);
  await seedInvoices(t.db, tenantId, N, contactList, { today: NOW });
  const otherContacts = await seedContacts(t.db, otherTenantId, 10, { ns: 0xc1 });
  await seedInvoices(t.db, otherTenantId, 50, otherContacts, { today: NOW, ns: 0x1b });
  // Edge rows: wildcard characters in the number, and a null date.
  await t.db.insert(invoices).values([
    { tenantId, invoiceId: "00000000-0000-4000-8000-000000000001", type: "ACCREC", invoiceNumber: "50%_OFF\\1", status: "AUTHORISED", xeroUpdatedAt: NOW, raw: {}, total: "10", amountDue: "10", currencyCode: "NZD" },
    { tenantId, invoiceId: "00000000-0000-4000-8000-000000000002", type: "ACCREC", invoiceNumber: "50X_OFF", status: "DRAFT", xeroUpdatedAt: NOW, raw: {}, total: "5", amountDue: "5", currencyCode: "USD" },
  ]);
  await resummarise(t.db);
  await seedSyncHistory(t.db, userId, tenantId, { now: NOW });
  await analyze(t.db);
});

afterAll(async () => {
  await t?.close();
});

async function walkAll(query: string, size = 25): Promise<InvoiceListRow[]> {
  const out: InvoiceListRow[] = [];
  let qs = `${query}&size=${size}`;
  for (let i = 0; i < 200; i++) {
    const page = await listInvoices(t.db, userId, q(qs), NOW);
    out.push(...page.rows);
    if (!page.next) break;
    qs = `${query}&size=${size}&after=${page.next}`;
  }
  return out;
}

describe("entity read model over invoices", () => {
  it("scopes by user: only the user's invoices, and another user's tenant id yields nothing", async () => {
    const page = await listInvoices(t.db, userId, q("size=100"), NOW);
    expect(page.total).toBe(N + 2);
    expect(page.rows.every((r) => r.tenantId === tenantId)).toBe(true);
    const foreign = await listInvoices(t.db, userId, q(`org=${otherTenantId}`), NOW);
    expect(foreign.total).toBe(0);
    expect(foreign.rows).toEqual([]);
    expect(await getEntityDetail(t.db, { id: userId }, INV, otherTenantId, foreign.rows[0]?.invoiceId ?? "00000000-0000-4000-8000-000000000001")).toBeUndefined();
  });

  for (const sort of ["date", "number", "contact", "due", "total", "amountDue", "status", "updated"]) {
    for (const dir of ["asc", "desc"]) {
      it(`keyset paging by ${sort} ${dir} visits every row once, in order, and Previous retraces`, async () => {
        const all = await walkAll(`sort=${sort}&dir=${dir}`, 100);
        expect(all.length).toBe(N + 2);
        expect(new Set(all.map((r) => r.invoiceId)).size).toBe(N + 2);
        // Backwards from the last page gives the same sequence.
        const back: InvoiceListRow[] = [];
        let page = await listInvoices(t.db, userId, q(`sort=${sort}&dir=${dir}&size=250&last=1`), NOW);
        back.unshift(...page.rows);
        for (let i = 0; i < 50 && page.prev; i++) {
          page = await listInvoices(t.db, userId, q(`sort=${sort}&dir=${dir}&size=250&before=${page.prev}`), NOW);
          back.unshift(...page.rows);
        }
        expect(back.map((r) => r.invoiceId)).toEqual(all.map((r) => r.invoiceId));
      });
    }
  }

  it("a search pages like any other list (sort hidden from the planner), every match once", async () => {
    for (const sort of ["date", "number", "total", "updated"]) {
      const all = await walkAll(`q=INV-00&sort=${sort}&dir=desc`, 40);
      const expected = (await walkAll(`sort=${sort}&dir=desc`, 200)).filter((r) => r.invoiceNumber?.includes("INV-00"));
      expect(all.map((r) => r.invoiceId)).toEqual(expected.map((r) => r.invoiceId));
    }
  });

  it("date desc order is newest first with undated rows last", async () => {
    const all = await walkAll("sort=date&dir=desc", 200);
    const dated = all.filter((r) => r.date);
    expect(dated.map((r) => r.date)).toEqual([...dated.map((r) => r.date)].sort().reverse());
    expect(all.slice(-2).every((r) => r.date === null)).toBe(true);
  });

  it("filters by status, type, contact, date range and overdue", async () => {
    const paid = await listInvoices(t.db, userId, q("status=PAID&size=250"), NOW);
    expect(paid.rows.every((r) => r.status === "PAID")).toBe(true);
    const bills = await listInvoices(t.db, userId, q("type=bills&size=250"), NOW);
    expect(bills.rows.every((r) => r.type === "ACCPAY")).toBe(true);
    const c = contactList[3]!;
    const byContact = await listInvoices(t.db, userId, q(`contact=${c.contactId}&size=250`), NOW);
    expect(byContact.rows.every((r) => r.contactId === c.contactId)).toBe(true);
    const range = await listInvoices(t.db, userId, q("from=2026-01-01&to=2026-01-31&size=250"), NOW);
    expect(range.rows.every((r) => r.date! >= "2026-01-01" && r.date! <= "2026-01-31")).toBe(true);
    const overdue = await listInvoices(t.db, userId, q("overdue=1&size=250"), NOW);
    expect(overdue.total).toBeGreaterThan(0);
    expect(overdue.rows.every((r) => r.overdue)).toBe(true);
  });

  it("searches number, reference and contact name with wildcards taken literally", async () => {
    const pct = await listInvoices(t.db, userId, q(`q=${encodeURIComponent("50%_OFF")}`), NOW);
    expect(pct.rows.map((r) => r.invoiceNumber)).toEqual(["50%_OFF\\1"]);
    const underscore = await listInvoices(t.db, userId, q(`q=${encodeURIComponent("_")}`), NOW);
    expect(underscore.rows.map((r) => r.invoiceNumber).sort()).toEqual(["50%_OFF\\1", "50X_OFF"]);
    const backslash = await listInvoices(t.db, userId, q(`q=${encodeURIComponent("\\")}`), NOW);
    expect(backslash.total).toBe(1);
    const byRef = await listInvoices(t.db, userId, q("q=po%201003"), NOW);
    expect(byRef.rows.every((r) => r.reference?.toLowerCase().includes("po 1003"))).toBe(true);
    const name = contactList[0]!.name;
    const byName = await listInvoices(t.db, userId, q(`q=${encodeURIComponent(name.toUpperCase())}`), NOW);
    expect(byName.rows.every((r) => r.contactName?.toLowerCase().includes(name.toLowerCase()))).toBe(true);
  });

  it("totals per currency exclude VOIDED and DELETED unless asked for", async () => {
    const totals = await invoiceTotals(t.db, userId, q(""), NOW);
    const all = await walkAll("", 200);
    const live = all.filter((r) => r.status !== "VOIDED" && r.status !== "DELETED" && r.currencyCode === "NZD");
    const nzd = totals.find((x) => x.currency === "NZD")!;
    expect(nzd.count).toBe(live.length);
    const cents = live.reduce((s, r) => s + Math.round(Number(r.total) * 100), 0); // whole cents: exact
    expect(Math.round(Number(nzd.total) * 100)).toBe(cents);
    expect(totals.find((x) => x.currency === "USD")?.total).toBe("5.0000");
    const voided = await invoiceTotals(t.db, userId, q("status=VOIDED"), NOW);
    expect(voided[0]?.count).toBe(all.filter((r) => r.status === "VOIDED").length);
  });

  it("cached totals follow the data version (a sync that stores rows moves its cursor)", async () => {
    const cachedInvoiceTotals = (db: Db, user: string, query: EntityQuery, now: Date) => cachedEntityTotals(db, { id: user }, INV, query, now);
    const before = await cachedInvoiceTotals(t.db, userId, q("status=DRAFT"), NOW);
    const n = before.find((x) => x.currency === "USD")?.count ?? 0;
    await t.db.insert(invoices).values({ tenantId, invoiceId: "00000000-0000-4000-8000-0000000000a1", type: "ACCREC", status: "DRAFT", xeroUpdatedAt: NOW, raw: {}, total: "1", amountDue: "1", currencyCode: "USD" });
    await resummarise(t.db);
    expect((await cachedInvoiceTotals(t.db, userId, q("status=DRAFT"), NOW)).find((x) => x.currency === "USD")?.count ?? 0).toBe(n); // same version: cached
    await t.db.update(syncCursors).set({ highWaterMark: new Date(NOW.getTime() + 1000) }).where(and(eq(syncCursors.tenantId, tenantId), eq(syncCursors.entity, "invoices")));
    expect((await cachedInvoiceTotals(t.db, userId, q("status=DRAFT"), NOW)).find((x) => x.currency === "USD")?.count).toBe(n + 1);
    await t.db.delete(invoices).where(eq(invoices.invoiceId, "00000000-0000-4000-8000-0000000000a1"));
    await resummarise(t.db);
  });

  it("hostile or malformed query strings fall back cleanly", async () => {
    const hostile = [
      "sort=invoice_id;drop table invoices&dir=sideways",
      "size=100000&p=-4&after=not-a-cursor",
      "after=" + Buffer.from(JSON.stringify({ s: "date.desc", k: "x'); drop table invoices;--", id: "00000000-0000-4000-8000-000000000001" })).toString("base64url"),
      "after=" + Buffer.from(JSON.stringify({ s: "date.desc", k: "2026-01-01", id: "nope" })).toString("base64url"),
      "status=PAID&status=DRAFT&org=../../etc&contact=%00&from=2026-13-45&to=yesterday&q=" + "%".repeat(500),
      "q=%E0%A4%A&overdue=yes&type=all",
    ];
    for (const s of hostile) {
      const parsed = q(s);
      expect(parsed.size).toBeLessThanOrEqual(100);
      const page = await listInvoices(t.db, userId, parsed, NOW);
      expect(Array.isArray(page.rows)).toBe(true);
      await invoiceTotals(t.db, userId, parsed, NOW);
    }
    // A well-formed cursor whose value is not of the column's type starts from the first page.
    for (const [sort, k] of [["date", "2026-02-30x"], ["total", "1e309"], ["updated", "yesterday"], ["date", "9999-99-99"], ["date", "2026-02-30"], ["updated", "2026-02-30 10:00:00+00"]]) {
      const weird = q(`sort=${sort}&dir=desc&after=` + Buffer.from(JSON.stringify({ s: `${sort}.desc`, k, id: "00000000-0000-4000-8000-000000000001" })).toString("base64url"));
      const first = await listInvoices(t.db, userId, q(`sort=${sort}&dir=desc`), NOW);
      expect((await listInvoices(t.db, userId, weird, NOW)).rows.map((r) => r.invoiceId)).toEqual(first.rows.map((r) => r.invoiceId));
    }
  });

  it("detail: every field, line items in the raw JSON, and the syncs around it", async () => {
    const page = await listInvoices(t.db, userId, q("status=PAID&size=1"), NOW);
    const row = page.rows[0]!;
    const stored = (await t.db.select({ at: invoices.lastSyncedAt }).from(invoices).where(eq(invoices.invoiceId, row.invoiceId)))[0]!.at;
    // Two syncs running when it was last written: one of invoices and contacts, one of contacts only.
    const around = { userId, tenantId, kind: "sync" as const, startedAt: new Date(stored.getTime() - 1000), finishedAt: new Date(stored.getTime() + 1000), outcome: "success" as const };
    const [walked, other] = await t.db.insert(xeroSessions).values([{ ...around, entity: "invoices,contacts" }, { ...around, entity: "contacts" }]).returning();
    const d = await getEntityDetail(t.db, { id: userId }, INV, row.tenantId, row.invoiceId, NOW);
    await t.db.delete(xeroSessions).where(inArray(xeroSessions.id, [walked!.id, other!.id]));
    expect(d?.syncs.map((x) => x.id)).toContain(walked!.id);
    expect(d?.syncs.map((x) => x.id)).not.toContain(other!.id);
    expect(d?.row.id).toBe(row.invoiceId);
    for (const f of INV.view.fields) expect(d!.row.values).toHaveProperty(f.key);
    expect(d?.row.values.total).toMatch(/^\d+\.\d{4}$/); // a decimal string, never a float
    expect((d?.record.raw as { LineItems: unknown[] }).LineItems).toHaveLength(3);
    expect(d?.tenant.name).toBe("Bayside Club");
    expect(d?.syncs.every((s) => s.tenantId === tenantId && s.kind === "sync")).toBe(true);
    expect(await getEntityDetail(t.db, { id: otherUserId }, INV, row.tenantId, row.invoiceId, NOW)).toBeUndefined();
    expect(await getEntityDetail(t.db, { id: userId }, INV, "nope", row.invoiceId, NOW)).toBeUndefined();
  });

  it("the overdue flag of every row is Xero's rule: approved, money owed, due date passed", async () => {
    const all = await walkAll("", 200);
    const today = NOW.toISOString().slice(0, 10);
    for (const r of all) {
      const rule = (r.status === "AUTHORISED" || r.status === "SUBMITTED") && Number(r.amountDue ?? 0) > 0 && !!r.dueDate && r.dueDate < today;
      expect(r.overdue, r.invoiceId).toBe(rule);
    }
    expect(all.some((r) => r.overdue)).toBe(true);
  });

  it("batches for export cover the filtered set exactly once", async () => {
    const ids: string[] = [];
    for await (const batch of entityBatches(t.db, { id: userId }, INV, q("sort=total&dir=desc"), 97, NOW)) ids.push(...batch.map((r) => r.id));
    expect(ids.length).toBe(N + 2);
    expect(new Set(ids).size).toBe(N + 2);
  });
});

describe("entity read model over contacts", () => {
  const cq = (s: string) => parseEntityQuery(CON, fromURLSearchParams(new URLSearchParams(s)));
  it("pages through every contact once, with receivables from sales invoices", async () => {
    const seen: string[] = [];
    let qs = "size=25";
    for (let i = 0; i < 20; i++) {
      const page = await listContacts(t.db, userId, cq(qs), NOW);
      seen.push(...page.rows.map((r) => r.contactId));
      if (!page.next) break;
      qs = `size=25&after=${page.next}`;
    }
    expect(seen.length).toBe(120);
    expect(new Set(seen).size).toBe(120);
    const withMoney = await listContacts(t.db, userId, cq("size=100"), NOW);
    expect(withMoney.rows.some((r) => r.receivables.length > 0 && Number(r.receivables[0]!.outstanding) > 0)).toBe(true);
  });

  it("filters archived, role and search; other users' contacts are invisible", async () => {
    const archived = await listContacts(t.db, userId, cq("status=ARCHIVED&size=250"), NOW);
    expect(archived.total).toBeGreaterThan(0);
    expect(archived.rows.every((r) => r.contactStatus === "ARCHIVED")).toBe(true);
    const suppliers = await listContacts(t.db, userId, cq("role=supplier&size=250"), NOW);
    expect(suppliers.rows.every((r) => r.isSupplier)).toBe(true);
    const search = await listContacts(t.db, userId, cq("q=ava.1%40"), NOW);
    expect(search.rows.every((r) => r.emailAddress?.startsWith("ava.1"))).toBe(true);
    const foreign = await listContacts(t.db, userId, cq(`org=${otherTenantId}`), NOW);
    expect(foreign.total).toBe(0);
    const c = contactList[0]!;
    expect((await getEntityDetail(t.db, { id: userId }, CON, tenantId, c.contactId, NOW))?.row.values.name).toBe(c.name);
    expect(await getEntityDetail(t.db, { id: otherUserId }, CON, tenantId, c.contactId, NOW)).toBeUndefined();
  });

  it("sorts by email and updated in both directions without losing rows", async () => {
    for (const s of ["sort=email&dir=asc", "sort=email&dir=desc", "sort=updated&dir=desc", "sort=name&dir=desc"]) {
      const ids: string[] = [];
      for await (const b of entityBatches(t.db, { id: userId }, CON, cq(s), 33, NOW)) ids.push(...b.map((r) => r.id));
      expect(new Set(ids).size).toBe(120);
    }
  });
});

describe("entity read model: deletes, relations, CSV and the API", () => {
  const cq = (s: string) => parseEntityQuery(CON, fromURLSearchParams(new URLSearchParams(s)));

  it("totals leave out rows flagged deleted in Xero (they are still listed, marked)", async () => {
    const before = (await invoiceTotals(t.db, userId, q(""), NOW)).find((x) => x.currency === "NZD")!;
    const live = (await listInvoices(t.db, userId, q("status=AUTHORISED&size=25"), NOW)).rows.slice(0, 3);
    const ids = live.map((r) => r.invoiceId);
    await t.db.update(invoices).set({ deletedInXeroAt: NOW }).where(inArray(invoices.invoiceId, ids));
    await resummarise(t.db);
    try {
      const after = (await invoiceTotals(t.db, userId, q(""), NOW)).find((x) => x.currency === "NZD")!;
      expect(after.count).toBe(before.count - 3);
      const cents = (v: string) => Math.round(Number(v) * 100);
      expect(cents(after.total)).toBe(cents(before.total) - live.reduce((s, r) => s + cents(r.total!), 0));
      // Asking for the status includes cancelled rows, never deleted ones.
      const authorised = (await invoiceTotals(t.db, userId, q("status=AUTHORISED"), NOW)).find((x) => x.currency === "NZD")!;
      const listed = await listInvoices(t.db, userId, q("status=AUTHORISED&size=100"), NOW);
      expect(authorised.count).toBe(listed.total - 3);
      expect(listed.rows.filter((r) => r.deleted).map((r) => r.invoiceId).sort()).toEqual([...ids].sort());
      const d = await getEntityDetail(t.db, { id: userId }, INV, tenantId, ids[0]!, NOW);
      expect(d?.row.deletedInXeroAt?.getTime()).toBe(NOW.getTime());
    } finally {
      await t.db.update(invoices).set({ deletedInXeroAt: null }).where(inArray(invoices.invoiceId, ids));
      await resummarise(t.db);
    }
  });

  it("a contact's detail lists its invoices (relation by column) with the count and a link to all of them", async () => {
    const c = contactList[5]!;
    const d = await getEntityDetail(t.db, { id: userId }, CON, tenantId, c.contactId, NOW);
    const rel = d!.relations.find((r) => r.def.name === "invoices")!;
    const byFilter = await listInvoices(t.db, userId, q(`contact=${c.contactId}&size=100`), NOW);
    expect(rel.total).toBe(byFilter.total);
    expect(rel.total).toBeGreaterThan(0);
    expect(rel.rows.length).toBe(Math.min(10, rel.total));
    expect(rel.rows.every((r) => r.values.contactId === c.contactId && r.tenantId === tenantId)).toBe(true);
    expect(rel.listHref).toBe(`/invoices?org=${tenantId}&contact=${c.contactId}`);
    // Receivables come with the detail: the contact's approved sales invoices still owed.
    const owed = byFilter.rows.filter((r) => r.type === "ACCREC" && (r.status === "AUTHORISED" || r.status === "SUBMITTED") && Number(r.amountDue) > 0);
    const rec = receivablesOf(d!.row);
    const cents = (v: string) => Math.round(Number(v) * 100);
    expect(rec.reduce((s, x) => s + cents(x.outstanding), 0)).toBe(owed.reduce((s, r) => s + cents(r.amountDue!), 0));
  });

  it("counts per entity for the overview leave out records deleted in Xero", async () => {
    const counts = await entityCounts(t.db, { id: userId });
    expect(counts.find((c) => c.entity === "invoices")?.records).toBe(N + 2);
    expect(counts.find((c) => c.entity === "contacts")?.records).toBe(120);
    expect((await entityCounts(t.db, { id: otherUserId })).find((c) => c.entity === "invoices")?.records).toBe(50);
  });

  it("CSV export: the view's columns, the filtered rows exactly once, formulas defused", async () => {
    // What GET /{entity}/export answers (the route parses the page's query and calls this).
    const get = async (path: string) => {
      const url = new URL(`http://localhost${path}`);
      const def = entity(url.pathname.split("/")[1]!);
      return entityCsvResponse(t.db, { id: userId }, def, parseEntityQuery(def, fromURLSearchParams(url.searchParams)), NOW, 50);
    };
    const res = await get("/invoices/export?status=PAID&sort=total");
    expect(res.status, await res.clone().text()).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/csv");
    const lines = (await res.text()).replace(/^\uFEFF/, "").split("\r\n").filter(Boolean);
    expect(lines[0]).toBe("Organisation,Type,Number,Reference,Contact,Date,Due,Status,Currency,Total,Paid,Due amount,Updated in Xero (UTC),Overdue,Deleted in Xero (UTC),Invoice ID");
    const paid = await listInvoices(t.db, userId, q("status=PAID&size=100"), NOW);
    expect(lines.length - 1).toBe(paid.total);
    expect(lines.slice(1).every((l) => l.includes(",PAID,"))).toBe(true);
    // A contact whose name starts with "=" is written as text, not a formula.
    await t.db.insert(invoices).values({ tenantId, invoiceId: "00000000-0000-4000-8000-0000000000c5", type: "ACCREC", invoiceNumber: "=HYPERLINK(1)", contactName: "+cmd", status: "PAID", xeroUpdatedAt: NOW, raw: {}, total: "1", amountDue: "0", currencyCode: "NZD" });
    await resummarise(t.db);
    try {
      const body = await (await get("/invoices/export?q=HYPERLINK")).text();
      expect(body).toContain(",'=HYPERLINK(1),,'+cmd,");
    } finally {
      await t.db.delete(invoices).where(eq(invoices.invoiceId, "00000000-0000-4000-8000-0000000000c5"));
      await resummarise(t.db);
    }
    const contactsCsv = (await (await get("/contacts/export?role=supplier")).text()).split("\r\n").filter(Boolean);
    expect(contactsCsv[0]).toContain("Outstanding receivables,Overdue receivables");
    expect(contactsCsv.length - 1).toBe((await listContacts(t.db, userId, cq("role=supplier&size=100"), NOW)).total);
  });

  it("the API: records keep their historical shape; strict parameters; one record with its relations", async () => {
    const { token } = await createApiToken(t.db, userId, { name: "shape test" });
    const headers = { authorization: `Bearer ${token}` };
    const list = (path: string) => callRoute(getEntityApi, new Request(`http://localhost${path}`, { headers }), t, { entity: path.split(/[/?]/)[3]! });
    const inv = (await (await list("/api/v1/invoices?limit=3&status=AUTHORISED&type=sales")).json()) as { data: Record<string, unknown>[]; page: Record<string, unknown> };
    expect(inv.page).toMatchObject({ limit: 3, prev: null });
    const keys = ["tenantId", "invoiceId", "type", "invoiceNumber", "reference", "status", "overdue", "contact", "date", "dueDate", "currencyCode", "total", "amountPaid", "amountDue", "updatedDateUTC"];
    for (const r of inv.data) {
      for (const k of keys) expect(r, k).toHaveProperty(k);
      expect(r.type).toBe("ACCREC");
      expect(typeof r.total).toBe("string");
      expect(r.updatedDateUTC).toMatch(/^\d{4}-\d{2}-\d{2}T.*Z$/);
      expect(r.contact).toEqual(r.contactId ? { contactId: r.contactId, name: r.contactName } : null);
    }
    const con = (await (await list("/api/v1/contacts?limit=2&role=customer")).json()) as { data: Record<string, unknown>[] };
    for (const r of con.data) for (const k of ["tenantId", "contactId", "name", "emailAddress", "contactStatus", "isCustomer", "isSupplier", "defaultCurrency", "receivables", "updatedDateUTC"]) expect(r, k).toHaveProperty(k);

    for (const [path, param] of [
      ["/api/v1/invoices?sort=bogus", "sort"],
      ["/api/v1/invoices?type=all", "type"],
      ["/api/v1/invoices?overdue=yes", "overdue"],
      ["/api/v1/invoices?from=2026-02-30", "from"],
      ["/api/v1/invoices?limit=500", "limit"],
      ["/api/v1/invoices?stauts=PAID", "stauts"],
      ["/api/v1/contacts?role=admin", "role"],
      ["/api/v1/contacts?org=nope", "org"],
    ] as const) {
      const res = await list(path);
      expect(res.status, path).toBe(400);
      const body = (await res.json()) as { error: { code: string; details: { fieldErrors: Record<string, string[]> } } };
      expect(body.error.code).toBe("bad_request");
      expect(Object.keys(body.error.details.fieldErrors), path).toEqual([param]);
    }
    expect((await list("/api/v1/nothing-here")).status).toBe(404);
    expect((await callRoute(getEntityApi, new Request("http://localhost/api/v1/invoices", { headers: { authorization: "Bearer xs_wrong" } }), t, { entity: "invoices" })).status).toBe(401);

    const one = (tenant: string, id: string, entityName = "contacts") =>
      callRoute(getRecordApi, new Request(`http://localhost/api/v1/${entityName}/${tenant}/${id}`, { headers }), t, { entity: entityName, tenantId: tenant, id });
    const c = contactList[5]!;
    const rec = (await (await one(tenantId, c.contactId)).json()) as { data: { contactId: string; raw: unknown; related: { entity: string; total: number; ids: unknown[] }[] } };
    expect(rec.data.contactId).toBe(c.contactId);
    expect(rec.data.raw).toBeTruthy();
    expect(rec.data.related[0]).toMatchObject({ entity: "invoices", total: (await listInvoices(t.db, userId, q(`contact=${c.contactId}`), NOW)).total });
    expect((await one(otherTenantId, c.contactId)).status).toBe(404);
    expect((await one(tenantId, "not-a-uuid")).status).toBe(400); // a malformed id names itself
  });
});

describe("history and overview", () => {
  it("lists the sessions log newest first with filters", async () => {
    const all = await listHistory(t.db, { id: userId }, parseHistoryQuery({ size: "100" }), NOW);
    expect(all.rows.length).toBe(25);
    const starts = all.rows.map((r) => r.startedAt.getTime());
    expect(starts).toEqual([...starts].sort((a, b) => b - a));
    const errors = await listHistory(t.db, { id: userId }, parseHistoryQuery({ outcome: "error" }), NOW);
    expect(errors.rows.length).toBe(1);
    expect(errors.rows[0]!.error).toMatch(/503/);
    const other = await listHistory(t.db, { id: otherUserId }, parseHistoryQuery({}), NOW);
    expect(other.rows).toEqual([]);
    // Running vs interrupted (stale heartbeat) are told apart in SQL on both databases.
    expect((await listHistory(t.db, { id: userId }, parseHistoryQuery({ outcome: "interrupted" }), NOW)).rows).toEqual([]);
    expect((await listHistory(t.db, { id: userId }, parseHistoryQuery({ outcome: "running" }), NOW)).rows).toEqual([]);
    const p1 = await listHistory(t.db, { id: userId }, parseHistoryQuery({ size: "25", kind: "sync" }), NOW);
    expect(p1.next).toBeNull();
  });

  it("overview: per-org state, records held, next sync, and both charts", async () => {
    const orgs = await getTenantSyncStatuses(t.db, { id: userId }, { now: NOW, intervalMinutes: 15 });
    expect(orgs).toHaveLength(1);
    const org = orgs[0]!;
    expect(org.state).toBe("active");
    expect(org.entities.find((e) => e.entity === "invoices")?.records).toBe(N + 2);
    expect(org.entities.find((e) => e.entity === "contacts")?.records).toBe(120);
    expect(org.nextSyncAt?.getTime()).toBe(NOW.getTime()); // the last run started 15 minutes ago
    const aging = await receivablesAging(t.db, [tenantId], NOW);
    const nzd = aging.find((a) => a.currency === "NZD")!;
    expect(nzd.buckets.map((b) => b.bucket)).toEqual(["current", "1–30", "31–60", "61–90", "90+"]);
    expect(nzd.buckets.reduce((s, b) => s + b.count, 0)).toBeGreaterThan(0);
    const monthly = await invoicedVsPaid(t.db, [tenantId], NOW);
    expect(monthly[0]?.months).toHaveLength(12);
    expect(monthly[0]?.months.at(-1)?.month).toBe("2026-06");
    expect(await getTenantSyncStatuses(t.db, { id: otherUserId }, { now: NOW, tenantId })).toEqual([]);
    const page = await getOverview(t.db, { id: userId }, NOW);
    expect(page.orgs.map((o) => o.id)).toEqual([tenantId]);
    expect(page.aging).toEqual(aging);
    expect(page.monthly).toEqual(monthly);
  });
});

describe("hostile cursors", () => {
  const ID = "00000000-0000-4000-8000-000000000001";
  const cursor = (s: string, k: string | null, id = ID) => encodeCursor({ s, k, id });
  // A cursor of the right shape for its sort, whose key is not a value of the column's type: each
  // reached SQL as `'…'::timestamptz` (or ::date, ::numeric, ::uuid) and failed the query.
  const BAD_KEYS: Record<"timestamptz" | "date" | "numeric" | "text", (string | null)[]> = {
    timestamptz: ["2026-01-01 99:99:99+00", "2026-01-01 23:59:60+00", "2026-01-01 12:00:00+99", "0000-01-01 00:00:00+00", null],
    date: ["2026-01-01x", "0000-01-01", "2026-02-29"],
    numeric: ["NaN", "1e5", "--1", "9".repeat(25)],
    text: ["a\u0000b"],
  };

  it("history: a bad cursor shows the first page, never a failed query", async () => {
    const first = await listHistory(t.db, { id: userId }, parseHistoryQuery({ size: "25" }), NOW);
    expect(first.rows.length).toBe(25);
    for (const k of BAD_KEYS.timestamptz) {
      for (const param of ["after", "before"]) {
        const parsed = parseHistoryQuery({ size: "25", [param]: cursor("started.desc", k) });
        expect(parsed.page).toBe(1);
        expect((await listHistory(t.db, { id: userId }, parsed, NOW)).rows.map((r) => r.id)).toEqual(first.rows.map((r) => r.id));
        // Handed to the read model directly (not through the URL parser), it is refused there too.
        const direct = { ...parseHistoryQuery({ size: "25" }), [param]: { s: "started.desc", k, id: ID } };
        expect((await listHistory(t.db, { id: userId }, direct, NOW)).rows.map((r) => r.id)).toEqual(first.rows.map((r) => r.id));
      }
    }
    const badId = parseHistoryQuery({ size: "25", after: cursor("started.desc", "2026-01-01 00:00:00+00", "not-a-uuid") });
    expect((await listHistory(t.db, { id: userId }, badId, NOW)).rows.map((r) => r.id)).toEqual(first.rows.map((r) => r.id));
  });

  it("invoices and contacts: every sort column refuses keys not of its type", async () => {
    const invoiceSorts = { updated: "timestamptz", date: "date", due: "date", total: "numeric", amountDue: "numeric", status: "text" } as const;
    for (const [sort, cast] of Object.entries(invoiceSorts)) {
      const first = await listInvoices(t.db, userId, q(`sort=${sort}&dir=desc&size=25`), NOW);
      for (const k of BAD_KEYS[cast]) {
        if (k === null && sort !== "updated" && sort !== "status") continue; // null is a real segment of nullable columns
        const page = await listInvoices(t.db, userId, q(`sort=${sort}&dir=desc&size=25&after=${cursor(`${sort}.desc`, k)}`), NOW);
        expect(page.rows.map((r) => r.invoiceId), `${sort} ${k}`).toEqual(first.rows.map((r) => r.invoiceId));
      }
    }
    const cq = (s: string) => parseEntityQuery(CON, fromURLSearchParams(new URLSearchParams(s)));
    const first = await listContacts(t.db, userId, cq("sort=updated&size=25"), NOW);
    for (const k of BAD_KEYS.timestamptz) {
      const page = await listContacts(t.db, userId, cq(`sort=updated&size=25&before=${cursor("updated.desc", k)}`), NOW);
      expect(page.rows.map((r) => r.contactId)).toEqual(first.rows.map((r) => r.contactId));
    }
  });

  it("the read API answers 400 naming the parameter, never a failed query", async () => {
    const { token } = await createApiToken(t.db, userId, { name: "cursor test" });
    const get = (path: string) =>
      callRoute(getEntityApi, new Request(`http://localhost${path}`, { headers: { authorization: `Bearer ${token}` } }), t, { entity: path.split(/[/?]/)[3]! });
    const ok = await get("/api/v1/invoices?sort=updated&limit=5");
    expect(ok.status, await ok.clone().text()).toBe(200);
    const next = ((await ok.json()) as { page: { next: string } }).page.next;
    expect((await get(`/api/v1/invoices?sort=updated&limit=5&after=${next}`)).status).toBe(200);
    for (const k of BAD_KEYS.timestamptz) {
      for (const path of ["/api/v1/invoices", "/api/v1/contacts"]) {
        const res = await get(`${path}?sort=updated&after=${cursor("updated.desc", k)}`);
        expect(res.status, `${path} ${k}`).toBe(400);
        expect(((await res.json()) as { error: { details: { fieldErrors: Record<string, string[]> } } }).error.details.fieldErrors).toHaveProperty("after");
      }
    }
  });
});
