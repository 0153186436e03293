/**
 * Purchase orders (GET /PurchaseOrders): orders to suppliers, DRAFT → SUBMITTED → AUTHORISED →
 * BILLED, or DELETED. The endpoint has no `where` (a sent one is ignored): it filters by `status`
 * (one status), `DateFrom` and `DateTo` (YYYY-MM-DD, inclusive) instead. Line items come with
 * every answer.
 */
import { type LineAmountTypes, type Tenant, applyTotals } from "../data";
import { DAY_MS, dayOf, dayString, money, moneyString, msDate, msDay } from "../format";
import { type Rng, int, pick, uuid } from "../prng";
import { contactId, contactRef, dayFor, isoDay, lineItemsJson, pickEligible, updatedAfter } from "./common";
import { defineEntity } from "./define";
import { addRecord, change, store } from "./store";
import type { QueryParams } from "./types";

export interface PurchaseOrderRec {
  id: string;
  seed: number;
  rev: number;
  status: "DRAFT" | "SUBMITTED" | "AUTHORISED" | "BILLED" | "DELETED";
  number: string;
  reference: string;
  contact: number;
  currency: string;
  rate: number;
  lat: LineAmountTypes;
  dateDay: number;
  deliveryDay: number;
  sub: number;
  tax: number;
  total: number;
  updatedMs: number;
}

const STATUSES = ["DRAFT", "SUBMITTED", "AUTHORISED", "BILLED", "DELETED"];

function totals(t: Tenant, p: PurchaseOrderRec): void {
  const tot = { seed: p.seed, rev: p.rev, type: "ACCPAY" as const, lat: p.lat, sub: 0, tax: 0, total: 0 };
  applyTotals(t, tot);
  p.sub = tot.sub;
  p.tax = tot.tax;
  p.total = tot.total;
}

function newOrder(t: Tenant, r: Rng, status: PurchaseOrderRec["status"], dateDay: number, updatedMs: number): PurchaseOrderRec {
  let contact = Math.floor(r() * t.contacts.length);
  for (let tries = 0; tries < 8 && !t.contacts[contact]?.isSupplier; tries++) contact = Math.floor(r() * t.contacts.length);
  const currency = t.contacts[contact]?.currency ?? t.profile.baseCurrency;
  const foreign = t.profile.foreign.find((f) => f.code === currency);
  t.counters.purchaseOrders = (t.counters.purchaseOrders ?? 0) + 1;
  const p: PurchaseOrderRec = {
    id: uuid(r),
    seed: Math.floor(r() * 2 ** 32),
    rev: 0,
    status,
    number: `PO-${String(t.counters.purchaseOrders).padStart(4, "0")}`,
    reference: r() < 0.4 ? `REQ-${int(r, 100, 9999)}` : "",
    contact,
    currency,
    rate: foreign ? Math.round(foreign.rate * (1 + (r() - 0.5) * 0.04) * 10000) / 10000 : 1,
    lat: r() < 0.8 ? "Exclusive" : "Inclusive",
    dateDay,
    deliveryDay: dateDay + pick(r, [3, 7, 14, 21]),
    sub: 0,
    tax: 0,
    total: 0,
    updatedMs,
  };
  totals(t, p);
  return p;
}

function parseDay(q: QueryParams, name: string): number | null {
  const v = q.get(name);
  if (v === null || v.trim() === "") return null;
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(v.trim());
  const ms = m ? Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) : Number.NaN;
  if (Number.isNaN(ms)) throw q.invalid(`${name} must be a date (YYYY-MM-DD)`);
  return Math.floor(ms / DAY_MS);
}

export const purchaseOrders = defineEntity<PurchaseOrderRec>({
  name: "purchaseOrders",
  endpoint: "PurchaseOrders",
  scopes: ["accounting.transactions", "accounting.transactions.read", "accounting.invoices", "accounting.invoices.read"],
  paging: "paged",
  where: false,

  defaultCount: (t) => (t.invoices.length ? Math.max(2, Math.round(t.invoices.length * 0.02)) : 0),

  generate(t, r, count, anchorMs) {
    const list: PurchaseOrderRec[] = [];
    const today = dayOf(anchorMs);
    for (let i = 0; i < count; i++) {
      const day = dayFor(anchorMs, i, count, r);
      const roll = r();
      const status = today - day < 30 ? (roll < 0.3 ? "DRAFT" : roll < 0.45 ? "SUBMITTED" : roll < 0.9 ? "AUTHORISED" : "BILLED") : roll < 0.05 ? "AUTHORISED" : roll < 0.92 ? "BILLED" : "DELETED";
      list.push(newOrder(t, r, status, day, updatedAfter(day, anchorMs, r)));
    }
    return list;
  },

  json(t, p) {
    return {
      PurchaseOrderID: p.id,
      PurchaseOrderNumber: p.number,
      DateString: dayString(p.dateDay),
      Date: msDay(p.dateDay),
      DeliveryDateString: dayString(p.deliveryDay),
      DeliveryDate: msDay(p.deliveryDay),
      DeliveryAddress: `${t.profile.city} ${t.profile.postalCode}`,
      AttentionTo: "",
      Telephone: "",
      DeliveryInstructions: "",
      Reference: p.reference,
      CurrencyRate: p.rate,
      CurrencyCode: p.currency,
      Contact: contactRef(t, p.contact),
      Status: p.status,
      LineAmountTypes: p.lat,
      LineItems: lineItemsJson(t, { seed: p.seed, rev: p.rev, side: "ACCPAY", lat: p.lat }),
      SubTotal: money(p.sub),
      TotalTax: money(p.tax),
      Total: money(p.total),
      UpdatedDateUTC: msDate(p.updatedMs),
      HasAttachments: false,
      SentToContact: p.status !== "DRAFT",
    };
  },

  fields: {
    purchaseorderid: (_t, p) => p.id,
    purchaseordernumber: (_t, p) => p.number,
    reference: (_t, p) => p.reference,
    status: (_t, p) => p.status,
    date: (_t, p) => p.dateDay * DAY_MS,
    deliverydate: (_t, p) => p.deliveryDay * DAY_MS,
    updateddateutc: (_t, p) => p.updatedMs,
    subtotal: (_t, p) => p.sub / 100,
    totaltax: (_t, p) => p.tax / 100,
    total: (_t, p) => p.total / 100,
    currencycode: (_t, p) => p.currency,
    "contact.contactid": (t, p) => contactId(t, p.contact),
    "contact.name": (t, p) => t.contacts[p.contact]?.name ?? null,
  },

  filters(q) {
    const out: ((p: PurchaseOrderRec) => boolean)[] = [];
    const status = q.get("status");
    if (status) {
      const s = status.trim().toUpperCase();
      if (!STATUSES.includes(s)) throw q.invalid(`status must be one of ${STATUSES.join(", ")}`);
      out.push((p) => p.status === s);
    }
    const from = parseDay(q, "DateFrom");
    const to = parseDay(q, "DateTo");
    if (from !== null) out.push((p) => p.dateDay >= from);
    if (to !== null) out.push((p) => p.dateDay <= to);
    return out;
  },

  lookup: (t, ref) => store<PurchaseOrderRec>(t, "purchaseOrders").list.find((p) => p.number === ref),

  mutations: ["create", "edit", "submit", "authorise", "bill", "delete"],

  mutate(t, r, kind, nowMs, touched) {
    if (kind === "create") {
      const p = addRecord(t, "purchaseOrders", newOrder(t, r, r() < 0.5 ? "DRAFT" : "AUTHORISED", dayOf(nowMs), nowMs));
      touched.add(p.id);
      return [change("purchaseOrders", p, kind, p.status, true)];
    }
    const can: Record<string, (p: PurchaseOrderRec) => boolean> = {
      edit: (p) => p.status === "DRAFT" || p.status === "SUBMITTED" || p.status === "AUTHORISED",
      submit: (p) => p.status === "DRAFT",
      authorise: (p) => p.status === "DRAFT" || p.status === "SUBMITTED",
      bill: (p) => p.status === "AUTHORISED",
      delete: (p) => p.status === "DRAFT" || p.status === "SUBMITTED" || p.status === "AUTHORISED",
    };
    const ok = can[kind];
    const p = ok ? pickEligible(r, store<PurchaseOrderRec>(t, "purchaseOrders").list, ok, touched) : undefined;
    if (!p) return [];
    touched.add(p.id);
    if (kind === "edit") {
      p.rev++;
      p.reference = `REQ-${int(r, 100, 9999)}`;
      totals(t, p);
    } else p.status = kind === "submit" ? "SUBMITTED" : kind === "authorise" ? "AUTHORISED" : kind === "bill" ? "BILLED" : "DELETED";
    p.updatedMs = nowMs;
    return [change("purchaseOrders", p, kind, p.status)];
  },

  state(t, p) {
    return {
      id: p.id,
      number: p.number,
      status: p.status,
      contactId: contactId(t, p.contact),
      currency: p.currency,
      currencyRate: p.rate,
      lineAmountTypes: p.lat,
      date: isoDay(p.dateDay),
      deliveryDate: isoDay(p.deliveryDay),
      subTotal: moneyString(p.sub),
      totalTax: moneyString(p.tax),
      total: moneyString(p.total),
      updatedDateUtc: new Date(p.updatedMs).toISOString(),
    };
  },
});
