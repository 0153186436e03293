/**
 * Deterministic, compact test data for simulated organisations.
 *
 * Each record keeps only what can change (status, money, timestamps) plus a seed; the rest of
 * its JSON (line items, addresses, phones) is regenerated from `seed` and `rev` on demand. That
 * keeps 100,000 invoices per tenant in a few tens of MB and a reset in well under a second.
 * All money is integer cents: SubTotal + TotalTax = Total exactly, line by line.
 */
import { DAY_MS, dayOf } from "./format";
import { addRecord } from "./entities/store";
import type { Change, EntityStore } from "./entities/types";
import { type Rng, hashString, int, mix, pick, rng, uuid } from "./prng";

export type InvoiceStatus = "DRAFT" | "SUBMITTED" | "AUTHORISED" | "PAID" | "VOIDED" | "DELETED";
export type ContactStatus = "ACTIVE" | "ARCHIVED";
export type LineAmountTypes = "Exclusive" | "Inclusive" | "NoTax";
export type Entity = "invoices" | "contacts";

export interface OrgProfile {
  countryCode: "GB" | "NZ" | "AU" | "US";
  version: "UK" | "NZ" | "AU" | "GLOBAL";
  baseCurrency: string;
  timezone: string;
  /** Sales / purchases tax types and their rate in basis points. */
  salesTax: { type: string; bp: number };
  purchasesTax: { type: string; bp: number };
  foreign: { code: string; rate: number }[];
  salesTaxBasis: string;
  salesTaxPeriod: string;
  city: string;
  region: string;
  postalCode: string;
  phoneCountry: string;
}

export const PROFILES: Record<OrgProfile["countryCode"], OrgProfile> = {
  GB: {
    countryCode: "GB", version: "UK", baseCurrency: "GBP", timezone: "GMTSTANDARDTIME",
    salesTax: { type: "OUTPUT2", bp: 2000 }, purchasesTax: { type: "INPUT2", bp: 2000 },
    foreign: [{ code: "USD", rate: 1.2712 }, { code: "EUR", rate: 1.1689 }],
    salesTaxBasis: "ACCRUAL", salesTaxPeriod: "QUARTERLY1", city: "London", region: "", postalCode: "EC1A 1BB", phoneCountry: "44",
  },
  NZ: {
    countryCode: "NZ", version: "NZ", baseCurrency: "NZD", timezone: "NEWZEALANDSTANDARDTIME",
    salesTax: { type: "OUTPUT2", bp: 1500 }, purchasesTax: { type: "INPUT2", bp: 1500 },
    foreign: [{ code: "AUD", rate: 0.9174 }, { code: "USD", rate: 0.5981 }],
    salesTaxBasis: "INVOICE", salesTaxPeriod: "TWOMONTHS", city: "Wellington", region: "", postalCode: "6011", phoneCountry: "64",
  },
  AU: {
    countryCode: "AU", version: "AU", baseCurrency: "AUD", timezone: "AUSEASTERNSTANDARDTIME",
    salesTax: { type: "OUTPUT", bp: 1000 }, purchasesTax: { type: "INPUT", bp: 1000 },
    foreign: [{ code: "NZD", rate: 1.0905 }, { code: "USD", rate: 0.6523 }],
    salesTaxBasis: "ACCRUALS", salesTaxPeriod: "QUARTERLY", city: "Sydney", region: "NSW", postalCode: "2000", phoneCountry: "61",
  },
  US: {
    countryCode: "US", version: "GLOBAL", baseCurrency: "USD", timezone: "EASTERNSTANDARDTIME",
    salesTax: { type: "OUTPUT", bp: 800 }, purchasesTax: { type: "INPUT", bp: 800 },
    foreign: [{ code: "CAD", rate: 1.3641 }, { code: "EUR", rate: 0.9198 }],
    salesTaxBasis: "ACCRUALS", salesTaxPeriod: "QUARTERLY", city: "New York", region: "NY", postalCode: "10001", phoneCountry: "1",
  },
};

export interface TenantSpec {
  name: string;
  invoices?: number;
  contacts?: number;
  tenantId?: string;
  /** GB, NZ, AU or US; by default guessed from "(UK)" / "(NZ)" / "(AU)" / "(US)" in the name. */
  country?: OrgProfile["countryCode"];
  /**
   * How many invoices (and a tenth as many contacts) share one UpdatedDateUTC, as after a
   * bulk edit in Xero. Default: min(20, 10% of invoices).
   */
  sharedTimestamp?: number;
  /**
   * Records per fixture ("payments", "creditNotes", …; see entities/registry.ts). Default: each
   * fixture's realistic proportion to the invoices.
   */
  counts?: Partial<Record<string, number>>;
}

export interface PaymentRec {
  id: string;
  cents: number;
  day: number;
  updatedMs: number;
  reference: string;
  /** The invoice paid (the payments fixture serves these same objects). */
  invoiceId: string;
  /** A DELETED payment is gone from its invoice's Payments and AmountPaid. */
  status: "AUTHORISED" | "DELETED";
}

export interface InvoiceRec {
  id: string;
  seed: number;
  /** Bumped on every edit that changes line items; line items derive from (seed, rev). */
  rev: number;
  type: "ACCREC" | "ACCPAY";
  status: InvoiceStatus;
  number: string;
  reference: string;
  contact: number;
  currency: string;
  rate: number;
  lat: LineAmountTypes;
  dateDay: number;
  dueDay: number;
  sub: number;
  tax: number;
  total: number;
  paid: number;
  payments: PaymentRec[] | null;
  /** Cents allocated from credit notes, overpayments and prepayments (AmountCredited). */
  credited: number;
  /** Those allocations, newest last (the invoice's CreditNotes / Overpayments / Prepayments). */
  credits: CreditRef[] | null;
  updatedMs: number;
  sentToContact: boolean;
}

/** One allocation of a credit (credit note, overpayment, prepayment) to an invoice. */
export interface CreditRef {
  /** The fixture the credit belongs to: creditNotes, overpayments or prepayments. */
  entity: string;
  /** The credit's id (CreditNoteID, OverpaymentID, PrepaymentID). */
  id: string;
  allocationId: string;
  cents: number;
  day: number;
}

/** AmountDue: what is left after payments and credits (0 once voided or deleted). */
export function amountDue(inv: InvoiceRec): number {
  return inv.status === "VOIDED" || inv.status === "DELETED" ? 0 : inv.total - inv.paid - inv.credited;
}

/** Settles the status after money moved: PAID when nothing is due, back to AUTHORISED otherwise. */
export function settle(inv: InvoiceRec): void {
  if (inv.status === "AUTHORISED" && inv.paid + inv.credited >= inv.total) inv.status = "PAID";
  else if (inv.status === "PAID" && inv.paid + inv.credited < inv.total) inv.status = "AUTHORISED";
}

export interface ContactRec {
  id: string;
  seed: number;
  rev: number;
  status: ContactStatus;
  name: string;
  first: string;
  last: string;
  isCustomer: boolean;
  isSupplier: boolean;
  currency: string;
  updatedMs: number;
}

export interface LineRec {
  LineItemID: string;
  ItemCode: string;
  Description: string;
  Quantity: number;
  UnitAmount: number; // cents
  TaxType: string;
  TaxAmount: number; // cents
  LineAmount: number; // cents
  AccountCode: string;
}

export interface Tenant {
  id: string;
  name: string;
  shortCode: string;
  profile: OrgProfile;
  createdMs: number;
  seed: number;
  contacts: ContactRec[];
  invoices: InvoiceRec[];
  invoiceById: Map<string, InvoiceRec>;
  contactById: Map<string, ContactRec>;
  /** Cached sort by (UpdatedDateUTC, id); null after a change. */
  invoiceIndex: InvoiceRec[] | null;
  contactIndex: ContactRec[] | null;
  nextInvoiceNumber: number;
  nextBillNumber: number;
  mutationCounter: number;
  /** Every other fixture's records, by fixture name (entities/registry.ts). */
  records: Record<string, EntityStore>;
  /** Fixtures' running numbers (CN-00012, …), by name. */
  counters: Record<string, number>;
}

const FIRST = ["Olivia", "Liam", "Amelia", "Noah", "Isla", "Oliver", "Ava", "Jack", "Mia", "Leo", "Grace", "Harry", "Ruby", "Arlo", "Charlotte", "Hemi", "Aroha", "Sophie", "James", "Lucy", "Tama", "Priya", "Wei", "Hannah"];
const LAST = ["Smith", "Williams", "Brown", "Taylor", "Wilson", "Ngata", "Singh", "Chen", "Walker", "Harris", "Clarke", "Patel", "Martin", "Thompson", "White", "Kaur", "Nguyen", "Campbell", "Roberts", "Evans"];
const ADJ = ["Blue", "Harbour", "Summit", "Kauri", "Silver", "Redwood", "Northern", "Coastal", "Urban", "Golden", "Southern", "Alpine", "Bright", "Ironbark", "Pacific", "Cedar", "Meridian", "Orchard", "Granite", "Willow"];
const NOUN = ["Bakery", "Logistics", "Design", "Plumbing", "Electrical", "Consulting", "Catering", "Print", "Joinery", "Garden Supplies", "Freight", "Coffee Roasters", "Architects", "Dental", "Motors", "Software", "Events", "Cleaning", "Brewing", "Outfitters"];
const SUFFIX = ["Ltd", "Limited", "& Co", "Group", "Partners", "Services", "Trading", "Studio"];
/** What the invoices' line items sell (ItemCode): the items fixture serves these first. */
export const INVOICE_ITEMS: { code: string; desc: string; min: number; max: number }[] = [
  { code: "CONS-HR", desc: "Consulting services (hours)", min: 9000, max: 22000 },
  { code: "DEV-DAY", desc: "Development day rate", min: 60000, max: 120000 },
  { code: "SUB-PRO", desc: "Pro subscription, monthly", min: 2900, max: 14900 },
  { code: "WID-100", desc: "Widget, standard", min: 450, max: 2500 },
  { code: "WID-200", desc: "Widget, deluxe", min: 2500, max: 9900 },
  { code: "INST", desc: "Installation and setup", min: 15000, max: 65000 },
  { code: "SUPPORT", desc: "Support retainer", min: 25000, max: 150000 },
  { code: "TRAVEL", desc: "Travel and accommodation", min: 8000, max: 90000 },
  { code: "PRINT-A4", desc: "Printing, A4 colour (per 100)", min: 1200, max: 4800 },
  { code: "FREIGHT", desc: "Freight and delivery", min: 1500, max: 25000 },
];
const SALES_ACCOUNTS = ["200", "260"];
const PURCHASE_ACCOUNTS = ["310", "429", "453", "461"];

function profileFor(spec: TenantSpec, i: number): OrgProfile {
  if (spec.country) return PROFILES[spec.country];
  const n = spec.name.toUpperCase();
  if (n.includes("(UK)") || n.includes("(GB)")) return PROFILES.GB;
  if (n.includes("(NZ)")) return PROFILES.NZ;
  if (n.includes("(AU)")) return PROFILES.AU;
  if (n.includes("(US)")) return PROFILES.US;
  return [PROFILES.GB, PROFILES.NZ, PROFILES.AU][i % 3] ?? PROFILES.GB;
}

/** Line items of an invoice; a pure function of (seed, rev, type, lat, profile). */
export function invoiceLines(t: Tenant, inv: Pick<InvoiceRec, "seed" | "rev" | "type" | "lat">, withIds = true): LineRec[] {
  const r = rng(mix(inv.seed, inv.rev, 0x11e5));
  const n = int(r, 1, 5);
  const tax = inv.type === "ACCREC" ? t.profile.salesTax : t.profile.purchasesTax;
  const lines: LineRec[] = [];
  for (let i = 0; i < n; i++) {
    const item = pick(r, INVOICE_ITEMS);
    const qty = int(r, 1, 12);
    const unit = int(r, item.min, item.max);
    const amount = qty * unit; // LineAmount: exclusive or inclusive of tax per lat
    let taxCents = 0;
    if (inv.lat === "Exclusive") taxCents = Math.round((amount * tax.bp) / 10000);
    else if (inv.lat === "Inclusive") taxCents = Math.round((amount * tax.bp) / (10000 + tax.bp));
    // Totals need no ids: skip building the string but draw the same four numbers.
    const id = withIds ? uuid(r) : (r(), r(), r(), r(), "");
    lines.push({
      LineItemID: id,
      ItemCode: item.code,
      Description: item.desc,
      Quantity: qty,
      UnitAmount: unit,
      TaxType: inv.lat === "NoTax" ? "NONE" : tax.type,
      TaxAmount: taxCents,
      LineAmount: amount,
      AccountCode: inv.type === "ACCREC" ? pick(r, SALES_ACCOUNTS) : pick(r, PURCHASE_ACCOUNTS),
    });
  }
  return lines;
}

/** Sets sub / tax / total from the line items (integer cents, exact); credit notes and the like too. */
export function applyTotals(t: Tenant, inv: Pick<InvoiceRec, "seed" | "rev" | "type" | "lat" | "sub" | "tax" | "total">): void {
  const lines = invoiceLines(t, inv, false);
  let lineSum = 0;
  let tax = 0;
  for (const l of lines) {
    lineSum += l.LineAmount;
    tax += l.TaxAmount;
  }
  inv.tax = tax;
  if (inv.lat === "Inclusive") {
    inv.total = lineSum;
    inv.sub = lineSum - tax;
  } else {
    inv.sub = lineSum;
    inv.total = lineSum + tax;
  }
}

function shortCode(r: Rng): string {
  const A = "ABCDEFGHJKLMNPQRSTUVWXYZ";
  let s = "!";
  for (let i = 0; i < 5; i++) s += A[Math.floor(r() * A.length)];
  return s;
}

function newContact(t: Tenant, r: Rng, updatedMs: number, names: Set<string>): ContactRec {
  const person = r() < 0.25;
  const first = pick(r, FIRST);
  const last = pick(r, LAST);
  let name = person ? `${first} ${last}` : `${pick(r, ADJ)} ${pick(r, NOUN)} ${pick(r, SUFFIX)}`;
  // Xero requires contact names to be unique within an organisation.
  if (names.has(name)) {
    let k = 2;
    while (names.has(`${name} (${k})`)) k++;
    name = `${name} (${k})`;
  }
  names.add(name);
  const kind = r();
  return {
    id: uuid(r),
    seed: Math.floor(r() * 2 ** 32),
    rev: 0,
    status: "ACTIVE",
    name,
    first,
    last,
    isCustomer: kind < 0.7,
    isSupplier: kind >= 0.55,
    currency: r() < 0.85 ? t.profile.baseCurrency : pick(r, t.profile.foreign).code,
    updatedMs,
  };
}

interface InvoiceDraft {
  type: "ACCREC" | "ACCPAY";
  status: InvoiceStatus;
  dateDay: number;
  contact: number;
}

function newInvoice(t: Tenant, r: Rng, d: InvoiceDraft, updatedMs: number): InvoiceRec {
  const contact = t.contacts[d.contact];
  const currency = contact?.currency ?? t.profile.baseCurrency;
  const foreign = t.profile.foreign.find((f) => f.code === currency);
  const latRoll = r();
  const inv: InvoiceRec = {
    id: uuid(r),
    seed: Math.floor(r() * 2 ** 32),
    rev: 0,
    type: d.type,
    status: d.status,
    number: d.type === "ACCREC" ? `INV-${String(t.nextInvoiceNumber++).padStart(5, "0")}` : `BILL-${String(t.nextBillNumber++).padStart(5, "0")}`,
    reference: r() < 0.6 ? `PO-${int(r, 1000, 99999)}` : "",
    contact: d.contact,
    currency,
    // Xero's CurrencyRate: units of the invoice currency per unit of base currency.
    rate: foreign ? Math.round(foreign.rate * (1 + (r() - 0.5) * 0.04) * 10000) / 10000 : 1,
    lat: latRoll < 0.7 ? "Exclusive" : latRoll < 0.9 ? "Inclusive" : "NoTax",
    dateDay: d.dateDay,
    dueDay: d.dateDay + pick(r, [7, 14, 20, 30]),
    sub: 0,
    tax: 0,
    total: 0,
    paid: 0,
    payments: null,
    credited: 0,
    credits: null,
    updatedMs,
    sentToContact: d.type === "ACCREC" && d.status !== "DRAFT" && r() < 0.7,
  };
  applyTotals(t, inv);
  return inv;
}

export function addPayment(inv: InvoiceRec, r: Rng, cents: number, day: number, updatedMs: number): PaymentRec {
  const p: PaymentRec = { id: uuid(r), cents, day, updatedMs, reference: r() < 0.5 ? `Payment ${int(r, 100, 9999)}` : "", invoiceId: inv.id, status: "AUTHORISED" };
  inv.payments = [...(inv.payments ?? []), p];
  inv.paid += cents;
  settle(inv);
  return p;
}

function contactForType(t: Tenant, r: Rng, type: "ACCREC" | "ACCPAY"): number {
  const n = t.contacts.length;
  for (let tries = 0; tries < 8; tries++) {
    const i = Math.floor(r() * n);
    const c = t.contacts[i];
    if (c && (type === "ACCREC" ? c.isCustomer : c.isSupplier)) return i;
  }
  return Math.floor(r() * n);
}

/**
 * Builds one tenant. `anchorMs` is "now": every generated UpdatedDateUTC lies before it, and
 * overdue / recent is relative to it.
 */
export function generateTenant(seed: number, spec: TenantSpec, index: number, anchorMs: number): Tenant {
  const tseed = mix(seed, hashString(spec.name), index);
  const r = rng(tseed);
  const id = spec.tenantId ?? uuid(r);
  const profile = profileFor(spec, index);
  const nInvoices = Math.max(0, Math.floor(spec.invoices ?? 200));
  const nContacts = Math.max(1, Math.floor(spec.contacts ?? Math.max(10, Math.ceil(nInvoices / 4))));
  const today = dayOf(anchorMs);
  const spanDays = 720;
  const createdMs = (today - spanDays - 30) * DAY_MS + int(r, 0, DAY_MS - 1);
  const t: Tenant = {
    id, name: spec.name, shortCode: shortCode(r), profile, createdMs, seed: tseed,
    contacts: [], invoices: [], invoiceById: new Map(), contactById: new Map(),
    invoiceIndex: null, contactIndex: null, nextInvoiceNumber: 1, nextBillNumber: 1, mutationCounter: 0,
    records: {}, counters: {},
  };

  const names = new Set<string>();
  for (let i = 0; i < nContacts; i++) {
    const created = createdMs + Math.floor((anchorMs - createdMs - 60_000) * (i / nContacts) * 0.5);
    const c = newContact(t, r, created + Math.floor(r() * (anchorMs - created - 60_000)), names);
    if (r() < 0.06) c.status = "ARCHIVED";
    t.contacts.push(c);
    t.contactById.set(c.id, c);
  }

  // Invoice dates ascend with the invoice number; recent ones are more often open.
  for (let i = 0; i < nInvoices; i++) {
    const type = r() < 0.72 ? "ACCREC" : "ACCPAY";
    const dateDay = today - spanDays + Math.floor((spanDays * (i + r())) / Math.max(1, nInvoices));
    const age = today - dateDay;
    const roll = r();
    let status: InvoiceStatus;
    if (age < 45) status = roll < 0.15 ? "DRAFT" : roll < 0.22 ? "SUBMITTED" : roll < 0.75 ? "AUTHORISED" : roll < 0.96 ? "PAID" : "VOIDED";
    else status = roll < 0.02 ? "DRAFT" : roll < 0.12 ? "AUTHORISED" : roll < 0.9 ? "PAID" : roll < 0.95 ? "VOIDED" : "DELETED";
    const dateMs = dateDay * DAY_MS + int(r, 8, 17) * 3_600_000;
    const maxUpdated = anchorMs - 60_000;
    let updated = Math.min(maxUpdated, dateMs + int(r, 0, 3 * DAY_MS));
    const inv = newInvoice(t, r, { type, status: status === "PAID" ? "AUTHORISED" : status, dateDay, contact: contactForType(t, r, type) }, updated);
    if (status === "PAID") {
      const payDay = Math.min(today - 1, inv.dateDay + int(r, 0, inv.dueDay - inv.dateDay + 20));
      const payMs = Math.min(maxUpdated, payDay * DAY_MS + int(r, 9, 18) * 3_600_000);
      if (r() < 0.2 && inv.total > 200) {
        const first = Math.floor(inv.total * (0.3 + r() * 0.4));
        addPayment(inv, r, first, Math.max(inv.dateDay, payDay - 10), payMs - 10 * DAY_MS);
        addPayment(inv, r, inv.total - first, payDay, payMs);
      } else addPayment(inv, r, inv.total, payDay, payMs);
      updated = Math.max(updated, payMs);
    } else if (status === "AUTHORISED" && r() < 0.25 && inv.total > 200) {
      // Partly paid: AmountPaid + AmountDue = Total.
      const payDay = Math.min(today - 1, inv.dateDay + int(r, 0, 15));
      const payMs = Math.min(maxUpdated, payDay * DAY_MS + int(r, 9, 18) * 3_600_000);
      addPayment(inv, r, Math.floor(inv.total * (0.2 + r() * 0.6)), payDay, payMs);
      updated = Math.max(updated, payMs);
    }
    inv.updatedMs = Math.max(createdMs, Math.min(maxUpdated, updated));
    t.invoices.push(inv);
    t.invoiceById.set(inv.id, inv);
  }

  // A bulk edit: many records share one UpdatedDateUTC (Xero does this after batch actions).
  const shared = Math.min(nInvoices, spec.sharedTimestamp ?? Math.min(20, Math.floor(nInvoices / 10)));
  if (shared > 0) {
    const bulkMs = anchorMs - int(r, 2, 20) * DAY_MS - int(r, 0, DAY_MS);
    const start = Math.floor(r() * Math.max(1, nInvoices - shared));
    for (let i = start; i < start + shared; i++) {
      const inv = t.invoices[i];
      if (inv) inv.updatedMs = Math.max(inv.updatedMs, bulkMs);
    }
    const sharedContacts = Math.min(t.contacts.length, Math.ceil(shared / 10));
    for (let i = 0; i < sharedContacts; i++) {
      const c = t.contacts[i];
      if (c) c.updatedMs = bulkMs;
    }
  }
  return t;
}

export function invoiceIndex(t: Tenant): InvoiceRec[] {
  if (!t.invoiceIndex) t.invoiceIndex = [...t.invoices].sort(byUpdated);
  return t.invoiceIndex;
}

export function contactIndex(t: Tenant): ContactRec[] {
  if (!t.contactIndex) t.contactIndex = [...t.contacts].sort(byUpdated);
  return t.contactIndex;
}

function byUpdated(a: { updatedMs: number; id: string }, b: { updatedMs: number; id: string }): number {
  return a.updatedMs - b.updatedMs || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

export type InvoiceMutation = "create" | "edit" | "authorise" | "pay" | "void" | "delete";
export type ContactMutation = "create" | "edit" | "archive" | "unarchive";
export type { Change };

export const INVOICE_MUTATIONS: InvoiceMutation[] = ["create", "edit", "authorise", "pay", "void", "delete"];
export const CONTACT_MUTATIONS: ContactMutation[] = ["create", "edit", "archive", "unarchive"];

function eligible(inv: InvoiceRec, kind: InvoiceMutation): boolean {
  switch (kind) {
    case "edit":
      return inv.status === "DRAFT" || inv.status === "SUBMITTED" || (inv.status === "AUTHORISED" && inv.paid === 0 && inv.credited === 0);
    case "authorise":
    case "delete":
      return inv.status === "DRAFT" || inv.status === "SUBMITTED";
    case "pay":
      return inv.status === "AUTHORISED" && amountDue(inv) > 0;
    case "void":
      return inv.status === "AUTHORISED" && inv.paid === 0 && inv.credited === 0;
    default:
      return true;
  }
}

/**
 * Applies `count` changes "now" (UpdatedDateUTC = nowMs). Deterministic per tenant and
 * mutation call. Returns what changed, in order.
 */
export function mutate(t: Tenant, entity: Entity, count: number, kinds: string[] | undefined, nowMs: number): Change[] {
  const r = rng(mix(t.seed, ++t.mutationCounter, 0x3a7));
  const changes: Change[] = [];
  const iso = new Date(nowMs).toISOString();
  if (entity === "invoices") {
    const allowed = (kinds?.length ? kinds : INVOICE_MUTATIONS).filter((k): k is InvoiceMutation => (INVOICE_MUTATIONS as string[]).includes(k));
    if (!allowed.length) throw new Error(`unknown invoice mutation kinds: ${kinds?.join(",")}`);
    const touched = new Set<string>();
    for (let n = 0; n < count; n++) {
      const kind = pick(r, allowed);
      let inv: InvoiceRec | undefined;
      if (kind === "create" || t.invoices.length === 0) {
        const type = r() < 0.72 ? "ACCREC" : "ACCPAY";
        inv = newInvoice(t, r, { type, status: r() < 0.5 ? "DRAFT" : "AUTHORISED", dateDay: dayOf(nowMs), contact: contactForType(t, r, type) }, nowMs);
        t.invoices.push(inv);
        t.invoiceById.set(inv.id, inv);
        changes.push({ entity, id: inv.id, kind: "create", eventType: "CREATE", status: inv.status, updatedDateUtc: iso });
        touched.add(inv.id);
        continue;
      }
      // Find an eligible record not yet touched in this call (bounded random probing, then scan).
      for (let tries = 0; tries < 50 && !inv; tries++) {
        const c = t.invoices[Math.floor(r() * t.invoices.length)];
        if (c && !touched.has(c.id) && eligible(c, kind)) inv = c;
      }
      if (!inv) inv = t.invoices.find((c) => !touched.has(c.id) && eligible(c, kind));
      if (!inv) continue;
      touched.add(inv.id);
      switch (kind) {
        case "edit":
          inv.rev++;
          inv.reference = `PO-${int(r, 1000, 99999)}`;
          applyTotals(t, inv);
          break;
        case "authorise":
          inv.status = "AUTHORISED";
          break;
        case "delete":
          inv.status = "DELETED";
          break;
        case "void":
          inv.status = "VOIDED";
          break;
        case "pay": {
          const due = amountDue(inv);
          const p = addPayment(inv, r, r() < 0.6 ? due : Math.max(1, Math.floor(due / 2)), dayOf(nowMs), nowMs);
          // GET /Payments serves the same object.
          addRecord(t, "payments", p);
          break;
        }
      }
      inv.updatedMs = nowMs;
      changes.push({ entity, id: inv.id, kind, eventType: "UPDATE", status: inv.status, updatedDateUtc: iso });
    }
    t.invoiceIndex = null;
  } else {
    const allowed = (kinds?.length ? kinds : CONTACT_MUTATIONS).filter((k): k is ContactMutation => (CONTACT_MUTATIONS as string[]).includes(k));
    if (!allowed.length) throw new Error(`unknown contact mutation kinds: ${kinds?.join(",")}`);
    const names = new Set(t.contacts.map((c) => c.name));
    const touched = new Set<string>();
    for (let n = 0; n < count; n++) {
      const kind = pick(r, allowed);
      if (kind === "create") {
        const c = newContact(t, r, nowMs, names);
        t.contacts.push(c);
        t.contactById.set(c.id, c);
        changes.push({ entity, id: c.id, kind, eventType: "CREATE", status: c.status, updatedDateUtc: iso });
        continue;
      }
      const ok = (c: ContactRec) => !touched.has(c.id) && (kind === "archive" ? c.status === "ACTIVE" : kind === "unarchive" ? c.status === "ARCHIVED" : true);
      let c: ContactRec | undefined;
      for (let tries = 0; tries < 50 && !c; tries++) {
        const x = t.contacts[Math.floor(r() * t.contacts.length)];
        if (x && ok(x)) c = x;
      }
      if (!c) c = t.contacts.find(ok);
      if (!c) continue;
      touched.add(c.id);
      if (kind === "edit") c.rev++;
      else c.status = kind === "archive" ? "ARCHIVED" : "ACTIVE";
      c.updatedMs = nowMs;
      changes.push({ entity, id: c.id, kind, eventType: "UPDATE", status: c.status, updatedDateUtc: iso });
    }
    t.contactIndex = null;
  }
  return changes;
}

/** Contact details that derive from (seed, rev): email, phones, address. */
export function contactDetails(t: Tenant, c: ContactRec) {
  const r = rng(mix(c.seed, c.rev, 0xc0));
  const domain = c.name.toLowerCase().replace(/[^a-z0-9]+/g, "").slice(0, 18) || "example";
  return {
    email: `${c.first.toLowerCase()}.${c.last.toLowerCase()}${c.rev ? c.rev : ""}@${domain}.example.com`,
    phone: `${int(r, 200, 999)} ${int(r, 1000, 9999)}`,
    area: String(int(r, 2, 9)),
    street: `${int(r, 1, 400)} ${pick(r, ["Queen", "King", "Victoria", "George", "High", "Station", "Church", "Park"])} Street`,
    city: t.profile.city,
    region: t.profile.region,
    postalCode: t.profile.postalCode,
    accountNumber: `ACC-${int(r, 10000, 99999)}`,
  };
}
