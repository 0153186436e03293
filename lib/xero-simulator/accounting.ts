/**
 * Accounting API 2.0: /Invoices, /Invoices/{id}, /Contacts, /Contacts/{id}, /Organisation.
 *
 * Semantics (Xero's, as far as documented; choices marked "sim:"):
 * - If-Modified-Since: records with UpdatedDateUTC >= the header, compared at whole seconds
 *   (Xero documents second precision; the record at the cursor comes back again).
 * - page is 1-based; pageSize 1..1000, default 100 when paging. Without page (and without
 *   pageSize), Xero returns every matching record and leaves invoice line items out; with page,
 *   line items are included and a `pagination` block is added. sim: pageSize alone implies page 1.
 * - order: comma-separated `Field [ASC|DESC]`; ties always break on the record id (stable).
 *   sim: default order is UpdatedDateUTC ASC, then id.
 * - Contacts with ContactStatus ARCHIVED only with includeArchived=true. Invoices come back in every
 *   status, DELETED and VOIDED included.
 * - summaryOnly=true leaves out line items, payments and the heavier contact details.
 */
import { type ContactRec, type InvoiceRec, type Tenant, amountDue, contactDetails, contactIndex, invoiceIndex, invoiceLines } from "./data";
import { sortedIndex, store } from "./entities/store";
import type { QueryParams, SimEntity, SimRecord } from "./entities/types";
import { DAY_MS, dayString, money, msDate, msDay } from "./format";
import { type Ctx, HttpError, sendJson } from "./http";
import { type Authenticated, forbidden, tenantsOf } from "./identity";
import type { Sim } from "./state";
import { type Accessor, compileWhere } from "./where";

export function validationError(message: string): HttpError {
  return new HttpError(400, { ErrorNumber: 10, Type: "ValidationException", Message: message, Elements: [] });
}

/** Query parameters are case-insensitive in Xero (a .NET service). */
function q(ctx: Ctx, name: string): string | null {
  const lower = name.toLowerCase();
  for (const [k, v] of ctx.query) if (k.toLowerCase() === lower) return v;
  return null;
}

function bool(ctx: Ctx, name: string): boolean {
  return (q(ctx, name) ?? "").toLowerCase() === "true";
}

/**
 * The organisation this request reads. Xero answers 403 AuthenticationUnsuccessful when the
 * tenant is not connected for this grant, and also when xero-tenant-id is missing on an
 * authorization-code token (NangoHQ/nango#203). A Custom Connection token may omit it: it has
 * one organisation.
 */
export function resolveTenant(sim: Sim, ctx: Ctx, auth: Authenticated): Tenant {
  const header = String(ctx.req.headers["xero-tenant-id"] ?? "").trim();
  const allowed = tenantsOf(sim, auth.grant);
  let id = header;
  if (!id && auth.grant.kind === "client_credentials") id = allowed[0] ?? "";
  ctx.log.tenantId = id || null;
  const t = sim.tenants.get(id.toLowerCase()) ?? sim.tenants.get(id);
  if (!t || !allowed.includes(t.id)) throw forbidden();
  return t;
}

const SCOPE_FOR: Record<string, string[]> = {
  invoices: ["accounting.transactions", "accounting.transactions.read", "accounting.invoices", "accounting.invoices.read"],
  contacts: ["accounting.contacts", "accounting.contacts.read"],
  organisation: ["accounting.settings", "accounting.settings.read"],
};

/** Missing scope: Xero answers 401 with Detail "AuthorizationUnsuccessful". */
export function requireScope(auth: Authenticated, what: keyof typeof SCOPE_FOR): void {
  requireAnyScope(auth, SCOPE_FOR[what] ?? []);
}

function requireAnyScope(auth: Authenticated, scopes: string[]): void {
  const ok = scopes.some((s) => auth.grant.scopes.includes(s));
  if (!ok) throw new HttpError(401, { Type: null, Title: "Unauthorized", Status: 401, Detail: "AuthorizationUnsuccessful", Instance: auth.grant.id, Extensions: {} }, { "WWW-Authenticate": `Bearer error="insufficient_scope"` });
}

function envelope(sim: Sim, clientName: string, key: string, items: unknown[], pagination?: Record<string, number>) {
  return {
    Id: sim.newId(),
    Status: "OK",
    ProviderName: clientName,
    DateTimeUTC: `/Date(${sim.clock.now()})/`,
    ...(pagination ? { pagination } : {}),
    [key]: items,
  };
}

// ---------------------------------------------------------------- JSON shapes

function invoiceJson(t: Tenant, inv: InvoiceRec, detail: "full" | "list" | "summary") {
  const c = t.contacts[inv.contact];
  const out: Record<string, unknown> = {
    Type: inv.type,
    InvoiceID: inv.id,
    InvoiceNumber: inv.number,
    Reference: inv.reference,
  };
  if (detail !== "summary") {
    out.Payments = (inv.payments ?? []).map((p) => ({
      PaymentID: p.id,
      Date: msDay(p.day),
      Amount: money(p.cents),
      Reference: p.reference,
      CurrencyRate: inv.rate,
      HasAccount: false,
      HasValidationErrors: false,
    }));
    out.CreditNotes = creditsJson(t, inv, "creditNotes");
    out.Prepayments = creditsJson(t, inv, "prepayments");
    out.Overpayments = creditsJson(t, inv, "overpayments");
  }
  out.AmountDue = money(amountDue(inv));
  out.AmountPaid = money(inv.paid);
  out.AmountCredited = money(inv.credited);
  out.CurrencyRate = inv.rate;
  out.IsDiscounted = false;
  out.HasAttachments = false;
  out.InvoiceAddresses = [];
  out.HasErrors = false;
  out.Contact = c
    ? detail === "summary"
      ? { ContactID: c.id, Name: c.name }
      : { ContactID: c.id, Name: c.name, Addresses: [], Phones: [], ContactGroups: [], ContactPersons: [], HasValidationErrors: false }
    : undefined;
  out.DateString = dayString(inv.dateDay);
  out.Date = msDay(inv.dateDay);
  out.DueDateString = dayString(inv.dueDay);
  out.DueDate = msDay(inv.dueDay);
  out.Status = inv.status;
  out.LineAmountTypes = inv.lat;
  if (detail === "full") {
    out.LineItems = invoiceLines(t, inv).map((l) => ({
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
  out.SubTotal = money(inv.sub);
  out.TotalTax = money(inv.tax);
  out.Total = money(inv.total);
  out.UpdatedDateUTC = msDate(inv.updatedMs);
  out.CurrencyCode = inv.currency;
  if (inv.status === "PAID") {
    const last = inv.payments?.[inv.payments.length - 1];
    if (last) out.FullyPaidOnDate = msDay(last.day);
  }
  if (inv.type === "ACCREC") out.SentToContact = inv.sentToContact;
  return out;
}

/** An invoice's allocated credits of one kind, as Xero lists them on the invoice. */
function creditsJson(t: Tenant, inv: InvoiceRec, entity: "creditNotes" | "prepayments" | "overpayments") {
  const out: Record<string, unknown>[] = [];
  for (const c of inv.credits ?? []) {
    if (c.entity !== entity) continue;
    const doc = store<{ id: string; updatedMs: number; number?: string; total?: number }>(t, entity).byId.get(c.id);
    const key = entity === "creditNotes" ? "CreditNoteID" : entity === "prepayments" ? "PrepaymentID" : "OverpaymentID";
    out.push({
      [key]: c.id,
      ...(entity === "creditNotes" && doc?.number ? { CreditNoteNumber: doc.number } : {}),
      AppliedAmount: money(c.cents),
      Date: msDay(c.day),
      LineItems: [],
      ...(doc?.total !== undefined ? { Total: money(doc.total) } : {}),
    });
  }
  return out;
}

function contactJson(t: Tenant, c: ContactRec, summary: boolean) {
  const d = contactDetails(t, c);
  const out: Record<string, unknown> = {
    ContactID: c.id,
    AccountNumber: d.accountNumber,
    ContactStatus: c.status,
    Name: c.name,
    FirstName: c.first,
    LastName: c.last,
    EmailAddress: d.email,
  };
  if (!summary) {
    out.BankAccountDetails = "";
    out.Addresses = [
      { AddressType: "STREET", AddressLine1: d.street, City: d.city, Region: d.region, PostalCode: d.postalCode, Country: "", AttentionTo: "" },
      { AddressType: "POBOX", AddressLine1: `PO Box ${d.postalCode}`, City: d.city, Region: d.region, PostalCode: d.postalCode, Country: "", AttentionTo: "" },
    ];
    out.Phones = [
      { PhoneType: "DEFAULT", PhoneNumber: d.phone, PhoneAreaCode: d.area, PhoneCountryCode: t.profile.phoneCountry },
      { PhoneType: "DDI", PhoneNumber: "", PhoneAreaCode: "", PhoneCountryCode: "" },
      { PhoneType: "FAX", PhoneNumber: "", PhoneAreaCode: "", PhoneCountryCode: "" },
      { PhoneType: "MOBILE", PhoneNumber: "", PhoneAreaCode: "", PhoneCountryCode: "" },
    ];
    out.ContactGroups = [];
    out.ContactPersons = [];
    out.HasAttachments = false;
    out.HasValidationErrors = false;
  }
  out.UpdatedDateUTC = msDate(c.updatedMs);
  out.IsSupplier = c.isSupplier;
  out.IsCustomer = c.isCustomer;
  out.DefaultCurrency = c.currency;
  return out;
}

export function organisationJson(t: Tenant) {
  const p = t.profile;
  return {
    OrganisationID: t.id,
    APIKey: "",
    Name: t.name,
    LegalName: t.name.replace(/\s*\(.*\)\s*$/, "") + " Limited",
    PaysTax: true,
    Version: p.version,
    OrganisationType: "COMPANY",
    BaseCurrency: p.baseCurrency,
    CountryCode: p.countryCode,
    IsDemoCompany: false,
    OrganisationStatus: "ACTIVE",
    FinancialYearEndDay: 31,
    FinancialYearEndMonth: 3,
    SalesTaxBasis: p.salesTaxBasis,
    SalesTaxPeriod: p.salesTaxPeriod,
    DefaultSalesTax: "Tax Exclusive",
    DefaultPurchasesTax: "Tax Inclusive",
    CreatedDateUTC: msDate(t.createdMs),
    OrganisationEntityType: "COMPANY",
    Timezone: p.timezone,
    ShortCode: t.shortCode,
    Edition: "BUSINESS",
    Class: "PREMIUM",
    LineOfBusiness: "Professional services",
    Addresses: [{ AddressType: "STREET", AddressLine1: "1 Market Street", City: p.city, Region: p.region, PostalCode: p.postalCode, Country: "" }],
    Phones: [],
    ExternalLinks: [],
    PaymentTerms: {},
  };
}

// ---------------------------------------------------------------- query handling

interface Order<T> {
  keys: { get: (r: T) => string | number; desc: boolean }[];
  isDefault: boolean;
  updatedDesc: boolean;
}

const INVOICE_FIELDS: Record<string, (t: Tenant, r: InvoiceRec) => string | number | boolean | null> = {
  invoiceid: (_t, r) => r.id,
  invoicenumber: (_t, r) => r.number,
  reference: (_t, r) => r.reference,
  type: (_t, r) => r.type,
  status: (_t, r) => r.status,
  "contact.contactid": (_t, r) => _t.contacts[r.contact]?.id ?? null,
  "contact.name": (_t, r) => _t.contacts[r.contact]?.name ?? null,
  date: (_t, r) => r.dateDay * DAY_MS,
  duedate: (_t, r) => r.dueDay * DAY_MS,
  updateddateutc: (_t, r) => r.updatedMs,
  subtotal: (_t, r) => r.sub / 100,
  totaltax: (_t, r) => r.tax / 100,
  total: (_t, r) => r.total / 100,
  amountdue: (_t, r) => amountDue(r) / 100,
  amountpaid: (_t, r) => r.paid / 100,
  amountcredited: (_t, r) => r.credited / 100,
  currencycode: (_t, r) => r.currency,
  senttocontact: (_t, r) => r.sentToContact,
};

const CONTACT_FIELDS: Record<string, (t: Tenant, r: ContactRec) => string | number | boolean | null> = {
  contactid: (_t, r) => r.id,
  name: (_t, r) => r.name,
  firstname: (_t, r) => r.first,
  lastname: (_t, r) => r.last,
  contactstatus: (_t, r) => r.status,
  emailaddress: (t, r) => contactDetails(t, r).email,
  iscustomer: (_t, r) => r.isCustomer,
  issupplier: (_t, r) => r.isSupplier,
  updateddateutc: (_t, r) => r.updatedMs,
  defaultcurrency: (_t, r) => r.currency,
};

function accessor<T>(t: Tenant, fields: Record<string, (t: Tenant, r: T) => string | number | boolean | null>): Accessor<T> {
  return (rec, field) => {
    const f = fields[field.toLowerCase()];
    if (!f) return undefined;
    return rec === null ? null : f(t, rec);
  };
}

function parseOrder<T extends { id: string }>(src: string | null, t: Tenant, fields: Record<string, (t: Tenant, r: T) => string | number | boolean | null>): Order<T> {
  if (!src || !src.trim()) return { keys: [], isDefault: true, updatedDesc: false };
  const keys: Order<T>["keys"] = [];
  for (const part of src.split(",")) {
    const m = /^\s*([A-Za-z.]+)(?:\s+(ASC|DESC))?\s*$/i.exec(part);
    const f = m?.[1] ? fields[m[1].toLowerCase()] : undefined;
    if (!m || !f) throw validationError(`Invalid order by clause: '${part.trim()}'`);
    keys.push({ get: (r: T) => { const v = f(t, r); return typeof v === "boolean" ? Number(v) : (v ?? ""); }, desc: (m[2] ?? "").toUpperCase() === "DESC" });
  }
  const only = src.trim().split(/\s+/);
  const updatedOnly = keys.length === 1 && only[0]?.toLowerCase() === "updateddateutc";
  return { keys, isDefault: updatedOnly, updatedDesc: updatedOnly && keys[0]?.desc === true };
}

interface Paging {
  page: number;
  pageSize: number;
}

function parsePaging(ctx: Ctx): Paging | null {
  const pageS = q(ctx, "page");
  const sizeS = q(ctx, "pageSize");
  if (pageS === null && sizeS === null) return null;
  const page = pageS === null ? 1 : Number(pageS);
  const pageSize = sizeS === null ? 100 : Number(sizeS);
  if (!Number.isInteger(page) || page < 1) throw validationError("The page parameter must be a positive integer");
  if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > 1000) throw validationError("The pageSize parameter must be an integer between 1 and 1000");
  return { page, pageSize };
}

/** If-Modified-Since as ms truncated to the second, or null. */
function parseIfModifiedSince(ctx: Ctx): number | null {
  const h = ctx.req.headers["if-modified-since"];
  if (h === undefined || h === "") return null;
  const ms = Date.parse(String(h));
  if (Number.isNaN(ms)) throw validationError(`The If-Modified-Since header is not a valid date: '${String(h)}'`);
  return Math.floor(ms / 1000) * 1000;
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function idList(ctx: Ctx, name: string): Set<string> | null {
  const v = q(ctx, name);
  if (v === null || v.trim() === "") return null;
  const ids = v.split(",").map((s) => s.trim().toLowerCase()).filter(Boolean);
  for (const id of ids) if (!GUID.test(id)) throw validationError(`'${id}' is not a valid GUID in ${name}`);
  return new Set(ids);
}

function firstAtOrAfter<T extends { updatedMs: number }>(sorted: T[], ms: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((sorted[mid]?.updatedMs ?? 0) < ms) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Filters, orders and pages. The common sync query (If-Modified-Since + UpdatedDateUTC order)
 * walks the cached (UpdatedDateUTC, id) index from a binary-searched start without copying it.
 */
function select<T extends { id: string; updatedMs: number }>(
  ctx: Ctx,
  t: Tenant,
  index: T[],
  fields: Record<string, (t: Tenant, r: T) => string | number | boolean | null>,
  filters: ((r: T) => boolean)[],
  opts: { paged?: boolean; modifiedSince?: boolean; where?: boolean } = {},
): { rows: T[]; paging: Paging | null; itemCount: number } {
  const paging = opts.paged === false ? null : parsePaging(ctx);
  const since = opts.modifiedSince === false ? null : parseIfModifiedSince(ctx);
  const order = parseOrder(q(ctx, "order"), t, fields);
  const where = opts.where === false ? null : q(ctx, "where");
  if (where && where.trim()) {
    try {
      filters.push(compileWhere(where, accessor(t, fields)));
    } catch (e) {
      throw validationError(`Invalid where clause: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  const start = since === null ? 0 : firstAtOrAfter(index, since);
  let matched: T[];
  if (filters.length === 0) matched = start === 0 ? index : index.slice(start);
  else {
    matched = [];
    for (let i = start; i < index.length; i++) {
      const r = index[i] as T;
      if (filters.every((f) => f(r))) matched.push(r);
    }
  }
  let ordered = matched;
  if (!order.isDefault) {
    ordered = [...matched].sort((a, b) => {
      for (const k of order.keys) {
        const x = k.get(a);
        const y = k.get(b);
        const c = typeof x === "number" && typeof y === "number" ? x - y : String(x).localeCompare(String(y));
        if (c !== 0) return k.desc ? -c : c;
      }
      return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
    });
  } else if (order.updatedDesc) {
    // Newest first; ties still by id ascending.
    ordered = [...matched].sort((a, b) => b.updatedMs - a.updatedMs || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }
  if (!paging) return { rows: ordered, paging, itemCount: ordered.length };
  const from = (paging.page - 1) * paging.pageSize;
  return { rows: ordered.slice(from, from + paging.pageSize), paging, itemCount: ordered.length };
}

function pagination(p: Paging, itemCount: number) {
  return { page: p.page, pageSize: p.pageSize, pageCount: Math.ceil(itemCount / p.pageSize), itemCount };
}

export interface ListResult {
  /** Page number served (1 when unpaged), for mutate-between-pages faults. */
  page: number;
}

/** Applies a bad-value fault to a list answer's records (Xero sending a field it should not). */
function spoil<T extends object>(ctx: Ctx, records: T[]): T[] {
  const first = records[0];
  if (ctx.badValue && first) (first as Record<string, unknown>)[ctx.badValue.field] = ctx.badValue.value;
  return records;
}

export function listInvoices(sim: Sim, ctx: Ctx, auth: Authenticated, t: Tenant, clientName: string): ListResult {
  requireScope(auth, "invoices");
  const filters: ((r: InvoiceRec) => boolean)[] = [];
  const ids = idList(ctx, "IDs");
  if (ids) filters.push((r) => ids.has(r.id));
  const contactIds = idList(ctx, "ContactIDs");
  if (contactIds) filters.push((r) => contactIds.has(t.contacts[r.contact]?.id ?? ""));
  const numbers = q(ctx, "InvoiceNumbers");
  if (numbers) {
    const set = new Set(numbers.split(",").map((s) => s.trim()));
    filters.push((r) => set.has(r.number));
  }
  const statuses = q(ctx, "Statuses");
  if (statuses) {
    const set = new Set(statuses.split(",").map((s) => s.trim().toUpperCase()));
    filters.push((r) => set.has(r.status));
  }
  const search = q(ctx, "searchTerm");
  if (search) {
    const s = search.toLowerCase();
    filters.push((r) => r.number.toLowerCase().includes(s) || r.reference.toLowerCase().includes(s));
  }
  const unitdp = q(ctx, "unitdp");
  if (unitdp !== null && unitdp !== "2" && unitdp !== "4") throw validationError("unitdp must be 2 or 4");
  const { rows, paging, itemCount } = select(ctx, t, invoiceIndex(t), INVOICE_FIELDS, filters);
  const detail = bool(ctx, "summaryOnly") ? "summary" : paging ? "full" : "list";
  sendJson(ctx.res, 200, envelope(sim, clientName, "Invoices", spoil(ctx, rows.map((r) => invoiceJson(t, r, detail))), paging ? pagination(paging, itemCount) : undefined), rateHeaders(ctx));
  return { page: paging?.page ?? 1 };
}

export function getInvoice(sim: Sim, ctx: Ctx, auth: Authenticated, t: Tenant, clientName: string, id: string): void {
  requireScope(auth, "invoices");
  // Xero accepts an InvoiceID or an InvoiceNumber here.
  const inv = t.invoiceById.get(id.toLowerCase()) ?? t.invoices.find((i) => i.number === id);
  if (!inv) throw notFound();
  sendJson(ctx.res, 200, envelope(sim, clientName, "Invoices", [invoiceJson(t, inv, "full")]), rateHeaders(ctx));
}

export function listContacts(sim: Sim, ctx: Ctx, auth: Authenticated, t: Tenant, clientName: string): ListResult {
  requireScope(auth, "contacts");
  const filters: ((r: ContactRec) => boolean)[] = [];
  if (!bool(ctx, "includeArchived")) filters.push((r) => r.status !== "ARCHIVED");
  const ids = idList(ctx, "IDs");
  if (ids) filters.push((r) => ids.has(r.id));
  const search = q(ctx, "searchTerm");
  if (search) {
    const s = search.toLowerCase();
    filters.push((r) => r.name.toLowerCase().includes(s) || r.first.toLowerCase().includes(s) || r.last.toLowerCase().includes(s));
  }
  const { rows, paging, itemCount } = select(ctx, t, contactIndex(t), CONTACT_FIELDS, filters);
  const summary = bool(ctx, "summaryOnly");
  sendJson(ctx.res, 200, envelope(sim, clientName, "Contacts", spoil(ctx, rows.map((r) => contactJson(t, r, summary))), paging ? pagination(paging, itemCount) : undefined), rateHeaders(ctx));
  return { page: paging?.page ?? 1 };
}

export function getContact(sim: Sim, ctx: Ctx, auth: Authenticated, t: Tenant, clientName: string, id: string): void {
  requireScope(auth, "contacts");
  const c = t.contactById.get(id.toLowerCase()) ?? t.contacts.find((x) => x.name === id);
  if (!c) throw notFound();
  sendJson(ctx.res, 200, envelope(sim, clientName, "Contacts", [contactJson(t, c, false)]), rateHeaders(ctx));
}

function queryParams(ctx: Ctx): QueryParams {
  return {
    get: (name) => q(ctx, name),
    bool: (name) => bool(ctx, name),
    ids: (name) => idList(ctx, name),
    upper: (name) => {
      const v = q(ctx, name);
      if (v === null || v.trim() === "") return null;
      return new Set(v.split(",").map((s) => s.trim().toUpperCase()).filter(Boolean));
    },
    invalid: (message) => validationError(message),
  };
}

/** How many records an `offset` endpoint (Journals) answers at most. */
const OFFSET_BATCH = 100;

/** GET /{Endpoint} for every registry fixture. */
export function listEntity(sim: Sim, ctx: Ctx, auth: Authenticated, t: Tenant, clientName: string, fx: SimEntity): ListResult {
  requireAnyScope(auth, fx.scopes);
  const query = queryParams(ctx);
  const filters = fx.filters?.(query, t) ?? [];
  const summary = bool(ctx, "summaryOnly");
  const opts = { paged: fx.paging === "paged", modifiedSince: fx.modifiedSince !== false, where: fx.where !== false };
  if (fx.paging === "offset") {
    const offsetOf = fx.offsetOf;
    if (!offsetOf) throw new Error(`${fx.name}: paging "offset" needs offsetOf`);
    const raw = q(ctx, "offset");
    const offset = raw === null || raw === "" ? 0 : Number(raw);
    if (!Number.isInteger(offset) || offset < 0) throw validationError("The offset parameter must be a whole number");
    // The list is kept in offset order (records are only appended): find the offset by binary
    // search and walk up to the batch, so a walk of 200,000 journals stays linear.
    const since = opts.modifiedSince ? parseIfModifiedSince(ctx) : null;
    const list = store(t, fx.name).list;
    let lo = 0;
    let hi = list.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (offsetOf(list[mid] as SimRecord) <= offset) lo = mid + 1;
      else hi = mid;
    }
    const out: SimRecord[] = [];
    for (let i = lo; i < list.length && out.length < OFFSET_BATCH; i++) {
      const r = list[i] as SimRecord;
      if ((since === null || r.updatedMs >= since) && filters.every((f) => f(r))) out.push(r);
    }
    sendJson(ctx.res, 200, envelope(sim, clientName, fx.endpoint, spoil(ctx, out.map((r) => fx.json(t, r, { paged: false, summary, query })))), rateHeaders(ctx));
    return { page: 1 };
  }
  const { rows, paging, itemCount } = select(ctx, t, sortedIndex<SimRecord>(t, fx.name), fx.fields, filters, opts);
  const paged = paging !== null;
  sendJson(ctx.res, 200, envelope(sim, clientName, fx.endpoint, spoil(ctx, rows.map((r) => fx.json(t, r, { paged, summary, query }))), paging ? pagination(paging, itemCount) : undefined), rateHeaders(ctx));
  return { page: paging?.page ?? 1 };
}

/** GET /{Endpoint}/{id}: the full record (line items included, as Xero answers a single record). */
export function getEntity(sim: Sim, ctx: Ctx, auth: Authenticated, t: Tenant, clientName: string, fx: SimEntity, ref: string): void {
  requireAnyScope(auth, fx.scopes);
  const rec = store(t, fx.name).byId.get(ref.toLowerCase()) ?? fx.lookup?.(t, ref);
  if (!rec) throw notFound();
  sendJson(ctx.res, 200, envelope(sim, clientName, fx.endpoint, [fx.json(t, rec, { paged: true, summary: false, single: true, query: queryParams(ctx) })]), rateHeaders(ctx));
}

export function getOrganisation(sim: Sim, ctx: Ctx, auth: Authenticated, t: Tenant, clientName: string): void {
  requireScope(auth, "organisation");
  sendJson(ctx.res, 200, envelope(sim, clientName, "Organisations", [organisationJson(t)]), rateHeaders(ctx));
}

/** Xero's 404 for an unknown resource id is plain text. */
function notFound(): HttpError {
  return new HttpError(404, "The resource you're looking for cannot be found");
}

/** Rate-limit headers computed by the router are stashed on the response object. */
export function rateHeaders(ctx: Ctx): Record<string, string> {
  return (ctx.res as unknown as { simRateHeaders?: Record<string, string> }).simRateHeaders ?? {};
}
