/**
 * The transactional fixtures through xero-node's unmodified accountingApi: credit notes,
 * overpayments, prepayments, bank transactions, manual journals and purchase orders (payments:
 * payments.test.ts). Seeding in proportion and deterministic, paging and the line-item quirk,
 * If-Modified-Since at whole seconds, each endpoint's own filters, mutations and deletes,
 * relationships to real invoices / contacts / chart accounts, scopes, the between-pages fault and
 * CREDITNOTE webhooks.
 */
import { createServer } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { BankTransaction, CreditNote, Invoice, ManualJournal, Overpayment, Prepayment, PurchaseOrder } from "xero-node";
import type { RunningSimulator } from "@/lib/xero-simulator";
import { accountId, chartFor } from "@/lib/xero-simulator/entities/chart";
import { PROFILES } from "@/lib/xero-simulator/data";
import { createApiClient } from "@/lib/xero/client";
import { toXeroApiError } from "@/lib/xero/errors";
import { apiGet, configFor, connect, ctl, start } from "./helpers";

const TENANTS = [{ name: "Entities Ltd (UK)", invoices: 1000 }, { name: "Counted (AU)", invoices: 100, counts: { creditNotes: 7, overpayments: 3, prepayments: 4, bankTransactions: 11, manualJournals: 5, purchaseOrders: 6 } }];

let sim: RunningSimulator;
let xero: ReturnType<typeof createApiClient>;
let token: string;
let tenantId: string;
let countedId: string;

type Counts = Record<string, number>;
interface TenantRow { tenantId: string; counts: Counts }
interface Change { entity: string; id: string; kind: string; status: string; updatedDateUtc: string }
const cents = (n: number | undefined) => Math.round((n ?? 0) * 100);
const state = <T = Record<string, unknown>>(entity: string, tid = tenantId, extra = "") => ctl<T[]>(sim, "GET", `/__sim/state?tenantId=${tid}&entity=${entity}${extra}`);
const mutate = (entity: string, count: number, kinds?: string[], tid = tenantId) => ctl<{ changes: Change[] }>(sim, "POST", "/__sim/mutate", { tenantId: tid, entity, count, ...(kinds ? { kinds } : {}) });

beforeAll(async () => {
  sim = await start({ limits: false, tenants: TENANTS });
  const config = configFor(sim);
  token = (await connect(sim, config)).access_token!;
  xero = createApiClient(config, token);
  const rows = await ctl<TenantRow[]>(sim, "GET", "/__sim/tenants");
  tenantId = rows[0]!.tenantId;
  countedId = rows[1]!.tenantId;
});
afterAll(() => sim.close());

/** Reads every record of a paged endpoint through xero-node, page by page. */
async function allPages<T>(read: (page: number) => Promise<{ body: { pagination?: { pageCount?: number } } & Record<string, unknown> }>, key: string): Promise<T[]> {
  const out: T[] = [];
  for (let page = 1; ; page++) {
    const { body } = await read(page);
    out.push(...((body[key] as T[]) ?? []));
    if (page >= (body.pagination?.pageCount ?? 0)) return out;
  }
}

describe("seeding", () => {
  it("in proportion to the invoices by default, exactly the spec's counts when given", async () => {
    const rows = await ctl<TenantRow[]>(sim, "GET", "/__sim/tenants");
    const big = rows[0]!.counts;
    expect(big).toMatchObject({ invoices: 1000, creditNotes: 40, overpayments: 2, prepayments: 2, manualJournals: 3, purchaseOrders: 20 });
    // 30% of the invoices, plus the transaction behind every overpayment and prepayment.
    expect(big.bankTransactions).toBe(300 + 2 + 2);
    expect(rows[1]!.counts).toMatchObject({ creditNotes: 7, overpayments: 3, prepayments: 4, bankTransactions: 11 + 3 + 4, manualJournals: 5, purchaseOrders: 6 });
  });

  it("is deterministic: the same seed gives the same records in a second simulator", async () => {
    const other = await start({ limits: false, tenants: TENANTS });
    // UpdatedDateUTC of the newest records is capped at "a minute before the start", which differs.
    const stable = (rows: Record<string, unknown>[]) => rows.map(({ updatedDateUtc: _u, UpdatedDateUTC: _U, ...rest }) => rest).sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
    try {
      for (const entity of ["payments", "creditNotes", "overpayments", "prepayments", "bankTransactions", "manualJournals", "purchaseOrders"]) {
        const mine = await state(entity);
        const theirs = await ctl<Record<string, unknown>[]>(other, "GET", `/__sim/state?tenantId=${tenantId}&entity=${entity}`);
        expect(stable(theirs), entity).toEqual(stable(mine));
      }
      const res = await apiGet(other, "/api.xro/2.0/CreditNotes?page=1&pageSize=1000", (await connect(other, configFor(other))).access_token!, tenantId);
      const mine = await apiGet(sim, "/api.xro/2.0/CreditNotes?page=1&pageSize=1000", token, tenantId);
      const body = async (r: Response) => stable(((await r.json()) as { CreditNotes: Record<string, unknown>[] }).CreditNotes);
      expect(await body(res)).toEqual(await body(mine));
    } finally {
      await other.close();
    }
  });

  it("rejects counts for an unknown entity", async () => {
    await expect(ctl(sim, "POST", "/__sim/reset", { tenants: [{ name: "X", counts: { widgets: 3 } }], keepAuth: true })).rejects.toThrow(/unknown entity widgets/);
    await expect(ctl(sim, "POST", "/__sim/reset", { tenants: [{ name: "X", counts: { payments: -1 } }], keepAuth: true })).rejects.toThrow(/counts.payments must be a number/);
    // Nothing was thrown away.
    expect((await ctl<TenantRow[]>(sim, "GET", "/__sim/tenants")).map((t) => t.tenantId)).toEqual([tenantId, countedId]);
  });
});

describe("GET /CreditNotes", () => {
  it("line items only with page; every page, pagination and by id / number", async () => {
    const unpaged = (await xero.accountingApi.getCreditNotes(tenantId)).body.creditNotes ?? [];
    expect(unpaged).toHaveLength(40);
    expect(unpaged.every((c) => !c.lineItems?.length)).toBe(true);
    const paged = await allPages<CreditNote>((p) => xero.accountingApi.getCreditNotes(tenantId, undefined, undefined, undefined, p, undefined, 15) as never, "creditNotes");
    expect(paged.map((c) => c.creditNoteID).sort()).toEqual(unpaged.map((c) => c.creditNoteID).sort());
    expect(paged.every((c) => (c.lineItems?.length ?? 0) > 0)).toBe(true);
    const p1 = (await xero.accountingApi.getCreditNotes(tenantId, undefined, undefined, undefined, 1, undefined, 15)).body;
    expect(p1.pagination).toMatchObject({ page: 1, pageSize: 15, pageCount: 3, itemCount: 40 });
    const sub = paged[0]!;
    const byId = (await xero.accountingApi.getCreditNote(tenantId, sub.creditNoteID!)).body.creditNotes![0]!;
    expect(byId.lineItems?.length).toBeGreaterThan(0);
    const sum = byId.lineItems!.reduce((s, l) => s + cents(l.lineAmount), 0);
    expect(String(byId.lineAmountTypes) === "Inclusive" ? sum : sum + cents(byId.totalTax)).toBe(cents(byId.total));
    const num = paged.find((c) => c.creditNoteNumber?.startsWith("CN-"))!;
    const res = await apiGet(sim, `/api.xro/2.0/CreditNotes/${num.creditNoteNumber}`, token, tenantId);
    expect(((await res.json()) as { CreditNotes: { CreditNoteID: string }[] }).CreditNotes[0]!.CreditNoteID).toBe(num.creditNoteID);
  });

  it("allocations point at real invoices of the same contact; the invoices' AmountCredited agrees", async () => {
    const invoices = new Map(((await xero.accountingApi.getInvoices(tenantId)).body.invoices ?? []).map((i) => [i.invoiceID!, i]));
    const credited = new Map<string, number>();
    const credits = [
      ...((await xero.accountingApi.getCreditNotes(tenantId)).body.creditNotes ?? []).map((c) => ({ id: c.creditNoteID!, total: c.total, remaining: c.remainingCredit, status: String(c.status), contact: c.contact?.contactID, allocations: c.allocations ?? [] })),
      ...((await xero.accountingApi.getOverpayments(tenantId)).body.overpayments ?? []).map((c) => ({ id: c.overpaymentID!, total: c.total, remaining: c.remainingCredit, status: String(c.status), contact: c.contact?.contactID, allocations: c.allocations ?? [] })),
      ...((await xero.accountingApi.getPrepayments(tenantId)).body.prepayments ?? []).map((c) => ({ id: c.prepaymentID!, total: c.total, remaining: c.remainingCredit, status: String(c.status), contact: c.contact?.contactID, allocations: c.allocations ?? [] })),
    ];
    let allocations = 0;
    for (const c of credits) {
      let sum = 0;
      for (const a of c.allocations) {
        const inv = invoices.get(a.invoice.invoiceID!);
        expect(inv, `allocation of ${c.id}`).toBeDefined();
        expect(inv!.contact?.contactID).toBe(c.contact);
        sum += cents(a.amount);
        credited.set(inv!.invoiceID!, (credited.get(inv!.invoiceID!) ?? 0) + cents(a.amount));
        allocations++;
      }
      if (c.status === "AUTHORISED" || c.status === "PAID") expect(sum + cents(c.remaining)).toBe(cents(c.total));
      if (c.status === "PAID") expect(cents(c.remaining)).toBe(0);
    }
    expect(allocations).toBeGreaterThan(10);
    for (const inv of invoices.values()) {
      expect(cents(inv.amountCredited), inv.invoiceNumber).toBe(credited.get(inv.invoiceID!) ?? 0);
      if (!["VOIDED", "DELETED"].includes(String(inv.status))) expect(cents(inv.amountPaid) + cents(inv.amountCredited) + cents(inv.amountDue)).toBe(cents(inv.total));
    }
    const withCredit = [...invoices.values()].find((i) => (i.creditNotes?.length ?? 0) > 0)!;
    const full = (await xero.accountingApi.getInvoice(tenantId, withCredit.invoiceID!)).body.invoices![0]!;
    expect(full.creditNotes!.reduce((s, c) => s + cents(c.appliedAmount), 0) + (full.overpayments ?? []).reduce((s, c) => s + cents(c.appliedAmount), 0) + (full.prepayments ?? []).reduce((s, c) => s + cents(c.appliedAmount), 0)).toBe(cents(full.amountCredited));
  });

  it("mutations: create, edit, authorise, allocate, void, delete; deleted and voided stay listed; CREDITNOTE webhooks", async () => {
    const key = "entities-key";
    const bodies: { events: { eventCategory: string; resourceUrl: string; resourceId: string; eventType: string }[] }[] = [];
    const { createHmac } = await import("node:crypto");
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        const raw = Buffer.concat(chunks).toString();
        const ok = createHmac("sha256", key).update(raw).digest("base64") === req.headers["x-xero-signature"];
        if (ok) bodies.push(JSON.parse(raw) as (typeof bodies)[number]);
        res.writeHead(ok ? 200 : 401).end();
      });
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    try {
      await ctl(sim, "POST", "/__sim/webhooks/config", { url: `http://127.0.0.1:${(server.address() as { port: number }).port}/hook`, key });
      await ctl(sim, "POST", "/__sim/clock", { advanceMs: 5000 });
      const before = Date.now() + (await ctl<{ offsetMs: number }>(sim, "GET", "/__sim/clock")).offsetMs;
      const changes: Change[] = [];
      for (const kind of ["create", "edit", "authorise", "allocate", "void", "delete"]) changes.push(...(await mutate("creditNotes", 1, [kind])).changes);
      const mine = changes.filter((c) => c.entity === "creditNotes");
      expect(mine.map((c) => c.kind)).toEqual(["create", "edit", "authorise", "allocate", "void", "delete"]);
      expect(mine.find((c) => c.kind === "void")!.status).toBe("VOIDED");
      expect(mine.find((c) => c.kind === "delete")!.status).toBe("DELETED");
      const since = new Date(Math.floor(before / 1000) * 1000);
      const changed = (await xero.accountingApi.getCreditNotes(tenantId, since)).body.creditNotes ?? [];
      expect(new Set(changed.map((c) => c.creditNoteID))).toEqual(new Set(mine.map((c) => c.id)));
      const alloc = changes.find((c) => c.entity === "invoices" && c.kind === "credit")!;
      const inv = (await xero.accountingApi.getInvoice(tenantId, alloc.id)).body.invoices![0]!;
      expect(inv.creditNotes?.map((c) => c.creditNoteID)).toContain(mine.find((c) => c.kind === "allocate")!.id);
      await ctl(sim, "GET", "/__sim/webhooks");
      const events = bodies.flatMap((b) => b.events);
      const cn = events.filter((e) => e.eventCategory === "CREDITNOTE");
      expect(cn.map((e) => e.resourceId)).toEqual(mine.map((c) => c.id));
      expect(cn[0]!.resourceUrl).toBe(`${sim.url}/api.xro/2.0/CreditNotes/${mine[0]!.id}`);
      expect(cn.map((e) => e.eventType)).toEqual(["CREATE", "UPDATE", "UPDATE", "UPDATE", "UPDATE", "UPDATE"]);
      // The invoice the allocation changed is announced too; bank transactions and journals never are.
      expect(events.some((e) => e.eventCategory === "INVOICE" && e.resourceId === alloc.id)).toBe(true);
      const n = events.length;
      await mutate("bankTransactions", 2, ["create"]);
      await mutate("manualJournals", 2, ["create"]);
      await ctl(sim, "GET", "/__sim/webhooks");
      expect(bodies.flatMap((b) => b.events).length).toBe(n);
    } finally {
      await ctl(sim, "DELETE", "/__sim/webhooks/config");
      server.close();
    }
  });
});

describe("GET /Overpayments and /Prepayments", () => {
  it("carry line items in every answer, each with its bank transaction; void voids both", async () => {
    const ops = (await xero.accountingApi.getOverpayments(countedId)).body.overpayments ?? [];
    const pps = (await xero.accountingApi.getPrepayments(countedId)).body.prepayments ?? [];
    expect(ops).toHaveLength(3);
    expect(pps).toHaveLength(4);
    for (const o of [...ops, ...pps] as (Overpayment | Prepayment)[]) {
      expect(o.lineItems?.length).toBeGreaterThan(0);
      expect(["AUTHORISED", "PAID", "VOIDED"]).toContain(String(o.status));
    }
    const txns = (await xero.accountingApi.getBankTransactions(countedId)).body.bankTransactions ?? [];
    for (const o of ops) {
      const b = txns.find((t) => t.overpaymentID === o.overpaymentID)!;
      expect(String(b.type)).toMatch(/^(RECEIVE|SPEND)-OVERPAYMENT$/);
      expect(cents(b.total)).toBe(cents(o.total));
      expect(b.contact?.contactID).toBe(o.contact?.contactID);
    }
    for (const p of pps) expect(String(txns.find((t) => t.prepaymentID === p.prepaymentID)!.type)).toMatch(/-PREPAYMENT$/);
    const created = (await mutate("overpayments", 1, ["create"], countedId)).changes;
    expect(created.map((c) => c.entity)).toEqual(["overpayments", "bankTransactions"]);
    const voided = (await mutate("overpayments", 1, ["void"], countedId)).changes;
    expect(voided.map((c) => [c.entity, c.status])).toEqual([["overpayments", "VOIDED"], ["bankTransactions", "VOIDED"]]);
    const b = (await xero.accountingApi.getBankTransaction(countedId, voided[1]!.id)).body.bankTransactions![0]!;
    expect(b.overpaymentID).toBe(voided[0]!.id);
    // Xero has no DELETED overpayments or prepayments: no such mutation.
    await expect(mutate("prepayments", 1, ["delete"], countedId)).rejects.toThrow(/unknown prepayments mutation kinds/);
  });
});

describe("GET /BankTransactions", () => {
  it("on a BANK account of the chart; line items only with page, on chart accounts; contacts are real", async () => {
    const list = (await xero.accountingApi.getBankTransactions(tenantId)).body.bankTransactions ?? [];
    expect(list.every((b) => !b.lineItems?.length)).toBe(true);
    const chart = chartFor(PROFILES.GB);
    const t = sim.sim.tenants.get(tenantId)!;
    const banks = new Map(chart.filter((a) => a.type === "BANK").map((a) => [accountId(t, a.code), a]));
    expect(banks.size).toBe(2);
    for (const b of list) {
      const bank = banks.get(b.bankAccount.accountID!);
      expect(bank?.code).toBe(b.bankAccount.code);
      expect(b.bankAccount.name).toBe(bank?.name);
    }
    expect(new Set(list.map((b) => b.bankAccount.code))).toEqual(new Set(["090", "091"]));
    expect(list.some((b) => String(b.status) === "DELETED")).toBe(true);
    const codes = new Set(chart.map((a) => a.code));
    const contacts = new Set(((await xero.accountingApi.getContacts(tenantId, undefined, undefined, undefined, undefined, undefined, true)).body.contacts ?? []).map((c) => c.contactID));
    const paged = await allPages<BankTransaction>((p) => xero.accountingApi.getBankTransactions(tenantId, undefined, undefined, undefined, p, undefined, 100) as never, "bankTransactions");
    expect(paged).toHaveLength(list.length);
    for (const b of paged) {
      expect(b.lineItems?.length).toBeGreaterThan(0);
      for (const l of b.lineItems!) expect(codes.has(l.accountCode!)).toBe(true);
      expect(contacts.has(b.contact?.contactID)).toBe(true);
    }
  });

  it("where, order and If-Modified-Since inclusive at whole seconds", async () => {
    const spend = (await xero.accountingApi.getBankTransactions(tenantId, undefined, 'Type=="SPEND" AND BankAccount.Code=="091"', "Total DESC")).body.bankTransactions ?? [];
    expect(spend.length).toBeGreaterThan(0);
    for (const b of spend) expect([String(b.type), b.bankAccount.code]).toEqual(["SPEND", "091"]);
    for (let i = 1; i < spend.length; i++) expect(spend[i - 1]!.total!).toBeGreaterThanOrEqual(spend[i]!.total!);
    const ref = spend.find((b) => b.reference)!.reference!;
    const byRef = (await xero.accountingApi.getBankTransactions(tenantId, undefined, undefined, undefined, undefined, undefined, undefined, [ref])).body.bankTransactions ?? [];
    expect(byRef.length).toBeGreaterThan(0);
    for (const b of byRef) expect(b.reference).toBe(ref);
    const rows = await state<{ id: string; updatedDateUtc: string }>("bankTransactions");
    const pivot = rows.map((r) => Date.parse(r.updatedDateUtc)).sort((a, b) => a - b)[Math.floor(rows.length / 2)]!;
    // The header is at whole seconds: a record later in that same second comes back too.
    const since = new Date(Math.floor(pivot / 1000) * 1000 + 500);
    const got = (await xero.accountingApi.getBankTransactions(tenantId, since)).body.bankTransactions ?? [];
    const want = rows.filter((r) => Math.floor(Date.parse(r.updatedDateUtc) / 1000) * 1000 >= Math.floor(pivot / 1000) * 1000);
    expect(got.map((b) => b.bankTransactionID).sort()).toEqual(want.map((r) => r.id).sort());
  });

  it("edits, reconciles and deletes (not reconciled ones), and a between-pages fault changes records mid-walk", async () => {
    const { changes } = await mutate("bankTransactions", 3, ["edit", "reconcile", "delete"]);
    expect(changes).toHaveLength(3);
    const all = await state<{ id: string; status: string; isReconciled: boolean }>("bankTransactions");
    for (const c of changes) expect(all.find((r) => r.id === c.id)!.status).toBe(c.status);
    const count = all.length;
    await ctl(sim, "POST", "/__sim/faults", { faults: [{ kind: "mutate-between-pages", path: "/BankTransactions", tenantId, count: 2, kinds: ["create"] }] });
    const p1 = await xero.accountingApi.getBankTransactions(tenantId, undefined, undefined, undefined, 1, undefined, 100);
    expect(p1.body.pagination?.itemCount).toBe(count);
    const p2 = await xero.accountingApi.getBankTransactions(tenantId, undefined, undefined, undefined, 2, undefined, 100);
    expect(p2.body.pagination?.itemCount).toBe(count + 2);
    expect((await state("bankTransactions")).length).toBe(count + 2);
  });

  it("needs a bank-transactions scope: accounting.banktransactions.read or the broad transactions scope", async () => {
    const narrow = configFor(sim, { scopes: ["openid", "offline_access", "accounting.payments.read"] });
    const api = createApiClient(narrow, (await connect(sim, narrow)).access_token!);
    expect((await api.accountingApi.getPayments(tenantId)).body.payments?.length).toBeGreaterThan(0);
    const err = toXeroApiError(await api.accountingApi.getBankTransactions(tenantId).then(() => null, (e: unknown) => e));
    expect(err.status).toBe(401);
    const bank = configFor(sim, { scopes: ["openid", "offline_access", "accounting.banktransactions.read"] });
    const api2 = createApiClient(bank, (await connect(sim, bank)).access_token!);
    expect((await api2.accountingApi.getBankTransactions(tenantId)).body.bankTransactions?.length).toBeGreaterThan(0);
  });
});

describe("GET /ManualJournals", () => {
  it("balanced lines on chart accounts; post, void, delete", async () => {
    const list = (await xero.accountingApi.getManualJournals(countedId)).body.manualJournals ?? [];
    expect(list).toHaveLength(5);
    const t = sim.sim.tenants.get(countedId)!;
    const byCode = new Map(chartFor(PROFILES.AU).map((a) => [a.code, a]));
    for (const j of list as ManualJournal[]) {
      expect(j.journalLines!.reduce((s, l) => s + cents(l.lineAmount), 0)).toBe(0);
      for (const l of j.journalLines!) {
        expect(byCode.has(l.accountCode!)).toBe(true);
        expect(l.accountID).toBe(accountId(t, l.accountCode!));
      }
    }
    await mutate("manualJournals", 2, ["create"], countedId);
    const changes = [...(await mutate("manualJournals", 1, ["post"], countedId)).changes, ...(await mutate("manualJournals", 1, ["void"], countedId)).changes];
    expect(changes.map((c) => c.status)).toEqual(["POSTED", "VOIDED"]);
    const after = (await xero.accountingApi.getManualJournals(countedId, undefined, 'Status=="VOIDED"')).body.manualJournals ?? [];
    expect(after.map((j) => j.manualJournalID)).toContain(changes[1]!.id);
  });
});

describe("GET /PurchaseOrders", () => {
  it("filters by status, DateFrom and DateTo; ignores where; line items always", async () => {
    const all = (await xero.accountingApi.getPurchaseOrders(tenantId)).body.purchaseOrders ?? [];
    expect(all).toHaveLength(20);
    expect(all.every((p) => (p.lineItems?.length ?? 0) > 0)).toBe(true);
    const billed = (await xero.accountingApi.getPurchaseOrders(tenantId, undefined, "BILLED")).body.purchaseOrders ?? [];
    expect(billed.length).toBe(all.filter((p) => String(p.status) === "BILLED").length);
    expect(billed.length).toBeGreaterThan(0);
    const rows = await state<{ id: string; date: string }>("purchaseOrders");
    const dates = rows.map((r) => r.date).sort();
    const from = dates[5]!;
    const to = dates[14]!;
    const ranged = (await xero.accountingApi.getPurchaseOrders(tenantId, undefined, undefined, from, to)).body.purchaseOrders ?? [];
    expect(ranged.map((p) => p.purchaseOrderID).sort()).toEqual(rows.filter((r) => r.date >= from && r.date <= to).map((r) => r.id).sort());
    const res = await apiGet(sim, `/api.xro/2.0/PurchaseOrders?where=${encodeURIComponent('Status=="NOPE"')}`, token, tenantId);
    expect(((await res.json()) as { PurchaseOrders: unknown[] }).PurchaseOrders).toHaveLength(20);
    const bad = await apiGet(sim, "/api.xro/2.0/PurchaseOrders?status=SHIPPED", token, tenantId);
    expect(bad.status).toBe(400);
    const byNumber = await apiGet(sim, `/api.xro/2.0/PurchaseOrders/${(all[0] as PurchaseOrder).purchaseOrderNumber}`, token, tenantId);
    expect(((await byNumber.json()) as { PurchaseOrders: { PurchaseOrderID: string }[] }).PurchaseOrders[0]!.PurchaseOrderID).toBe(all[0]!.purchaseOrderID);
  });

  it("create, submit, authorise, bill, delete", async () => {
    const created = (await mutate("purchaseOrders", 8, ["create"])).changes;
    expect(created.map((c) => c.kind)).toEqual(Array(8).fill("create"));
    expect(created.some((c) => c.status === "DRAFT")).toBe(true);
    const kinds = ["submit", "authorise", "bill", "delete"];
    const changes: Change[] = [];
    for (const kind of kinds) changes.push(...(await mutate("purchaseOrders", 1, [kind])).changes);
    expect(changes.map((c) => c.kind)).toEqual(kinds);
    expect(changes.map((c) => c.status)).toEqual(["SUBMITTED", "AUTHORISED", "BILLED", "DELETED"]);
    const deleted = (await xero.accountingApi.getPurchaseOrders(tenantId, undefined, "DELETED")).body.purchaseOrders ?? [];
    expect(deleted.map((p) => p.purchaseOrderID)).toContain(changes[3]!.id);
  });
});

describe("invoices and the fixtures stay consistent under every mutation", () => {
  it("after random changes of every entity, each invoice's money adds up and its credits and payments are real", async () => {
    for (const entity of ["invoices", "payments", "creditNotes", "overpayments", "prepayments"]) await mutate(entity, 15);
    const invoices: Invoice[] = (await xero.accountingApi.getInvoices(tenantId)).body.invoices ?? [];
    const payments = new Map(((await xero.accountingApi.getPayments(tenantId)).body.payments ?? []).map((p) => [p.paymentID!, p]));
    for (const inv of invoices) {
      if (!["VOIDED", "DELETED"].includes(String(inv.status))) expect(cents(inv.amountPaid) + cents(inv.amountCredited) + cents(inv.amountDue), inv.invoiceNumber).toBe(cents(inv.total));
      for (const p of inv.payments ?? []) expect(String(payments.get(p.paymentID!)?.status)).toBe("AUTHORISED");
      if (String(inv.status) === "PAID") expect(cents(inv.amountDue)).toBe(0);
    }
  });
});
