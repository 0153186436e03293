/**
 * The fixture interface: one object per Xero entity, served by one generic machinery (routing,
 * If-Modified-Since, where / order / paging, GET by id, /__sim/mutate, /__sim/state, faults,
 * persistence, webhooks). A fixture file keeps its records compact (ids, status, money in cents,
 * a seed) and regenerates the rest of Xero's JSON from them on demand.
 */
import type { Tenant } from "../data";
import type { Rng } from "../prng";

/** What every stored record has: its key (a GUID, or TaxType for tax rates) and UpdatedDateUTC in ms. */
export interface SimRecord {
  id: string;
  updatedMs: number;
}

/** One fixture's records in one organisation. */
export interface EntityStore<R extends SimRecord = SimRecord> {
  /** In creation order (what /__sim/state lists). */
  list: R[];
  /** By lower-cased id. */
  readonly byId: Map<string, R>;
  /** Hard-deleted records (gone from every answer; /__sim/state?entity=…&deleted=1). */
  deleted: R[];
  /** Cached sort by (updatedMs, id); null after a change. */
  index: R[] | null;
}

/** One change a mutation made, as /__sim/mutate answers it and webhooks announce it. */
export interface Change {
  /** The fixture's name ("invoices", "payments", …). */
  entity: string;
  id: string;
  kind: string;
  eventType: "CREATE" | "UPDATE";
  status: string;
  updatedDateUtc: string;
}

/** Query parameters of one list request (names are case-insensitive, as in Xero). */
export interface QueryParams {
  get(name: string): string | null;
  /** `name=true` */
  bool(name: string): boolean;
  /** A comma-separated GUID list (lower-cased), or null; a malformed GUID is Xero's 400. */
  ids(name: string): Set<string> | null;
  /** A comma-separated list, upper-cased (Statuses=…), or null. */
  upper(name: string): Set<string> | null;
  /** Xero's 400 ValidationException with this message, to throw for a bad parameter. */
  invalid(message: string): Error;
}

export type FieldValue = string | number | boolean | null;

export interface SimEntity<R extends SimRecord = SimRecord> {
  /** Control API name: "payments". */
  name: string;
  /** Xero's URL segment (matched case-insensitively) and envelope key: "Payments". */
  endpoint: string;
  /** Any one of these grants read; without one Xero answers 401 AuthorizationUnsuccessful. */
  scopes: string[];
  /**
   * paged: page / pageSize (≤ 1000) as for invoices; unpaged: page / pageSize ignored, every record
   * in one answer; offset: `offset` = offsetOf(record), the next 100 above it, ascending (the
   * store's list is kept in that order; no `where`, `order` or `page`, as Journals).
   */
  paging: "paged" | "unpaged" | "offset";
  /** For paging "offset": the record's position (Journals: JournalNumber). */
  offsetOf?(rec: R): number;
  /** Whether the endpoint honours If-Modified-Since (false where the record has no UpdatedDateUTC). Default true. */
  modifiedSince?: boolean;
  /** Whether the endpoint takes `where` (PurchaseOrders does not: it is ignored). Default true. */
  where?: boolean;
  /** How many records an organisation gets by default, in proportion to its invoices. */
  defaultCount(t: Tenant): number;
  /**
   * Seeds `count` records at reset (after the invoices, contacts and every fixture listed before this
   * one in the registry), deterministically from `r`; every UpdatedDateUTC lies before `anchorMs`.
   * May adjust related records (a payment changes its invoice's AmountPaid).
   */
  generate(t: Tenant, r: Rng, count: number, anchorMs: number): R[];
  /** Re-links cross references after a restore from the state file (optional). */
  relink?(t: Tenant): void;
  /**
   * Xero's JSON for one record; `paged`: `page` was sent (line items); `summary`: summaryOnly=true;
   * `single`: GET /{Endpoint}/{id}; `query`: the request's parameters (includeArchived, …).
   */
  json(t: Tenant, rec: R, opts: { paged: boolean; summary: boolean; single?: boolean; query?: QueryParams }): Record<string, unknown>;
  /** Fields for `where` and `order`, by lower-cased Xero name (dates as ms, money as units). */
  fields: Record<string, (t: Tenant, r: R) => FieldValue>;
  /** Filters from the endpoint's own query parameters (Statuses, IDs, includeArchived, …). */
  filters?(q: QueryParams, t: Tenant): ((r: R) => boolean)[];
  /** GET /{Endpoint}/{ref} when `ref` is not an id (CreditNoteNumber, …). */
  lookup?(t: Tenant, ref: string): R | undefined;
  /** Kinds for POST /__sim/mutate {entity, kinds}; the default draws among all of them. */
  mutations: string[];
  /**
   * Applies one change of `kind` "now" to a record not in `touched` (add the ids you change).
   * Returns what changed: this entity's record first, then related records it touched (an invoice
   * a deleted payment reopens); [] when no record is eligible.
   */
  mutate(t: Tenant, r: Rng, kind: string, nowMs: number, touched: Set<string>): Change[];
  /** The truth for GET /__sim/state?entity=… (plain JSON: ids, status, money as "12.34", ISO dates). */
  state(t: Tenant, rec: R): Record<string, unknown>;
  /** Only where Xero sends webhooks (INVOICE, CONTACT and CREDITNOTE). */
  webhooks?: { eventCategory: string };
  /**
   * Follows every mutation's changes, of any entity, after they are applied (the journals post what
   * the documents did). What it adds is not reported: no webhook, not in /__sim/mutate's answer.
   */
  react?(t: Tenant, changes: Change[], nowMs: number): void;
}
