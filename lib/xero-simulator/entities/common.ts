/** Pieces the document fixtures share: line items, contact and invoice references, allocations, picking. */
import { type CreditRef, type InvoiceRec, type LineAmountTypes, type Tenant, amountDue, invoiceLines, settle } from "../data";
import { DAY_MS, money, msDay } from "../format";
import type { Rng } from "../prng";

/** A document whose line items derive from (seed, rev): sales side ("ACCREC") or purchases ("ACCPAY"). */
export interface LinedDoc {
  seed: number;
  rev: number;
  side: "ACCREC" | "ACCPAY";
  lat: LineAmountTypes;
}

export function lineItemsJson(t: Tenant, doc: LinedDoc): Record<string, unknown>[] {
  return invoiceLines(t, { seed: doc.seed, rev: doc.rev, type: doc.side, lat: doc.lat }).map((l) => ({
    ItemCode: l.ItemCode,
    Description: l.Description,
    UnitAmount: money(l.UnitAmount),
    TaxType: l.TaxType,
    TaxAmount: money(l.TaxAmount),
    LineAmount: money(l.LineAmount),
    AccountCode: l.AccountCode,
    Tracking: [],
    Quantity: l.Quantity,
    LineItemID: l.LineItemID,
  }));
}

/** The Contact block list answers carry. */
export function contactRef(t: Tenant, index: number): Record<string, unknown> | undefined {
  const c = t.contacts[index];
  return c ? { ContactID: c.id, Name: c.name, Addresses: [], Phones: [], ContactGroups: [], ContactPersons: [], HasValidationErrors: false } : undefined;
}

export function contactId(t: Tenant, index: number): string | null {
  return t.contacts[index]?.id ?? null;
}

/** The Invoice block inside an allocation. */
export function invoiceRef(inv: InvoiceRec): Record<string, unknown> {
  return {
    InvoiceID: inv.id,
    InvoiceNumber: inv.number,
    Payments: [],
    CreditNotes: [],
    Prepayments: [],
    Overpayments: [],
    HasErrors: false,
    IsDiscounted: false,
    InvoiceAddresses: [],
    LineItems: [],
  };
}

/** An allocation as a credit (credit note, overpayment, prepayment) stores it. */
export interface AllocRec {
  id: string;
  invoiceId: string;
  cents: number;
  day: number;
}

export function allocationsJson(t: Tenant, allocs: AllocRec[] | null): Record<string, unknown>[] {
  return (allocs ?? []).map((a) => {
    const inv = t.invoiceById.get(a.invoiceId);
    return { AllocationID: a.id, Amount: money(a.cents), Date: msDay(a.day), Invoice: inv ? invoiceRef(inv) : { InvoiceID: a.invoiceId }, IsDeleted: false };
  });
}

/** Records an allocation on both sides: the credit's list and the invoice's AmountCredited / credits. */
export function allocate(inv: InvoiceRec, credit: { id: string; allocs: AllocRec[] | null }, entity: string, alloc: AllocRec): void {
  credit.allocs = [...(credit.allocs ?? []), alloc];
  const ref: CreditRef = { entity, id: credit.id, allocationId: alloc.id, cents: alloc.cents, day: alloc.day };
  inv.credits = [...(inv.credits ?? []), ref];
  inv.credited += alloc.cents;
  settle(inv);
}

export function allocated(allocs: AllocRec[] | null): number {
  let n = 0;
  for (const a of allocs ?? []) n += a.cents;
  return n;
}

/** Invoices a credit of this side and currency could be allocated to (open, something due). */
export function openInvoices(t: Tenant, side: "ACCREC" | "ACCPAY"): InvoiceRec[] {
  return t.invoices.filter((i) => i.type === side && i.status === "AUTHORISED" && amountDue(i) > 100);
}

/** A random eligible record not touched yet in this mutation call (probing, then a scan). */
export function pickEligible<T extends { id: string }>(r: Rng, list: readonly T[], ok: (x: T) => boolean, touched: Set<string>): T | undefined {
  for (let tries = 0; tries < 50; tries++) {
    const c = list[Math.floor(r() * list.length)];
    if (c && !touched.has(c.id) && ok(c)) return c;
  }
  return list.find((c) => !touched.has(c.id) && ok(c));
}

export function isoDay(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

/** Spreads `count` documents over the last two years, ascending (like the invoices). */
export function dayFor(anchorMs: number, i: number, count: number, r: Rng): number {
  const today = Math.floor(anchorMs / DAY_MS);
  return today - 720 + Math.floor((720 * (i + r())) / Math.max(1, count));
}

/** An UpdatedDateUTC a little after the document's date, before `anchorMs`. */
export function updatedAfter(day: number, anchorMs: number, r: Rng): number {
  return Math.min(anchorMs - 60_000, day * DAY_MS + Math.floor(r() * 3 * DAY_MS) + 8 * 3_600_000);
}
