/**
 * Payments through xero-node's unmodified accountingApi: seeded from the invoices (the same
 * payments, amounts and dates as the invoices' Payments), counts from the tenant spec, paging,
 * If-Modified-Since, and the create / delete mutations keeping invoice and payment in step.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningSimulator } from "@/lib/xero-simulator";
import { createApiClient } from "@/lib/xero/client";
import type { Invoice, Payment } from "xero-node";
import { configFor, connect, ctl, start } from "./helpers";

let sim: RunningSimulator;
let xero: ReturnType<typeof createApiClient>;
let tenantId: string;
let smallId: string;

interface PaymentState { id: string; status: string; invoiceId: string; amount: string; accountCode: string; updatedDateUtc: string }
const cents = (n: number | undefined) => Math.round((n ?? 0) * 100);

async function allInvoices(tid = tenantId): Promise<Invoice[]> {
  return (await xero.accountingApi.getInvoices(tid)).body.invoices ?? [];
}

beforeAll(async () => {
  sim = await start({ limits: false, tenants: [{ name: "Payments Ltd (UK)", invoices: 600 }, { name: "Few Payments (NZ)", invoices: 200, counts: { payments: 40 } }] });
  const config = configFor(sim);
  xero = createApiClient(config, (await connect(sim, config)).access_token!);
  const tenants = await ctl<{ tenantId: string; counts: Record<string, number> }[]>(sim, "GET", "/__sim/tenants");
  tenantId = tenants[0]!.tenantId;
  smallId = tenants[1]!.tenantId;
});
afterAll(() => sim.close());

describe("GET /Payments", () => {
  it("serves the invoices' payments: same ids, amounts, invoice; AmountPaid is their sum", async () => {
    const payments = (await xero.accountingApi.getPayments(tenantId)).body.payments ?? [];
    const invoices = await allInvoices();
    expect(payments.length).toBeGreaterThan(300);
    const byInvoice = new Map<string, Payment[]>();
    for (const p of payments) {
      expect(p.invoice?.invoiceID).toBeTruthy();
      if (String(p.status) !== "AUTHORISED") continue;
      byInvoice.set(p.invoice!.invoiceID!, [...(byInvoice.get(p.invoice!.invoiceID!) ?? []), p]);
    }
    const ids = new Set(invoices.map((i) => i.invoiceID));
    for (const p of payments) expect(ids.has(p.invoice!.invoiceID)).toBe(true);
    for (const inv of invoices) {
      const mine = byInvoice.get(inv.invoiceID!) ?? [];
      expect(mine.map((p) => p.paymentID).sort()).toEqual((inv.payments ?? []).map((p) => p.paymentID).sort());
      expect(mine.reduce((s, p) => s + cents(p.amount), 0)).toBe(cents(inv.amountPaid));
      for (const p of mine) expect(p.invoice?.invoiceNumber).toBe(inv.invoiceNumber);
    }
    expect(payments.some((p) => String(p.status) === "DELETED")).toBe(true);
    expect(payments.every((p) => p.account?.code === "090" || p.account?.code === "091")).toBe(true);
  });

  it("seeds a tenant's counts.payments exactly, deterministically", async () => {
    const first = (await xero.accountingApi.getPayments(smallId)).body.payments ?? [];
    expect(first.length).toBe(40);
    const counts = (await ctl<{ tenantId: string; counts: Record<string, number> }[]>(sim, "GET", "/__sim/tenants")).find((t) => t.tenantId === smallId)!.counts;
    expect(counts.payments).toBe(40);
    const invoices = await allInvoices(smallId);
    const paid = invoices.reduce((s, i) => s + (i.payments?.length ?? 0), 0);
    expect(paid).toBe(first.filter((p) => String(p.status) === "AUTHORISED").length);
    for (const i of invoices) if (String(i.status) === "PAID") expect(cents(i.amountPaid) + cents(i.amountCredited)).toBe(cents(i.total));
    // Same seed, same data: a second simulator answers the same JSON.
    const other = await start({ limits: false, tenants: [{ name: "Payments Ltd (UK)", invoices: 600 }, { name: "Few Payments (NZ)", invoices: 200, counts: { payments: 40 } }] });
    try {
      // Only the newest UpdatedDateUTCs differ: they are capped at a minute before each start.
      const stable = (rows: PaymentState[]) => rows.map(({ updatedDateUtc: _u, ...rest }) => rest);
      const a = await ctl<PaymentState[]>(sim, "GET", `/__sim/state?tenantId=${smallId}&entity=payments`);
      const b = await ctl<PaymentState[]>(other, "GET", `/__sim/state?tenantId=${smallId}&entity=payments`);
      expect(stable(b)).toEqual(stable(a));
    } finally {
      await other.close();
    }
  });

  it("pages with pagination, and If-Modified-Since is inclusive at whole seconds", async () => {
    const all = (await xero.accountingApi.getPayments(tenantId)).body.payments ?? [];
    const p1 = await xero.accountingApi.getPayments(tenantId, undefined, undefined, undefined, 1, 100);
    expect(p1.body.payments).toHaveLength(100);
    expect(p1.body.pagination).toMatchObject({ page: 1, pageSize: 100, itemCount: all.length, pageCount: Math.ceil(all.length / 100) });
    const last = all.at(-50)!;
    const at = last.updatedDateUTC as unknown as Date;
    const since = new Date(Math.floor(at.getTime() / 1000) * 1000 + 999);
    const newer = (await xero.accountingApi.getPayments(tenantId, since)).body.payments ?? [];
    expect(newer.map((p) => p.paymentID)).toContain(last.paymentID);
    for (const p of newer) expect((p.updatedDateUTC as unknown as Date).getTime()).toBeGreaterThanOrEqual(Math.floor(at.getTime() / 1000) * 1000);
    const where = (await xero.accountingApi.getPayments(tenantId, undefined, 'Status=="DELETED"')).body.payments ?? [];
    expect(where.length).toBe(all.filter((p) => String(p.status) === "DELETED").length);
    const one = await xero.accountingApi.getPayment(tenantId, last.paymentID!);
    expect(one.body.payments?.[0]?.paymentID).toBe(last.paymentID);
  });

  it("create pays an invoice; delete reopens it; both show in /Payments, the invoice and /__sim/state", async () => {
    const { changes } = await ctl<{ changes: { entity: string; id: string; kind: string; status: string }[] }>(sim, "POST", "/__sim/mutate", { tenantId, entity: "payments", count: 2, kinds: ["create"] });
    const created = changes.filter((c) => c.entity === "payments");
    expect(created).toHaveLength(2);
    const state = await ctl<PaymentState[]>(sim, "GET", `/__sim/state?tenantId=${tenantId}&entity=payments`);
    for (const c of created) {
      const row = state.find((s) => s.id === c.id)!;
      const inv = (await xero.accountingApi.getInvoice(tenantId, row.invoiceId)).body.invoices![0]!;
      expect(inv.payments?.map((p) => p.paymentID)).toContain(c.id);
    }
    const del = await ctl<{ changes: { entity: string; id: string; status: string }[] }>(sim, "POST", "/__sim/mutate", { tenantId, entity: "payments", count: 1, kinds: ["delete"] });
    const gone = del.changes.find((c) => c.entity === "payments")!;
    expect(gone.status).toBe("DELETED");
    const invChange = del.changes.find((c) => c.entity === "invoices")!;
    const inv = (await xero.accountingApi.getInvoice(tenantId, invChange.id)).body.invoices![0]!;
    expect(String(inv.status)).toBe("AUTHORISED");
    expect(inv.payments?.map((p) => p.paymentID) ?? []).not.toContain(gone.id);
    const listed = (await xero.accountingApi.getPayment(tenantId, gone.id)).body.payments![0]!;
    expect(String(listed.status)).toBe("DELETED");
  });
});
