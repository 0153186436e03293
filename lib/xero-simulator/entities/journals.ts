/**
 * Journals: the general ledger, what the documents posted. Xero serves them by `offset`
 * (JournalNumber > offset, ascending, 100 at a time), honours If-Modified-Since on CreatedDateUTC,
 * and never edits one: a change to a document posts a new journal (voiding reverses the document's
 * journal, editing an approved one reverses it and posts the new lines, deleting a payment reverses
 * the payment's). Only the accounting.journals.read scope reads them (Xero grants it to
 * Advanced-plan organisations only).
 *
 * A record is a reference (which document, which revision of its lines, reversed or not); the
 * lines are derived from the document on demand, in the base currency, and balance to zero
 * (NetAmount). Journals are numbered in CreatedDateUTC order, and every change to a document is
 * reconciled against what the ledger already holds (react), whichever path made it. Documents that
 * post: invoices, payments, credit notes, bank transactions (also those behind overpayments and
 * prepayments) and manual journals.
 */
import type { InvoiceRec, PaymentRec, Tenant } from "../data";
import { invoiceLines } from "../data";
import { DAY_MS, money, moneyString, msDate, msDay } from "../format";
import { mix, rng, uuid } from "../prng";
import type { BankTransactionRec } from "./bankTransactions";
import { accountId, chartAccount, chartFor } from "./chart";
import type { CreditRec } from "./credits";
import { defineEntity } from "./define";
import { type ManualJournalRec, journalLines } from "./manualJournals";
import { paymentBank } from "./payments";
import { store } from "./store";
import { taxName } from "./tax-rates";
import type { SimRecord } from "./types";

export interface JournalRec extends SimRecord {
  /** JournalNumber (1, 2, …: its position in the list). updatedMs is CreatedDateUTC. */
  number: number;
  /** The document's fixture: invoices, payments, creditNotes, bankTransactions, manualJournals. */
  entity: string;
  /** Its id (InvoiceID, PaymentID, …): the journal's SourceID. */
  source: string;
  /** The document's line revision this journal posted. */
  rev: number;
  /** Reverses the document's journal of that revision. */
  reversal: boolean;
}

const NAME = "journals";
const HOUR = 3_600_000;

/** One ledger line in base-currency cents, debit positive. */
interface Line {
  code: string;
  net: number;
  tax: number;
  taxType?: string;
  description?: string;
}

/** Which document kinds post to the ledger, and what. */
interface Ledger<D> {
  find(t: Tenant, id: string): D | undefined;
  /** The line revision the ledger should hold for the document now, or null (not approved, or voided / deleted). */
  wanted(t: Tenant, d: D): number | null;
  /** Seeding: whether the document was approved at some point (so a voided or deleted one was posted, then reversed). */
  everPosted(d: D): boolean;
  lines(t: Tenant, d: D, rev: number): Line[];
  sourceType(t: Tenant, d: D): string;
  day(d: D): number;
  /** Something that never changes on the document (a journal is never edited). */
  reference(t: Tenant, d: D): string;
  /** When it was approved, for seeding: on its date, and before anything that followed. */
  postedAt(t: Tenant, d: D): number;
  updatedMs(d: D): number;
}

/** The JournalID of a journal posted after seeding (seeded ones draw theirs in order from the seed). */
function journalId(t: Tenant, n: number): string {
  return uuid(rng(mix(t.seed, n, 0x10a7)));
}

function controlCode(side: "ACCREC" | "ACCPAY"): string {
  return side === "ACCREC" ? "610" : "800";
}

function taxAccountCode(t: Tenant): string {
  return chartFor(t.profile).find((a) => a.systemAccount === "GST")?.code ?? "820";
}

/**
 * Lines of a lined document (invoice, credit note, bank transaction) in base currency: one per line
 * item, the tax account, and the balancing line (`against`: AR / AP, or the bank). `sign` -1 credits
 * the line items (a sale), +1 debits them (a purchase).
 */
function linedLedger(t: Tenant, doc: { seed: number; side: "ACCREC" | "ACCPAY"; lat: InvoiceRec["lat"]; rate: number }, rev: number, sign: 1 | -1, against: string): Line[] {
  const toBase = (cents: number) => Math.round(cents / doc.rate);
  const lines: Line[] = [];
  let net = 0;
  let tax = 0;
  for (const l of invoiceLines(t, { seed: doc.seed, rev, type: doc.side, lat: doc.lat })) {
    const lineTax = toBase(l.TaxAmount);
    const lineNet = toBase(doc.lat === "Inclusive" ? l.LineAmount - l.TaxAmount : l.LineAmount);
    net += lineNet;
    tax += lineTax;
    lines.push({ code: l.AccountCode, net: sign * lineNet, tax: sign * lineTax, taxType: l.TaxType, description: l.Description });
  }
  if (tax !== 0) lines.push({ code: taxAccountCode(t), net: sign * tax, tax: 0 });
  lines.push({ code: against, net: -sign * (net + tax), tax: 0 });
  return lines;
}

const approved = (status: string) => status === "AUTHORISED" || status === "PAID";
const seedPostedAt = (dateDay: number, updatedMs: number) => Math.min(dateDay * DAY_MS + 8 * HOUR, updatedMs);

const invoices: Ledger<InvoiceRec> = {
  find: (t, id) => t.invoiceById.get(id),
  wanted: (_t, inv) => (approved(inv.status) ? inv.rev : null),
  everPosted: (inv) => approved(inv.status) || inv.status === "VOIDED",
  lines: (t, inv, rev) => linedLedger(t, { seed: inv.seed, side: inv.type, lat: inv.lat, rate: inv.rate }, rev, inv.type === "ACCREC" ? -1 : 1, controlCode(inv.type)),
  sourceType: (_t, inv) => inv.type,
  day: (inv) => inv.dateDay,
  reference: (_t, inv) => inv.number,
  postedAt(_t, inv) {
    let ms = seedPostedAt(inv.dateDay, inv.updatedMs);
    for (const p of inv.payments ?? []) ms = Math.min(ms, p.updatedMs - 1000);
    return ms;
  },
  updatedMs: (inv) => inv.updatedMs,
};

const payments: Ledger<PaymentRec> = {
  find: (t, id) => store<PaymentRec>(t, "payments").byId.get(id),
  wanted: (_t, p) => (p.status === "AUTHORISED" ? 0 : null),
  everPosted: () => true,
  lines(t, p) {
    const inv = t.invoiceById.get(p.invoiceId);
    const amount = Math.round(p.cents / (inv?.rate ?? 1));
    const sign = inv?.type === "ACCPAY" ? -1 : 1;
    return [
      { code: paymentBank(t, p).code, net: sign * amount, tax: 0 },
      { code: controlCode(inv?.type ?? "ACCREC"), net: -sign * amount, tax: 0 },
    ];
  },
  sourceType: (t, p) => (t.invoiceById.get(p.invoiceId)?.type === "ACCPAY" ? "ACCPAYPAYMENT" : "ACCRECPAYMENT"),
  day: (p) => p.day,
  reference: (_t, p) => p.reference,
  postedAt(t, p) {
    const inv = t.invoiceById.get(p.invoiceId);
    const auth = inv ? invoices.postedAt(t, inv) : 0;
    // A live payment was made at its UpdatedDateUTC; a deleted one on its date, deleted later.
    return Math.max(auth + 1000, p.status === "AUTHORISED" ? p.updatedMs : Math.min(p.day * DAY_MS + 12 * HOUR, p.updatedMs - 1000));
  },
  updatedMs: (p) => p.updatedMs,
};

const creditNotes: Ledger<CreditRec> = {
  find: (t, id) => store<CreditRec>(t, "creditNotes").byId.get(id),
  wanted: (_t, c) => (approved(c.status) ? c.rev : null),
  everPosted: (c) => approved(c.status) || c.status === "VOIDED",
  // A credit note reverses a sale (or a purchase): line items debited on the sales side.
  lines: (t, c, rev) => linedLedger(t, c, rev, c.side === "ACCREC" ? 1 : -1, controlCode(c.side)),
  sourceType: (_t, c) => (c.side === "ACCREC" ? "ACCRECCREDIT" : "ACCPAYCREDIT"),
  day: (c) => c.dateDay,
  reference: (_t, c) => c.number,
  postedAt: (_t, c) => seedPostedAt(c.dateDay, c.updatedMs),
  updatedMs: (c) => c.updatedMs,
};

const BANK_SOURCE: Record<string, string> = {
  RECEIVE: "CASHREC",
  SPEND: "CASHPAID",
  "RECEIVE-OVERPAYMENT": "AROVERPAYMENT",
  "SPEND-OVERPAYMENT": "APOVERPAYMENT",
  "RECEIVE-PREPAYMENT": "ARPREPAYMENT",
  "SPEND-PREPAYMENT": "APPREPAYMENT",
};

const bankTransactions: Ledger<BankTransactionRec> = {
  find: (t, id) => store<BankTransactionRec>(t, "bankTransactions").byId.get(id),
  wanted: (_t, b) => (b.status === "AUTHORISED" ? b.rev : null),
  // Spend and receive money are approved when entered: a deleted or voided one was posted first.
  everPosted: () => true,
  lines: (t, b, rev) => {
    const side = b.type.startsWith("RECEIVE") ? "ACCREC" : "ACCPAY";
    return linedLedger(t, { seed: b.seed, side, lat: b.lat, rate: b.rate }, rev, side === "ACCREC" ? -1 : 1, b.bank);
  },
  sourceType: (_t, b) => BANK_SOURCE[b.type] ?? (b.type.startsWith("RECEIVE") ? "CASHREC" : "CASHPAID"),
  day: (b) => b.dateDay,
  reference: (_t, b) => b.reference,
  postedAt: (_t, b) => seedPostedAt(b.dateDay, b.updatedMs),
  updatedMs: (b) => b.updatedMs,
};

const manualJournals: Ledger<ManualJournalRec> = {
  find: (t, id) => store<ManualJournalRec>(t, "manualJournals").byId.get(id),
  wanted: (_t, j) => (j.status === "POSTED" ? j.rev : null),
  everPosted: (j) => j.status === "POSTED" || j.status === "VOIDED",
  lines: (t, j, rev) => journalLines(t, { seed: j.seed, rev }).map((l) => ({ code: l.code, net: l.cents, tax: 0, description: l.description })),
  sourceType: () => "MANJOURNAL",
  day: (j) => j.dateDay,
  reference: (_t, j) => j.narration,
  postedAt: (_t, j) => seedPostedAt(j.dateDay, j.updatedMs),
  updatedMs: (j) => j.updatedMs,
};

/** In seeding order: a payment's journal follows its invoice's. */
const LEDGERS: Record<string, Ledger<never>> = { invoices, payments, creditNotes, bankTransactions, manualJournals } as unknown as Record<string, Ledger<never>>;

function ledgerOf(entity: string): Ledger<unknown> | undefined {
  return LEDGERS[entity] as Ledger<unknown> | undefined;
}

/** The documents of a fixture (invoices keep their own list). */
function documents(t: Tenant, entity: string): readonly unknown[] {
  return entity === "invoices" ? t.invoices : store(t, entity).list;
}

function journalJson(t: Tenant, j: JournalRec) {
  const ledger = ledgerOf(j.entity);
  const doc = ledger?.find(t, j.source);
  const lines = ledger && doc ? ledger.lines(t, doc, j.rev) : [];
  const r = rng(mix(t.seed, j.number, 0x11e));
  const reference = ledger && doc ? ledger.reference(t, doc) : "";
  return {
    JournalID: j.id,
    JournalDate: msDay(ledger && doc ? ledger.day(doc) : 0),
    JournalNumber: j.number,
    CreatedDateUTC: msDate(j.updatedMs),
    ...(reference ? { Reference: reference } : {}),
    SourceID: j.source,
    SourceType: ledger && doc ? ledger.sourceType(t, doc) : "MANJOURNAL",
    JournalLines: lines.map((l) => {
      const a = chartAccount(t, l.code);
      const net = j.reversal ? -l.net : l.net;
      const tax = j.reversal ? -l.tax : l.tax;
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

function post(t: Tenant, entity: string, source: string, rev: number, reversal: boolean, nowMs: number): void {
  const s = store<JournalRec>(t, NAME);
  const last = s.list[s.list.length - 1];
  const number = (last?.number ?? 0) + 1;
  // Numbers follow CreatedDateUTC even when the simulated clock was set back.
  const j: JournalRec = { id: journalId(t, number), updatedMs: Math.max(nowMs, last?.updatedMs ?? 0), number, entity, source, rev, reversal };
  s.list.push(j);
  s.byId.set(j.id, j);
  s.index = null;
  latestBySource(t).set(source, j);
}

/** Posts what the document's state asks for and the ledger does not hold yet. */
function reconcile(t: Tenant, entity: string, id: string, nowMs: number): void {
  const ledger = ledgerOf(entity);
  const doc = ledger?.find(t, id);
  if (!ledger || !doc) return;
  const last = latestBySource(t).get(id);
  const posted = last && !last.reversal ? last.rev : null;
  const wanted = ledger.wanted(t, doc);
  if (posted === wanted) return;
  if (posted !== null) post(t, entity, id, posted, true, nowMs);
  if (wanted !== null) post(t, entity, id, wanted, false, nowMs);
}

export const journals = defineEntity<JournalRec>({
  name: NAME,
  endpoint: "Journals",
  scopes: ["accounting.journals.read"],
  paging: "offset",
  offsetOf: (j) => j.number,
  where: false,
  // Journals count what the documents posted: `counts.journals` cannot ask for more or fewer.
  defaultCount: () => 0,
  generate(t, r, _count, anchorMs) {
    const maxMs = anchorMs - 60_000;
    const list: JournalRec[] = [];
    for (const entity of Object.keys(LEDGERS)) {
      const ledger = ledgerOf(entity)!;
      for (const doc of documents(t, entity)) {
        if (!ledger.everPosted(doc)) continue;
        if (entity === "payments") {
          const inv = t.invoiceById.get((doc as PaymentRec).invoiceId);
          if (!inv || !invoices.everPosted(inv)) continue;
        }
        const id = (doc as SimRecord).id;
        const rev = (doc as { rev?: number }).rev ?? 0;
        const at = Math.min(ledger.postedAt(t, doc), maxMs);
        list.push({ id: "", updatedMs: at, number: 0, entity, source: id, rev, reversal: false });
        if (ledger.wanted(t, doc) === null) list.push({ id: "", updatedMs: Math.max(at + 1000, ledger.updatedMs(doc)), number: 0, entity, source: id, rev, reversal: true });
      }
    }
    // Stable: journals made at the same moment keep the order above (an invoice before its payment).
    list.sort((a, b) => a.updatedMs - b.updatedMs);
    for (let i = 0; i < list.length; i++) {
      const j = list[i]!;
      j.number = i + 1;
      j.id = uuid(r);
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
    return q.bool("paymentsOnly") ? [(j) => j.entity === "payments"] : [];
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
      if (!ledgerOf(c.entity)) continue;
      if (c.entity === "payments") {
        // The invoice first: a payment's journal follows its invoice's.
        const p = payments.find(t, c.id);
        if (p) reconcile(t, "invoices", p.invoiceId, nowMs);
      }
      reconcile(t, c.entity, c.id, nowMs);
      if (c.entity === "invoices") for (const p of t.invoiceById.get(c.id)?.payments ?? []) reconcile(t, "payments", p.id, nowMs);
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
      reversal: j.reversal,
      lines: json.JournalLines.map((l) => ({ accountCode: l.AccountCode, net: moneyString(Math.round(l.NetAmount * 100)), tax: moneyString(Math.round(l.TaxAmount * 100)) })),
    };
  },
});
