/**
 * What credit notes, overpayments and prepayments share: a document with line items, a contact,
 * a currency and a total that can be allocated to that contact's open invoices (Allocations here,
 * AmountCredited and CreditNotes / Overpayments / Prepayments on the invoice). Fully allocated, it
 * is PAID. Each fixture file configures one.
 */
import { type InvoiceRec, type LineAmountTypes, type Tenant, amountDue, applyTotals } from "../data";
import { DAY_MS, dayOf, dayString, money, moneyString, msDate, msDay } from "../format";
import { type Rng, int, pick, uuid } from "../prng";
import { type AllocRec, allocate, allocated, allocationsJson, contactId, contactRef, dayFor, isoDay, lineItemsJson, openInvoices, pickEligible, updatedAfter } from "./common";
import { defineEntity } from "./define";
import { addRecord, change, store } from "./store";
import type { Change, FieldValue, SimEntity } from "./types";

export interface CreditRec {
  id: string;
  seed: number;
  rev: number;
  /** Sales side (customer credit) or purchases side (supplier credit). */
  side: "ACCREC" | "ACCPAY";
  status: string;
  /** CreditNoteNumber (credit notes only; "" otherwise). */
  number: string;
  reference: string;
  contact: number;
  currency: string;
  rate: number;
  lat: LineAmountTypes;
  dateDay: number;
  sub: number;
  tax: number;
  total: number;
  allocs: AllocRec[] | null;
  updatedMs: number;
}

export interface CreditConfig {
  name: string;
  endpoint: string;
  /** CreditNoteID, OverpaymentID, PrepaymentID. */
  idKey: string;
  /** Xero's Type for each side. */
  type: Record<"ACCREC" | "ACCPAY", string>;
  scopes: string[];
  /** Records per invoice by default. */
  perInvoice: number;
  /** At least this many by default when the organisation has invoices (rare kinds still show in a demo). */
  minimum?: number;
  /** Line items only when `page` is sent (credit notes), or always (overpayments, prepayments). */
  linesOnlyPaged: boolean;
  /** Credit notes go through DRAFT / SUBMITTED and can be deleted; over- and prepayments are born AUTHORISED. */
  drafts: boolean;
  /** A number for a new record (credit notes), or "". */
  number(t: Tenant, side: "ACCREC" | "ACCPAY", r: Rng): string;
  /** Extra JSON fields for this kind (SentToContact, …). */
  extra?(t: Tenant, rec: CreditRec, paged: boolean): Record<string, unknown>;
  /** After a mutation created or voided a record: related changes (the bank transaction behind an overpayment). */
  created?(t: Tenant, rec: CreditRec): Change[];
  voided?(t: Tenant, rec: CreditRec, nowMs: number): Change[];
  webhooks?: { eventCategory: string };
}

function remaining(c: CreditRec): number {
  return c.status === "VOIDED" || c.status === "DELETED" || c.status === "DRAFT" || c.status === "SUBMITTED" ? 0 : c.total - allocated(c.allocs);
}

function totals(t: Tenant, c: CreditRec): void {
  const tot = { seed: c.seed, rev: c.rev, type: c.side, lat: c.lat, sub: 0, tax: 0, total: 0 };
  applyTotals(t, tot);
  c.sub = tot.sub;
  c.tax = tot.tax;
  c.total = tot.total;
}

function contactFor(t: Tenant, r: Rng, side: "ACCREC" | "ACCPAY"): number {
  for (let tries = 0; tries < 8; tries++) {
    const i = Math.floor(r() * t.contacts.length);
    const c = t.contacts[i];
    if (c && (side === "ACCREC" ? c.isCustomer : c.isSupplier)) return i;
  }
  return Math.floor(r() * t.contacts.length);
}

function newCredit(t: Tenant, cfg: CreditConfig, r: Rng, side: "ACCREC" | "ACCPAY", status: string, dateDay: number, updatedMs: number, inv?: InvoiceRec): CreditRec {
  const contact = inv ? inv.contact : contactFor(t, r, side);
  const currency = inv?.currency ?? t.contacts[contact]?.currency ?? t.profile.baseCurrency;
  const foreign = t.profile.foreign.find((f) => f.code === currency);
  const latRoll = r();
  const c: CreditRec = {
    id: uuid(r),
    seed: Math.floor(r() * 2 ** 32),
    rev: 0,
    side,
    status,
    number: cfg.number(t, side, r),
    reference: r() < 0.5 ? `Credit ${int(r, 100, 9999)}` : "",
    contact,
    currency,
    rate: inv?.rate ?? (foreign ? Math.round(foreign.rate * (1 + (r() - 0.5) * 0.04) * 10000) / 10000 : 1),
    lat: cfg.drafts ? (latRoll < 0.7 ? "Exclusive" : latRoll < 0.9 ? "Inclusive" : "NoTax") : latRoll < 0.5 ? "Inclusive" : "NoTax",
    dateDay,
    sub: 0,
    tax: 0,
    total: 0,
    allocs: null,
    updatedMs,
  };
  totals(t, c);
  return c;
}

/** Allocates what it can of `c` to `inv` on `day` (ms = when); the credit is PAID once nothing remains. */
function allocateTo(t: Tenant, cfg: CreditConfig, r: Rng, c: CreditRec, inv: InvoiceRec, day: number, ms: number): void {
  const cents = Math.min(remaining(c), amountDue(inv));
  if (cents <= 0) return;
  allocate(inv, c, cfg.name, { id: uuid(r), invoiceId: inv.id, cents, day });
  if (remaining(c) === 0) c.status = "PAID";
  inv.updatedMs = Math.max(inv.updatedMs, ms);
}

export function creditFixture(cfg: CreditConfig): SimEntity {
  const fields: Record<string, (t: Tenant, c: CreditRec) => FieldValue> = {
    [cfg.idKey.toLowerCase()]: (_t, c) => c.id,
    type: (_t, c) => cfg.type[c.side],
    status: (_t, c) => c.status,
    reference: (_t, c) => c.reference,
    date: (_t, c) => c.dateDay * DAY_MS,
    updateddateutc: (_t, c) => c.updatedMs,
    subtotal: (_t, c) => c.sub / 100,
    totaltax: (_t, c) => c.tax / 100,
    total: (_t, c) => c.total / 100,
    remainingcredit: (_t, c) => remaining(c) / 100,
    currencycode: (_t, c) => c.currency,
    "contact.contactid": (t, c) => contactId(t, c.contact),
    "contact.name": (t, c) => t.contacts[c.contact]?.name ?? null,
  };
  if (cfg.drafts) fields.creditnotenumber = (_t, c) => c.number;

  const mutations = cfg.drafts ? ["create", "edit", "authorise", "allocate", "void", "delete"] : ["create", "allocate", "void"];

  return defineEntity<CreditRec>({
    name: cfg.name,
    endpoint: cfg.endpoint,
    scopes: cfg.scopes,
    paging: "paged",
    ...(cfg.webhooks ? { webhooks: cfg.webhooks } : {}),

    defaultCount: (t) => (t.invoices.length ? Math.max(cfg.minimum ?? 0, Math.round(t.invoices.length * cfg.perInvoice)) : 0),

    generate(t, r, count, anchorMs) {
      const list: CreditRec[] = [];
      const today = dayOf(anchorMs);
      const open = { ACCREC: openInvoices(t, "ACCREC"), ACCPAY: openInvoices(t, "ACCPAY") };
      for (let i = 0; i < count; i++) {
        const side = r() < 0.72 ? "ACCREC" : "ACCPAY";
        let day = dayFor(anchorMs, i, count, r);
        const roll = r();
        let status = "AUTHORISED";
        if (cfg.drafts) {
          if (today - day < 45) status = roll < 0.15 ? "DRAFT" : roll < 0.2 ? "SUBMITTED" : "AUTHORISED";
          else status = roll < 0.02 ? "DRAFT" : roll < 0.9 ? "AUTHORISED" : roll < 0.95 ? "VOIDED" : "DELETED";
        } else if (roll > 0.96) status = "VOIDED";
        // Most authorised credits were applied to one of the contact's open invoices.
        const pool = open[side];
        let inv: InvoiceRec | undefined;
        let k = -1;
        if (status === "AUTHORISED" && r() < 0.65 && pool.length) {
          k = Math.floor(r() * pool.length);
          inv = pool[k];
          if (inv) day = Math.min(today - 1, Math.max(day, inv.dateDay));
        }
        const c = newCredit(t, cfg, r, side, status, day, updatedAfter(day, anchorMs, r), inv);
        if (inv) {
          allocateTo(t, cfg, r, c, inv, Math.min(today - 1, day + int(r, 0, 5)), c.updatedMs);
          if (amountDue(inv) <= 100 || inv.status !== "AUTHORISED") {
            pool[k] = pool[pool.length - 1]!;
            pool.pop();
          }
        }
        list.push(c);
      }
      return list;
    },

    json(t, c, { paged }) {
      const out: Record<string, unknown> = { [cfg.idKey]: c.id };
      if (cfg.drafts) out.CreditNoteNumber = c.number;
      out.Payments = [];
      out.Type = cfg.type[c.side];
      out.Reference = c.reference;
      out.RemainingCredit = money(remaining(c));
      out.Allocations = allocationsJson(t, c.allocs);
      out.HasAttachments = false;
      out.Contact = contactRef(t, c.contact);
      out.DateString = dayString(c.dateDay);
      out.Date = msDay(c.dateDay);
      out.Status = c.status;
      out.LineAmountTypes = c.lat;
      if (paged || !cfg.linesOnlyPaged) out.LineItems = lineItemsJson(t, c);
      out.SubTotal = money(c.sub);
      out.TotalTax = money(c.tax);
      out.Total = money(c.total);
      out.UpdatedDateUTC = msDate(c.updatedMs);
      out.CurrencyCode = c.currency;
      out.CurrencyRate = c.rate;
      if (c.status === "PAID") {
        const last = c.allocs?.[c.allocs.length - 1];
        if (last && cfg.drafts) out.FullyPaidOnDate = msDay(last.day);
      }
      Object.assign(out, cfg.extra?.(t, c, paged));
      return out;
    },

    fields,

    // Overpayments and prepayments take References (Xero's getOverpayments / getPrepayments parameter).
    filters: cfg.drafts
      ? undefined
      : (q) => {
          const refs = q.get("References");
          if (!refs) return [];
          const set = new Set(refs.split(",").map((x) => x.trim()));
          return [(c: CreditRec) => set.has(c.reference)];
        },

    lookup: cfg.drafts ? (t, ref) => store<CreditRec>(t, cfg.name).list.find((c) => c.number === ref) : undefined,

    mutations,

    mutate(t, r, kind, nowMs, touched) {
      const list = store<CreditRec>(t, cfg.name).list;
      const day = dayOf(nowMs);
      if (kind === "create") {
        const side = r() < 0.72 ? "ACCREC" : "ACCPAY";
        const c = newCredit(t, cfg, r, side, cfg.drafts && r() < 0.5 ? "DRAFT" : "AUTHORISED", day, nowMs);
        addRecord(t, cfg.name, c);
        touched.add(c.id);
        return [change(cfg.name, c, kind, c.status, true), ...(cfg.created?.(t, c) ?? [])];
      }
      const can: Record<string, (c: CreditRec) => boolean> = {
        edit: (c) => c.status === "DRAFT" || c.status === "SUBMITTED" || (c.status === "AUTHORISED" && !c.allocs),
        authorise: (c) => c.status === "DRAFT" || c.status === "SUBMITTED",
        delete: (c) => c.status === "DRAFT" || c.status === "SUBMITTED",
        // Xero refuses to void a credit with allocations (remove them first).
        void: (c) => c.status === "AUTHORISED" && !c.allocs,
        allocate: (c) => c.status === "AUTHORISED" && remaining(c) > 0,
      };
      const ok = can[kind];
      if (!ok) return [];
      if (kind === "allocate") {
        // An open invoice of the same contact, side and currency; else one of any contact on that side.
        const byKey = new Map<string, InvoiceRec[]>();
        for (const i of t.invoices) {
          if (i.status !== "AUTHORISED" || amountDue(i) <= 0 || touched.has(i.id)) continue;
          const k = `${i.type}|${i.contact}|${i.currency}`;
          byKey.set(k, [...(byKey.get(k) ?? []), i]);
        }
        const c = pickEligible(r, list, (x) => ok(x) && byKey.has(`${x.side}|${x.contact}|${x.currency}`), touched);
        if (!c) return [];
        const inv = pick(r, byKey.get(`${c.side}|${c.contact}|${c.currency}`) ?? []);
        allocateTo(t, cfg, r, c, inv, day, nowMs);
        c.updatedMs = nowMs;
        inv.updatedMs = nowMs;
        touched.add(c.id).add(inv.id);
        const invoiceChange: Change = { entity: "invoices", id: inv.id, kind: "credit", eventType: "UPDATE", status: inv.status, updatedDateUtc: new Date(nowMs).toISOString() };
        return [change(cfg.name, c, kind, c.status), invoiceChange];
      }
      const c = pickEligible(r, list, ok, touched);
      if (!c) return [];
      touched.add(c.id);
      if (kind === "edit") {
        c.rev++;
        c.reference = `Credit ${int(r, 100, 9999)}`;
        totals(t, c);
      } else c.status = kind === "authorise" ? "AUTHORISED" : kind === "delete" ? "DELETED" : "VOIDED";
      c.updatedMs = nowMs;
      return [change(cfg.name, c, kind, c.status), ...(kind === "void" ? (cfg.voided?.(t, c, nowMs) ?? []) : [])];
    },

    state(t, c) {
      return {
        id: c.id,
        ...(cfg.drafts ? { number: c.number } : {}),
        type: cfg.type[c.side],
        status: c.status,
        contactId: contactId(t, c.contact),
        currency: c.currency,
        currencyRate: c.rate,
        lineAmountTypes: c.lat,
        date: isoDay(c.dateDay),
        subTotal: moneyString(c.sub),
        totalTax: moneyString(c.tax),
        total: moneyString(c.total),
        remainingCredit: moneyString(remaining(c)),
        allocations: (c.allocs ?? []).map((a) => ({ id: a.id, invoiceId: a.invoiceId, amount: moneyString(a.cents), date: isoDay(a.day) })),
        updatedDateUtc: new Date(c.updatedMs).toISOString(),
      };
    },
  });
}
