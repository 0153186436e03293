/**
 * Bank transactions (GET /BankTransactions): money received or spent on one of the chart's BANK
 * accounts without an invoice (RECEIVE / SPEND), plus the transaction behind each overpayment and
 * prepayment (RECEIVE-OVERPAYMENT, SPEND-PREPAYMENT, … with its OverpaymentID / PrepaymentID and
 * the same lines and total). AUTHORISED, DELETED, and VOIDED on a few. Line items only when `page`
 * is sent. Reconciled transactions cannot be edited or deleted, as in Xero.
 */
import { type LineAmountTypes, type Tenant, applyTotals } from "../data";
import { DAY_MS, dayOf, dayString, money, moneyString, msDate, msDay } from "../format";
import { type Rng, int, mix, rng, uuid } from "../prng";
import { accountId, bankAccounts, chartAccount } from "./chart";
import { contactId, contactRef, dayFor, isoDay, lineItemsJson, pickEligible, updatedAfter } from "./common";
import type { CreditRec } from "./credits";
import { defineEntity } from "./define";
import { addRecord, change, store } from "./store";
import type { Change } from "./types";

export interface BankTransactionRec {
  id: string;
  seed: number;
  rev: number;
  /** RECEIVE (sales side lines) or SPEND (purchases side), and their -OVERPAYMENT / -PREPAYMENT forms. */
  type: string;
  status: "AUTHORISED" | "DELETED" | "VOIDED";
  /** Code of the BANK account (chart.ts). */
  bank: string;
  contact: number;
  currency: string;
  rate: number;
  lat: LineAmountTypes;
  dateDay: number;
  sub: number;
  tax: number;
  total: number;
  reconciled: boolean;
  reference: string;
  updatedMs: number;
  /** For -OVERPAYMENT / -PREPAYMENT: the credit it created. */
  credit?: { entity: "overpayments" | "prepayments"; id: string };
}

const SCOPES = ["accounting.transactions", "accounting.transactions.read", "accounting.banktransactions", "accounting.banktransactions.read"];

function side(type: string): "ACCREC" | "ACCPAY" {
  return type.startsWith("RECEIVE") ? "ACCREC" : "ACCPAY";
}

function lined(b: BankTransactionRec) {
  return { seed: b.seed, rev: b.rev, side: side(b.type), lat: b.lat };
}

function totals(t: Tenant, b: BankTransactionRec): void {
  const tot = { seed: b.seed, rev: b.rev, type: side(b.type), lat: b.lat, sub: 0, tax: 0, total: 0 };
  applyTotals(t, tot);
  b.sub = tot.sub;
  b.tax = tot.tax;
  b.total = tot.total;
}

function pickBank(t: Tenant, r: Rng): string {
  const banks = bankAccounts(t);
  return (r() < 0.85 ? banks[0] : banks[1] ?? banks[0])!.code;
}

function newTransaction(t: Tenant, r: Rng, type: string, dateDay: number, updatedMs: number): BankTransactionRec {
  const s = side(type);
  let contact = Math.floor(r() * t.contacts.length);
  for (let tries = 0; tries < 8; tries++) {
    const c = t.contacts[contact];
    if (c && (s === "ACCREC" ? c.isCustomer : c.isSupplier)) break;
    contact = Math.floor(r() * t.contacts.length);
  }
  const latRoll = r();
  const b: BankTransactionRec = {
    id: uuid(r),
    seed: Math.floor(r() * 2 ** 32),
    rev: 0,
    type,
    status: "AUTHORISED",
    bank: pickBank(t, r),
    contact,
    currency: t.profile.baseCurrency,
    rate: 1,
    lat: latRoll < 0.6 ? "Inclusive" : latRoll < 0.9 ? "Exclusive" : "NoTax",
    dateDay,
    sub: 0,
    tax: 0,
    total: 0,
    reconciled: false,
    reference: r() < 0.6 ? `${s === "ACCREC" ? "Deposit" : "Card"} ${int(r, 1000, 99999)}` : "",
    updatedMs,
  };
  totals(t, b);
  return b;
}

/** The bank transaction behind an overpayment or prepayment: same contact, lines, total, date. */
export function linkedTransaction(t: Tenant, entity: "overpayments" | "prepayments", c: CreditRec): BankTransactionRec {
  const r = rng(mix(c.seed, 0xb7));
  const suffix = entity === "overpayments" ? "-OVERPAYMENT" : "-PREPAYMENT";
  return {
    id: uuid(r),
    seed: c.seed,
    rev: c.rev,
    type: (c.side === "ACCREC" ? "RECEIVE" : "SPEND") + suffix,
    status: c.status === "VOIDED" ? "VOIDED" : "AUTHORISED",
    bank: pickBank(t, r),
    contact: c.contact,
    currency: c.currency,
    rate: c.rate,
    lat: c.lat,
    dateDay: c.dateDay,
    sub: c.sub,
    tax: c.tax,
    total: c.total,
    reconciled: r() < 0.8,
    reference: c.reference,
    updatedMs: c.updatedMs,
    credit: { entity, id: c.id },
  };
}

/** Adds the transaction for a credit created "now" (overpayments / prepayments mutations). */
export function addLinkedTransaction(t: Tenant, entity: "overpayments" | "prepayments", c: CreditRec): Change[] {
  const b = addRecord(t, "bankTransactions", linkedTransaction(t, entity, c));
  return [change("bankTransactions", b, "create", b.status, true)];
}

/** Voiding an overpayment or prepayment voids its bank transaction. */
export function voidLinkedTransaction(t: Tenant, c: CreditRec, nowMs: number): Change[] {
  const b = store<BankTransactionRec>(t, "bankTransactions").list.find((x) => x.credit?.id === c.id);
  if (!b) return [];
  b.status = "VOIDED";
  b.updatedMs = nowMs;
  return [change("bankTransactions", b, "void", b.status)];
}

export const bankTransactions = defineEntity<BankTransactionRec>({
  name: "bankTransactions",
  endpoint: "BankTransactions",
  scopes: SCOPES,
  paging: "paged",

  defaultCount: (t) => Math.round(t.invoices.length * 0.3),

  generate(t, r, count, anchorMs) {
    const list: BankTransactionRec[] = [];
    const today = dayOf(anchorMs);
    for (let i = 0; i < count; i++) {
      const day = dayFor(anchorMs, i, count, r);
      const b = newTransaction(t, r, r() < 0.35 ? "RECEIVE" : "SPEND", day, updatedAfter(day, anchorMs, r));
      const roll = r();
      if (roll < 0.03) b.status = "DELETED";
      else if (roll < 0.04) b.status = "VOIDED";
      else b.reconciled = today - day > 10 && r() < 0.9;
      list.push(b);
    }
    for (const entity of ["overpayments", "prepayments"] as const) {
      for (const c of store<CreditRec>(t, entity).list) list.push(linkedTransaction(t, entity, c));
    }
    return list;
  },

  json(t, b, { paged }) {
    const bank = chartAccount(t, b.bank);
    const out: Record<string, unknown> = {
      BankTransactionID: b.id,
      BankAccount: { AccountID: accountId(t, b.bank), Code: b.bank, Name: bank?.name ?? "" },
      Type: b.type,
      Reference: b.reference,
      IsReconciled: b.reconciled,
      HasAttachments: false,
      Contact: contactRef(t, b.contact),
      DateString: dayString(b.dateDay),
      Date: msDay(b.dateDay),
      Status: b.status,
      LineAmountTypes: b.lat,
    };
    if (paged) out.LineItems = lineItemsJson(t, lined(b));
    out.SubTotal = money(b.sub);
    out.TotalTax = money(b.tax);
    out.Total = money(b.total);
    out.UpdatedDateUTC = msDate(b.updatedMs);
    out.CurrencyCode = b.currency;
    if (b.currency !== t.profile.baseCurrency) out.CurrencyRate = b.rate;
    if (b.credit) out[b.credit.entity === "overpayments" ? "OverpaymentID" : "PrepaymentID"] = b.credit.id;
    return out;
  },

  fields: {
    banktransactionid: (_t, b) => b.id,
    type: (_t, b) => b.type,
    status: (_t, b) => b.status,
    reference: (_t, b) => b.reference,
    isreconciled: (_t, b) => b.reconciled,
    date: (_t, b) => b.dateDay * DAY_MS,
    updateddateutc: (_t, b) => b.updatedMs,
    subtotal: (_t, b) => b.sub / 100,
    totaltax: (_t, b) => b.tax / 100,
    total: (_t, b) => b.total / 100,
    currencycode: (_t, b) => b.currency,
    "bankaccount.accountid": (t, b) => accountId(t, b.bank),
    "bankaccount.code": (_t, b) => b.bank,
    "contact.contactid": (t, b) => contactId(t, b.contact),
    "contact.name": (t, b) => t.contacts[b.contact]?.name ?? null,
  },

  filters(q) {
    const refs = q.get("References");
    if (!refs) return [];
    const set = new Set(refs.split(",").map((x) => x.trim()));
    return [(b) => set.has(b.reference)];
  },

  mutations: ["create", "edit", "reconcile", "delete"],

  mutate(t, r, kind, nowMs, touched) {
    const list = store<BankTransactionRec>(t, "bankTransactions").list;
    if (kind === "create") {
      const b = addRecord(t, "bankTransactions", newTransaction(t, r, r() < 0.35 ? "RECEIVE" : "SPEND", dayOf(nowMs), nowMs));
      touched.add(b.id);
      return [change("bankTransactions", b, kind, b.status, true)];
    }
    // Transactions behind an overpayment or prepayment change only with it.
    const editable = (b: BankTransactionRec) => b.status === "AUTHORISED" && !b.reconciled && !b.credit;
    const b = pickEligible(r, list, editable, touched);
    if (!b) return [];
    touched.add(b.id);
    if (kind === "edit") {
      b.rev++;
      b.reference = `Edited ${int(r, 1000, 99999)}`;
      totals(t, b);
    } else if (kind === "reconcile") b.reconciled = true;
    else b.status = "DELETED";
    b.updatedMs = nowMs;
    return [change("bankTransactions", b, kind, b.status)];
  },

  state(t, b) {
    return {
      id: b.id,
      type: b.type,
      status: b.status,
      bankAccountId: accountId(t, b.bank),
      bankAccountCode: b.bank,
      contactId: contactId(t, b.contact),
      currency: b.currency,
      currencyRate: b.rate,
      lineAmountTypes: b.lat,
      date: isoDay(b.dateDay),
      subTotal: moneyString(b.sub),
      totalTax: moneyString(b.tax),
      total: moneyString(b.total),
      isReconciled: b.reconciled,
      reference: b.reference,
      overpaymentId: b.credit?.entity === "overpayments" ? b.credit.id : null,
      prepaymentId: b.credit?.entity === "prepayments" ? b.credit.id : null,
      updatedDateUtc: new Date(b.updatedMs).toISOString(),
    };
  },
});
