/**
 * Journals: the general ledger, what the documents posted. Xero serves them by `offset`
 * (JournalNumber > offset, ascending, 100 at a time), honours If-Modified-Since on CreatedDateUTC,
 * and never edits one: a change to a document posts a new journal (voiding an invoice reverses its
 * journal, deleting a payment reverses the payment's). Only the accounting.journals.read scope reads
 * them (Xero grants it to Advanced-plan organisations only).
 *
 * A record is a reference (which document, which revision of its lines, reversed or not); the
 * lines are derived from the document on demand, in the base currency, and balance to zero
 * (NetAmount). Journals are numbered in CreatedDateUTC order, and every change to an invoice or a
 * payment is reconciled against what the ledger already holds (react), whichever path made it.
 */
import type { InvoiceRec, PaymentRec, Tenant } from "../data";
import { invoiceLines } from "../data";
import { DAY_MS, money, moneyString, msDate, msDay } from "../format";
import { mix, rng, uuid } from "../prng";
import { accountId, chartAccount, chartFor } from "./chart";
import { paymentBank } from "./payments";
import { store } from "./store";
import { taxName } from "./tax-rates";
import { defineEntity } from "./define";
import type { SimRecord } from "./types";

export type JournalKind = "invoice" | "invoiceReversal" | "payment" | "paymentReversal";

export interface JournalRec extends SimRecord {
  /** JournalNumber (1, 2, …: its position in the list). updatedMs is CreatedDateUTC. */
  number: number;
  kind: JournalKind;
  /** InvoiceID or PaymentID. */
  source: string;
  /** The invoice's line revision this journal posted (invoice journals). */
  rev: number;
}

const NAME = "journals";
const HOUR = 3_600_000;
/** At most this many journals per answer, as Xero. */
export const JOURNALS_PER_ANSWER = 100;

function journalId(t: Tenant, n: number): string {
  return uuid(rng(mix(t.seed, n, 0x10a7)));
}

function controlCode(type: InvoiceRec["type"]): string {
  return type === "ACCREC" ? "610" : "800";
}

/** Ledger lines of an invoice at revision `rev`, in base-currency cents, debit positive. */
function invoiceLedger(t: Tenant, inv: InvoiceRec, rev: number) {
  const sign = inv.type === "ACCREC" ? -1 : 1;
  const toBase = (cents: number) => Math.round(cents / inv.rate);
  const lines: { code: string; net: number; tax: number; taxType?: string; description?: string }[] = [];
  let net = 0;
  let tax = 0;
  for (const l of invoiceLines(t, { seed: inv.seed, rev, type: inv.type, lat: inv.lat })) {
    const lineTax = toBase(l.TaxAmount);
    const lineNet = toBase(inv.lat === "Inclusive" ? l.LineAmount - l.TaxAmount : l.LineAmount);
    net += lineNet;
    tax += lineTax;
    lines.push({ code: l.AccountCode, net: sign * lineNet, tax: sign * lineTax, taxType: l.TaxType, description: l.Description });
  }
  if (tax !== 0) lines.push({ code: taxAccountCode(t), net: sign * tax, tax: 0 });
  lines.push({ code: controlCode(inv.type), net: -sign * (net + tax), tax: 0 });
  return lines;
}

function taxAccountCode(t: Tenant): string {
  return chartFor(t.profile).find((a) => a.systemAccount === "GST")?.code ?? "820";
}

function paymentLedger(t: Tenant, inv: InvoiceRec | undefined, p: PaymentRec) {
  const amount = Math.round(p.cents / (inv?.rate ?? 1));
  const sign = inv?.type === "ACCPAY" ? -1 : 1;
  return [
    { code: paymentBank(t, p).code, net: sign * amount, tax: 0 },
    { code: controlCode(inv?.type ?? "ACCREC"), net: -sign * amount, tax: 0 },
  ];
}

function payment(t: Tenant, id: string): PaymentRec | undefined {
  return store<PaymentRec>(t, "payments").byId.get(id);
}

function journalJson(t: Tenant, j: JournalRec) {
  const isInvoice = j.kind === "invoice" || j.kind === "invoiceReversal";
  const reversed = j.kind === "invoiceReversal" || j.kind === "paymentReversal";
  let inv: InvoiceRec | undefined;
  let p: PaymentRec | undefined;
  let lines: { code: string; net: number; tax: number; taxType?: string; description?: string }[];
  if (isInvoice) {
    inv = t.invoiceById.get(j.source);
    lines = inv ? invoiceLedger(t, inv, j.rev) : [];
  } else {
    p = payment(t, j.source);
    inv = p ? t.invoiceById.get(p.invoiceId) : undefined;
    lines = p ? paymentLedger(t, inv, p) : [];
  }
  const r = rng(mix(t.seed, j.number, 0x11e));
  const day = isInvoice ? (inv?.dateDay ?? 0) : (p?.day ?? 0);
  // What never changes on the document: a journal is never edited.
  const reference = isInvoice ? inv?.number : p?.reference;
  return {
    JournalID: j.id,
    JournalDate: msDay(day),
    JournalNumber: j.number,
    CreatedDateUTC: msDate(j.updatedMs),
    ...(reference ? { Reference: reference } : {}),
    SourceID: j.source,
    SourceType: isInvoice ? (inv?.type ?? "ACCREC") : inv?.type === "ACCPAY" ? "ACCPAYPAYMENT" : "ACCRECPAYMENT",
    JournalLines: lines.map((l) => {
      const a = chartAccount(t, l.code);
      const net = reversed ? -l.net : l.net;
      const tax = reversed ? -l.tax : l.tax;
      return {
        JournalLineID: uuid(r),
        AccountID: accountId(t, l.code),
        AccountCode: l.code,
        ...(a ? { AccountType: a.type, AccountName: a.name } : {}),
        ...(l.description ? { Description: l.description } : {}),
        NetAmount: money(net),
        GrossAmount: money(net + tax),
        TaxAmount: money(tax),
        ...(l.taxType ? { TaxType: l.taxType, TaxName: taxName(t, l.taxType) } : {}),
        TrackingCategories: [],
      };
    }),
  };
}

/** Per tenant: each document's latest journal (built on the first change after a reset or restore). */
const latest = new WeakMap<Tenant, Map<string, JournalRec>>();

function latestBySource(t: Tenant): Map<string, JournalRec> {
  let m = latest.get(t);
  if (!m) {
    m = new Map();
    for (const j of store<JournalRec>(t, NAME).list) m.set(j.source, j);
    latest.set(t, m);
  }
  return m;
}

function post(t: Tenant, kind: JournalKind, source: string, rev: number, nowMs: number): JournalRec {
  const s = store<JournalRec>(t, NAME);
  const last = s.list[s.list.length - 1];
  const number = (last?.number ?? 0) + 1;
  // Numbers follow CreatedDateUTC even when the simulated clock was set back.
  const j: JournalRec = { id: journalId(t, number), updatedMs: Math.max(nowMs, last?.updatedMs ?? 0), number, kind, source, rev };
  s.list.push(j);
  s.byId.set(j.id, j);
  s.index = null;
  latestBySource(t).set(source, j);
  return j;
}

/** Posts what the invoice's state asks for and the ledger does not hold yet. */
function reconcileInvoice(t: Tenant, inv: InvoiceRec, nowMs: number): void {
  const last = latestBySource(t).get(inv.id);
  const posted = last?.kind === "invoice" ? last.rev : null;
  const wanted = inv.status === "AUTHORISED" || inv.status === "PAID" ? inv.rev : null;
  if (posted === wanted) return;
  if (posted !== null) post(t, "invoiceReversal", inv.id, posted, nowMs);
  if (wanted !== null) post(t, "invoice", inv.id, wanted, nowMs);
}

function reconcilePayment(t: Tenant, p: PaymentRec, nowMs: number): void {
  const last = latestBySource(t).get(p.id);
  if (!last && p.status === "AUTHORISED") post(t, "payment", p.id, 0, nowMs);
  else if (last?.kind === "payment" && p.status === "DELETED") post(t, "paymentReversal", p.id, 0, nowMs);
}

export const journals = defineEntity<JournalRec>({
  name: NAME,
  endpoint: "Journals",
  scopes: ["accounting.journals.read"],
  paging: "offset",
  offsetOf: (j) => j.number,
  // Journals count what the documents posted: `counts.journals` cannot ask for more or fewer.
  defaultCount: () => 0,
  generate(t, _r, _count, anchorMs) {
    const maxMs = anchorMs - 60_000;
    // When the invoice was approved: on its date, before any payment and any later edit.
    const authorisedAt = (inv: InvoiceRec): number => {
      let ms = Math.min(inv.dateDay * DAY_MS + 8 * HOUR, inv.updatedMs, maxMs);
      for (const p of inv.payments ?? []) ms = Math.min(ms, p.updatedMs - 1000);
      return ms;
    };
    const posted = (inv: InvoiceRec | undefined) => inv !== undefined && (inv.status === "AUTHORISED" || inv.status === "PAID" || inv.status === "VOIDED");
    const list: JournalRec[] = [];
    const add = (updatedMs: number, kind: JournalKind, source: string, rev: number) => list.push({ id: "", updatedMs, number: 0, kind, source, rev });
    for (const inv of t.invoices) {
      if (!posted(inv)) continue;
      const ms = authorisedAt(inv);
      add(ms, "invoice", inv.id, inv.rev);
      if (inv.status === "VOIDED") add(Math.max(ms + 1000, inv.updatedMs), "invoiceReversal", inv.id, inv.rev);
    }
    for (const p of store<PaymentRec>(t, "payments").list) {
      const inv = t.invoiceById.get(p.invoiceId);
      if (!inv || !posted(inv)) continue;
      const auth = authorisedAt(inv);
      if (p.status === "AUTHORISED") add(Math.max(auth + 1000, p.updatedMs), "payment", p.id, 0);
      else {
        // Made on its date, deleted at its UpdatedDateUTC.
        const made = Math.max(auth + 1000, Math.min(p.day * DAY_MS + 12 * HOUR, p.updatedMs - 1000));
        add(made, "payment", p.id, 0);
        add(Math.max(made + 1000, p.updatedMs), "paymentReversal", p.id, 0);
      }
    }
    // Stable: journals made at the same moment keep the order above (an invoice before its payment).
    list.sort((a, b) => a.updatedMs - b.updatedMs);
    for (let i = 0; i < list.length; i++) {
      const j = list[i]!;
      j.number = i + 1;
      j.id = journalId(t, j.number);
    }
    latest.delete(t);
    return list;
  },
  json: (t, j) => journalJson(t, j),
  fields: {
    journalid: (_t, j) => j.id,
    journalnumber: (_t, j) => j.number,
    createddateutc: (_t, j) => j.updatedMs,
    sourceid: (_t, j) => j.source,
  },
  filters(q) {
    return q.bool("paymentsOnly") ? [(j) => j.kind === "payment" || j.kind === "paymentReversal"] : [];
  },
  lookup(t, ref) {
    // GET /Journals/{JournalNumber}
    if (!/^\d+$/.test(ref)) return undefined;
    const j = store<JournalRec>(t, NAME).list[Number(ref) - 1];
    return j?.number === Number(ref) ? j : undefined;
  },
  mutations: [],
  mutate: () => [],
  react(t, changes, nowMs) {
    for (const c of changes) {
      if (c.entity === "invoices") {
        const inv = t.invoiceById.get(c.id);
        if (!inv) continue;
        reconcileInvoice(t, inv, nowMs);
        for (const p of inv.payments ?? []) reconcilePayment(t, p, nowMs);
      } else if (c.entity === "payments") {
        const p = payment(t, c.id);
        if (!p) continue;
        const inv = t.invoiceById.get(p.invoiceId);
        if (inv) reconcileInvoice(t, inv, nowMs);
        reconcilePayment(t, p, nowMs);
      }
    }
  },
  state(t, j) {
    const json = journalJson(t, j);
    return {
      id: j.id,
      number: j.number,
      createdDateUtc: new Date(j.updatedMs).toISOString(),
      sourceId: j.source,
      sourceType: json.SourceType,
      reversal: j.kind === "invoiceReversal" || j.kind === "paymentReversal",
      lines: json.JournalLines.map((l) => ({ accountCode: l.AccountCode, net: moneyString(Math.round(l.NetAmount * 100)), tax: moneyString(Math.round(l.TaxAmount * 100)) })),
    };
  },
});
