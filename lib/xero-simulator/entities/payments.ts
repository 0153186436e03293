/**
 * Payments (GET /Payments): the payments of the organisation's invoices. The records are the very
 * PaymentRec objects the invoices carry, so an invoice's Payments / AmountPaid and /Payments always
 * agree. A deleted payment stays listed with Status DELETED and leaves its invoice (which reopens:
 * PAID → AUTHORISED). Reconciled payments cannot be deleted, as in Xero.
 */
import { type InvoiceRec, type PaymentRec, type Tenant, addPayment, amountDue, settle } from "../data";
import { DAY_MS, dayOf, dayString, money, moneyString, msDate, msDay } from "../format";
import { hashString, int, mix } from "../prng";
import { type ChartAccount, accountId, bankAccounts } from "./chart";
import { addRecord, change, store } from "./store";
import { defineEntity } from "./define";
import type { Change } from "./types";

const SHARE_DELETED = 0.01;

/** Derived, stable facts of a payment (not stored): its bank account and whether it is reconciled. */
function traits(t: Tenant, p: PaymentRec) {
  const h = mix(hashString(p.id), t.seed, 0x9a7);
  const banks = bankAccounts(t);
  const bank = banks[h % 10 === 0 ? 1 : 0] ?? banks[0]!;
  // Most payments have been matched to a bank statement line (and so can no longer be deleted).
  const reconciled = p.status === "AUTHORISED" && (h >>> 8) % 100 < 80;
  return { bank, reconciled };
}

/** The BANK account the payment went through (the journals post to it). */
export function paymentBank(t: Tenant, p: PaymentRec): ChartAccount {
  return traits(t, p).bank;
}

function invoiceOf(t: Tenant, p: PaymentRec): InvoiceRec | undefined {
  return t.invoiceById.get(p.invoiceId);
}

/** Detaches a payment from its invoice (delete, or seeding fewer payments than the invoices had). */
function detach(inv: InvoiceRec, p: PaymentRec): void {
  inv.payments = (inv.payments ?? []).filter((x) => x !== p);
  if (inv.payments.length === 0) inv.payments = null;
  inv.paid -= p.cents;
  settle(inv);
}

function payable(inv: InvoiceRec): boolean {
  return inv.status === "AUTHORISED" && amountDue(inv) > 1;
}

export const payments = defineEntity<PaymentRec>({
  name: "payments",
  endpoint: "Payments",
  scopes: ["accounting.transactions", "accounting.transactions.read", "accounting.payments", "accounting.payments.read"],
  paging: "paged",

  defaultCount(t) {
    let n = 0;
    for (const inv of t.invoices) n += inv.payments?.length ?? 0;
    return n + Math.round(n * SHARE_DELETED);
  },

  generate(t, r, count, anchorMs) {
    const list: PaymentRec[] = [];
    for (const inv of t.invoices) {
      for (const p of inv.payments ?? []) {
        p.invoiceId = inv.id;
        p.status = "AUTHORISED";
        list.push(p);
      }
    }
    const deleted = Math.min(count, Math.round(count * SHARE_DELETED / (1 + SHARE_DELETED)));
    const live = count - deleted;
    // Fewer than the invoices were generated with: take some off (those invoices reopen).
    while (list.length > live) {
      const i = Math.floor(r() * list.length);
      const p = list[i]!;
      list[i] = list[list.length - 1]!;
      list.pop();
      const inv = invoiceOf(t, p);
      if (inv) detach(inv, p);
    }
    const maxMs = anchorMs - 60_000;
    const today = dayOf(anchorMs);
    const open = t.invoices.filter(payable);
    // More: part-payments on open invoices, then payments deleted later (not on any invoice).
    while (list.length < live && open.length) {
      const k = Math.floor(r() * open.length);
      const inv = open[k]!;
      const day = Math.min(today - 1, inv.dateDay + int(r, 0, 30));
      const ms = Math.min(maxMs, day * DAY_MS + int(r, 9, 18) * 3_600_000);
      const due = amountDue(inv);
      list.push(addPayment(inv, r, Math.max(1, Math.floor(due * (0.2 + r() * 0.5))), day, ms));
      inv.updatedMs = Math.max(inv.updatedMs, ms);
      if (!payable(inv)) {
        open[k] = open[open.length - 1]!;
        open.pop();
      }
    }
    const pool = t.invoices.filter((i) => i.status === "AUTHORISED" || i.status === "PAID");
    for (let n = 0; n < deleted && pool.length; n++) {
      const inv = pool[Math.floor(r() * pool.length)]!;
      const day = Math.min(today - 1, inv.dateDay + int(r, 0, 20));
      const made = Math.min(maxMs, day * DAY_MS + int(r, 9, 18) * 3_600_000);
      const p = addPayment(inv, r, Math.max(1, Math.floor(inv.total * (0.3 + r() * 0.7))), day, Math.min(maxMs, made + int(r, 1, 5) * DAY_MS));
      detach(inv, p);
      p.status = "DELETED";
      list.push(p);
    }
    return list;
  },

  relink(t) {
    // The state file holds the invoices' payments and this list separately: make them one object again.
    for (const inv of t.invoices) inv.payments = null;
    for (const p of store<PaymentRec>(t, "payments").list) {
      const inv = invoiceOf(t, p);
      if (inv && p.status === "AUTHORISED") inv.payments = [...(inv.payments ?? []), p];
    }
  },

  json(t, p) {
    const inv = invoiceOf(t, p);
    const c = inv ? t.contacts[inv.contact] : undefined;
    const { bank, reconciled } = traits(t, p);
    const rate = inv?.rate ?? 1;
    const out: Record<string, unknown> = {
      PaymentID: p.id,
      Date: msDay(p.day),
      BankAmount: money(Math.round(p.cents / rate)),
      Amount: money(p.cents),
      Reference: p.reference,
      CurrencyRate: rate,
      PaymentType: inv?.type === "ACCPAY" ? "ACCPAYPAYMENT" : "ACCRECPAYMENT",
      Status: p.status,
      UpdatedDateUTC: msDate(p.updatedMs),
      HasAccount: true,
      IsReconciled: reconciled,
      Account: { AccountID: accountId(t, bank.code), Code: bank.code },
    };
    if (inv) {
      out.Invoice = {
        Type: inv.type,
        InvoiceID: inv.id,
        InvoiceNumber: inv.number,
        Payments: [],
        CreditNotes: [],
        Prepayments: [],
        Overpayments: [],
        IsDiscounted: false,
        HasErrors: false,
        InvoiceAddresses: [],
        Contact: c ? { ContactID: c.id, Name: c.name, Addresses: [], Phones: [], ContactGroups: [], ContactPersons: [], HasValidationErrors: false } : undefined,
        DateString: dayString(inv.dateDay),
        Date: msDay(inv.dateDay),
        LineItems: [],
        CurrencyCode: inv.currency,
      };
    }
    out.HasValidationErrors = false;
    return out;
  },

  fields: {
    paymentid: (_t, p) => p.id,
    date: (_t, p) => p.day * DAY_MS,
    amount: (_t, p) => p.cents / 100,
    reference: (_t, p) => p.reference,
    status: (_t, p) => p.status,
    paymenttype: (t, p) => (invoiceOf(t, p)?.type === "ACCPAY" ? "ACCPAYPAYMENT" : "ACCRECPAYMENT"),
    isreconciled: (t, p) => traits(t, p).reconciled,
    updateddateutc: (_t, p) => p.updatedMs,
    "invoice.invoiceid": (_t, p) => p.invoiceId,
    "invoice.invoicenumber": (t, p) => invoiceOf(t, p)?.number ?? null,
    "invoice.contact.contactid": (t, p) => {
      const inv = invoiceOf(t, p);
      return inv ? (t.contacts[inv.contact]?.id ?? null) : null;
    },
    "account.accountid": (t, p) => accountId(t, traits(t, p).bank.code),
    "account.code": (t, p) => traits(t, p).bank.code,
  },

  mutations: ["create", "delete"],

  mutate(t, r, kind, nowMs, touched) {
    const iso = new Date(nowMs).toISOString();
    const invoiceChange = (inv: InvoiceRec): Change => ({ entity: "invoices", id: inv.id, kind: "payment", eventType: "UPDATE", status: inv.status, updatedDateUtc: iso });
    if (kind === "create") {
      let inv: InvoiceRec | undefined;
      for (let tries = 0; tries < 50 && !inv; tries++) {
        const c = t.invoices[Math.floor(r() * t.invoices.length)];
        if (c && !touched.has(c.id) && payable(c)) inv = c;
      }
      inv ??= t.invoices.find((c) => !touched.has(c.id) && payable(c));
      if (!inv) return [];
      const due = amountDue(inv);
      const p = addRecord(t, "payments", addPayment(inv, r, r() < 0.6 ? due : Math.max(1, Math.floor(due / 2)), dayOf(nowMs), nowMs));
      inv.updatedMs = nowMs;
      touched.add(p.id).add(inv.id);
      return [change("payments", p, kind, p.status, true), invoiceChange(inv)];
    }
    const list = store<PaymentRec>(t, "payments").list;
    const ok = (p: PaymentRec) => p.status === "AUTHORISED" && !touched.has(p.id) && !traits(t, p).reconciled && !touched.has(p.invoiceId);
    let p: PaymentRec | undefined;
    for (let tries = 0; tries < 50 && !p; tries++) {
      const c = list[Math.floor(r() * list.length)];
      if (c && ok(c)) p = c;
    }
    p ??= list.find(ok);
    if (!p) return [];
    const inv = invoiceOf(t, p);
    p.status = "DELETED";
    p.updatedMs = nowMs;
    touched.add(p.id);
    const out = [change("payments", p, kind, p.status)];
    if (inv) {
      detach(inv, p);
      inv.updatedMs = nowMs;
      touched.add(inv.id);
      out.push(invoiceChange(inv));
    }
    return out;
  },

  state(t, p) {
    const inv = invoiceOf(t, p);
    const { bank, reconciled } = traits(t, p);
    return {
      id: p.id,
      status: p.status,
      invoiceId: p.invoiceId,
      invoiceNumber: inv?.number ?? null,
      paymentType: inv?.type === "ACCPAY" ? "ACCPAYPAYMENT" : "ACCRECPAYMENT",
      date: new Date(p.day * DAY_MS).toISOString().slice(0, 10),
      amount: moneyString(p.cents),
      currencyRate: inv?.rate ?? 1,
      accountId: accountId(t, bank.code),
      accountCode: bank.code,
      isReconciled: reconciled,
      reference: p.reference,
      updatedDateUtc: new Date(p.updatedMs).toISOString(),
    };
  },
});

