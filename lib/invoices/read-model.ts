import { and, count, eq, gte, ilike, inArray, lte, ne, notInArray, or, sql, type SQL } from "drizzle-orm";
import type { Db } from "@/lib/db";
import { invoices, xeroSessions, xeroTenants, type Invoice, type XeroSession } from "@/lib/db/schema";
import { scopeTenantIds } from "@/lib/lists/tenant-scope";
import { decodeCursor, encodeCursor, keysetPage, UUID_RE, type Cursor, type SortColumn, type SortDirection } from "@/lib/lists/keyset";
import { dateParam, escapeLike, first, pageSizeParam, pick, textParam, uuidParam, type RawSearchParams } from "@/lib/lists/search-params";

/**
 * The invoices read model: the list (keyset pages, filters, search, totals per currency), the
 * detail with its sync history, and batches for the CSV export. Every query is scoped to the
 * signed-in user's organisations.
 */

export const INVOICE_STATUSES = ["DRAFT", "SUBMITTED", "AUTHORISED", "PAID", "VOIDED", "DELETED"] as const;
export type InvoiceStatus = (typeof INVOICE_STATUSES)[number];
/** Cancelled states: shown (marked) in the list but left out of totals unless asked for. */
export const CANCELLED_STATUSES = ["VOIDED", "DELETED"] as const;

export const INVOICE_SORTS = ["number", "contact", "date", "due", "total", "amountDue", "status", "updated"] as const;
export type InvoiceSort = (typeof INVOICE_SORTS)[number];

const SORT_COLUMNS: Record<InvoiceSort, SortColumn> = {
  number: { expr: invoices.invoiceNumber, cast: "text", nullable: true },
  contact: { expr: invoices.contactName, cast: "text", nullable: true },
  // Matches invoices_tenant_date_idx (tenant_id, date DESC, invoice_id ASC).
  date: { expr: invoices.date, cast: "date", nullable: true, idFlip: true, indexDescNullsLast: true },
  due: { expr: invoices.dueDate, cast: "date", nullable: true },
  total: { expr: invoices.total, cast: "numeric", nullable: true },
  amountDue: { expr: invoices.amountDue, cast: "numeric", nullable: true },
  status: { expr: invoices.status, cast: "text", nullable: false },
  updated: { expr: invoices.xeroUpdatedAt, cast: "timestamptz", nullable: false },
};

export interface InvoiceQuery {
  tenant?: string;
  status?: InvoiceStatus;
  type?: "sales" | "bills";
  contact?: string;
  from?: string;
  to?: string;
  overdue: boolean;
  q?: string;
  sort: InvoiceSort;
  dir: SortDirection;
  size: number;
  after: Cursor | null;
  before: Cursor | null;
  last: boolean;
  /** Display-only page number carried in the URL (never used to fetch). */
  page: number;
}

/** Parses list state from a URL; every malformed value falls back to its default. */
export function parseInvoiceQuery(raw: RawSearchParams): InvoiceQuery {
  const sort = pick(raw, "sort", INVOICE_SORTS) ?? "date";
  const dir = pick(raw, "dir", ["asc", "desc"] as const) ?? (sort === "date" || sort === "updated" ? "desc" : "asc");
  const sortKey = `${sort}.${dir}`;
  let from = dateParam(raw, "from");
  let to = dateParam(raw, "to");
  if (from && to && from > to) [from, to] = [to, from];
  const after = decodeCursor(first(raw, "after"), sortKey, SORT_COLUMNS[sort]);
  const before = after ? null : decodeCursor(first(raw, "before"), sortKey, SORT_COLUMNS[sort]);
  const pageHint = Number(first(raw, "p"));
  return {
    tenant: uuidParam(raw, "org"),
    status: pick(raw, "status", INVOICE_STATUSES),
    type: pick(raw, "type", ["sales", "bills"] as const),
    contact: uuidParam(raw, "contact"),
    from,
    to,
    overdue: first(raw, "overdue") === "1",
    q: textParam(raw, "q"),
    sort,
    dir,
    size: pageSizeParam(raw),
    after,
    before,
    last: !after && !before && first(raw, "last") === "1",
    page: after || before ? (Number.isInteger(pageHint) && pageHint > 1 && pageHint < 1e7 ? pageHint : 2) : 1,
  };
}

/** The filter conditions of a query (not the cursor), for the list, totals and export alike. */
function filterConditions(q: InvoiceQuery, tenantIds: string[], today: string): SQL[] {
  const conds: SQL[] = [tenantIds.length === 1 ? eq(invoices.tenantId, tenantIds[0]!) : inArray(invoices.tenantId, tenantIds)];
  if (q.status) conds.push(eq(invoices.status, q.status));
  if (q.type) conds.push(eq(invoices.type, q.type === "sales" ? "ACCREC" : "ACCPAY"));
  if (q.contact) conds.push(eq(invoices.contactId, q.contact));
  if (q.from) conds.push(gte(invoices.date, q.from));
  if (q.to) conds.push(lte(invoices.date, q.to));
  if (q.overdue) conds.push(...overdueConditions(today));
  if (q.q) {
    const pattern = `%${escapeLike(q.q)}%`;
    conds.push(or(ilike(invoices.invoiceNumber, pattern), ilike(invoices.reference, pattern), ilike(invoices.contactName, pattern))!);
  }
  return conds;
}

/** Xero's own notion of overdue: approved, money still owed, due date passed. */
export function overdueConditions(today: string): SQL[] {
  return [inArray(invoices.status, ["AUTHORISED", "SUBMITTED"]), sql`${invoices.amountDue} > 0`, sql`${invoices.dueDate} < ${today}::date`];
}

export function todayUtc(now = new Date()): string {
  return now.toISOString().slice(0, 10);
}

export type InvoiceListRow = Pick<
  Invoice,
  | "tenantId"
  | "invoiceId"
  | "type"
  | "invoiceNumber"
  | "reference"
  | "status"
  | "contactId"
  | "contactName"
  | "date"
  | "dueDate"
  | "currencyCode"
  | "total"
  | "amountDue"
  | "amountPaid"
  | "xeroUpdatedAt"
> & { overdue: boolean };

const listColumns = {
  tenantId: invoices.tenantId,
  invoiceId: invoices.invoiceId,
  type: invoices.type,
  invoiceNumber: invoices.invoiceNumber,
  reference: invoices.reference,
  status: invoices.status,
  contactId: invoices.contactId,
  contactName: invoices.contactName,
  date: invoices.date,
  dueDate: invoices.dueDate,
  currencyCode: invoices.currencyCode,
  total: invoices.total,
  amountDue: invoices.amountDue,
  amountPaid: invoices.amountPaid,
  xeroUpdatedAt: invoices.xeroUpdatedAt,
};

export interface InvoicePage {
  rows: InvoiceListRow[];
  next: string | null;
  prev: string | null;
  /** Number of invoices matching the filters (all pages). */
  total: number;
}

/** One page of the user's invoices for a parsed query. */
export async function listInvoices(db: Db, userId: string, q: InvoiceQuery, now = new Date()): Promise<InvoicePage> {
  const { ids } = await scopeTenantIds(db, userId, q.tenant);
  if (ids.length === 0) return { rows: [], next: null, prev: null, total: 0 };
  const today = todayUtc(now);
  const conds = filterConditions(q, ids, today);
  const sortCol = SORT_COLUMNS[q.sort];
  const sortKey = `${q.sort}.${q.dir}`;
  const [page, [countRow]] = await Promise.all([
    keysetPage<InvoiceListRow & { _k: string | null; _id: string }>(
      {
        sort: sortCol,
        dir: q.dir,
        id: invoices.invoiceId,
        after: q.after,
        before: q.before,
        last: q.last,
        limit: q.size,
        selective: (q.q?.length ?? 0) >= 3,
        fetch: (where, orderBy, limit) =>
          db
            .select({ ...listColumns, _k: sql<string | null>`(${sortCol.expr})::text`, _id: sql<string>`${invoices.invoiceId}::text` })
            .from(invoices)
            .where(and(...conds, where))
            .orderBy(...orderBy)
            .limit(limit),
      },
      sortKey,
    ),
    db.select({ n: count() }).from(invoices).where(and(...conds)),
  ]);
  const rows = page.rows.map(({ _k: _unusedK, _id: _unusedId, ...r }) => ({ ...r, overdue: isOverdue(r, today) }));
  return {
    rows,
    next: page.next ? encodeCursor(page.next) : null,
    prev: page.prev ? encodeCursor(page.prev) : null,
    total: Number(countRow?.n ?? 0),
  };
}

export function isOverdue(r: Pick<Invoice, "status" | "amountDue" | "dueDate">, today: string): boolean {
  return (r.status === "AUTHORISED" || r.status === "SUBMITTED") && Number(r.amountDue ?? 0) > 0 && !!r.dueDate && r.dueDate < today;
}

export interface CurrencyTotal {
  currency: string;
  count: number;
  total: string;
  amountDue: string;
  overdue: string;
}

/**
 * Totals of the filtered set per currency (amounts in different currencies are never added).
 * VOIDED and DELETED invoices are left out unless the status filter asks for exactly them.
 */
export async function invoiceTotals(db: Db, userId: string, q: InvoiceQuery, now = new Date()): Promise<CurrencyTotal[]> {
  const { ids } = await scopeTenantIds(db, userId, q.tenant);
  if (ids.length === 0) return [];
  const today = todayUtc(now);
  const conds = filterConditions(q, ids, today);
  if (!q.status) conds.push(notInArray(invoices.status, [...CANCELLED_STATUSES]));
  const rows = await db
    .select({
      currency: sql<string>`coalesce(${invoices.currencyCode}, '—')`,
      count: count(),
      total: sql<string>`coalesce(sum(${invoices.total}), 0)::text`,
      amountDue: sql<string>`coalesce(sum(${invoices.amountDue}), 0)::text`,
      overdue: sql<string>`coalesce(sum(${invoices.amountDue}) filter (where ${and(...overdueConditions(today))}), 0)::text`,
    })
    .from(invoices)
    .where(and(...conds))
    .groupBy(sql`1`)
    .orderBy(sql`2 desc`, sql`1`)
    .limit(20);
  return rows.map((r) => ({ ...r, count: Number(r.count) }));
}

/**
 * Streams the filtered set in keyset batches, for the CSV export: memory stays at one batch
 * whatever the size of the set.
 */
export async function* invoiceBatches(
  db: Db,
  userId: string,
  q: InvoiceQuery,
  batchSize = 2000,
  now = new Date(),
): AsyncGenerator<InvoiceListRow[]> {
  const { ids } = await scopeTenantIds(db, userId, q.tenant);
  if (ids.length === 0) return;
  const today = todayUtc(now);
  const conds = filterConditions(q, ids, today);
  const sortCol = SORT_COLUMNS[q.sort];
  const sortKey = `${q.sort}.${q.dir}`;
  let after: Cursor | null = null;
  for (;;) {
    const page: Awaited<ReturnType<typeof keysetPage<InvoiceListRow & { _k: string | null; _id: string }>>> = await keysetPage(
      {
        sort: sortCol,
        dir: q.dir,
        id: invoices.invoiceId,
        after,
        before: null,
        limit: batchSize,
        selective: (q.q?.length ?? 0) >= 3,
        fetch: (where, orderBy, limit) =>
          db
            .select({ ...listColumns, _k: sql<string | null>`(${sortCol.expr})::text`, _id: sql<string>`${invoices.invoiceId}::text` })
            .from(invoices)
            .where(and(...conds, where))
            .orderBy(...orderBy)
            .limit(limit),
      },
      sortKey,
    );
    if (page.rows.length) yield page.rows.map(({ _k: _unusedK, _id: _unusedId, ...r }) => ({ ...r, overdue: isOverdue(r, today) }));
    if (!page.next) return;
    after = page.next;
  }
}

export interface InvoiceDetail {
  invoice: Invoice;
  tenant: { id: string; name: string; xeroTenantId: string };
  /** Sync sessions of this tenant's invoices around when this invoice was first and last stored. */
  syncs: XeroSession[];
  overdue: boolean;
}

/** One invoice of the user's, with its tenant and sync history; undefined when not theirs or absent. */
export async function getInvoiceDetail(db: Db, userId: string, tenantId: string, invoiceId: string, now = new Date()): Promise<InvoiceDetail | undefined> {
  if (!UUID_RE.test(tenantId) || !UUID_RE.test(invoiceId)) return undefined;
  const [row] = await db
    .select({ invoice: invoices, tenant: { id: xeroTenants.id, name: xeroTenants.name, xeroTenantId: xeroTenants.xeroTenantId } })
    .from(invoices)
    .innerJoin(xeroTenants, eq(xeroTenants.id, invoices.tenantId))
    .where(and(eq(invoices.tenantId, tenantId), eq(invoices.invoiceId, invoiceId), eq(xeroTenants.userId, userId)));
  if (!row) return undefined;
  const inv = row.invoice;
  // A sync "touched" this invoice if it ran while the invoice was first or last stored. Sessions
  // finish after their last write, so a window containing the timestamp identifies them.
  const touched = (t: Date) =>
    and(lte(xeroSessions.startedAt, t), or(sql`${xeroSessions.finishedAt} is null`, gte(xeroSessions.finishedAt, sql`${t.toISOString()}::timestamptz - interval '1 second'`)));
  const syncs = await db
    .select()
    .from(xeroSessions)
    .where(
      and(
        eq(xeroSessions.userId, userId),
        eq(xeroSessions.tenantId, tenantId),
        eq(xeroSessions.kind, "sync"),
        or(sql`${xeroSessions.entity} like '%invoices%'`, sql`${xeroSessions.entity} is null`),
        or(touched(inv.firstSyncedAt), touched(inv.lastSyncedAt), gte(xeroSessions.startedAt, inv.lastSyncedAt)),
        ne(xeroSessions.outcome, "cancelled"),
      ),
    )
    .orderBy(sql`${xeroSessions.startedAt} desc`)
    .limit(10);
  return { invoice: inv, tenant: row.tenant, syncs, overdue: isOverdue(inv, todayUtc(now)) };
}

/**
 * Xero's documented deep link to an invoice. With the organisation's shortcode the link first
 * switches Xero to that organisation; without it Xero opens it in the organisation last used.
 */
export function xeroInvoiceUrl(invoice: Pick<Invoice, "invoiceId" | "type">, shortCode?: string | null): string {
  const path = `/${invoice.type === "ACCPAY" ? "AccountsPayable" : "AccountsReceivable"}/View.aspx?InvoiceID=${encodeURIComponent(invoice.invoiceId)}`;
  if (!shortCode) return `https://go.xero.com${path}`;
  return `https://go.xero.com/organisationlogin/default.aspx?shortcode=${encodeURIComponent(shortCode)}&redirecturl=${encodeURIComponent(path)}`;
}

/** Line items as Xero sent them (raw jsonb), typed loosely and defensively. */
export interface LineItem {
  description: string;
  quantity: string | null;
  unitAmount: string | null;
  accountCode: string | null;
  taxType: string | null;
  lineAmount: string | null;
}

export interface Payment {
  date: string | null;
  amount: string | null;
  reference: string | null;
}

const str = (v: unknown): string | null => (typeof v === "string" ? v : typeof v === "number" ? String(v) : null);

export function lineItemsOf(raw: unknown): LineItem[] {
  const items = (raw as { LineItems?: unknown })?.LineItems;
  if (!Array.isArray(items)) return [];
  return items.slice(0, 500).map((li: Record<string, unknown>) => ({
    description: str(li?.Description) ?? "",
    quantity: str(li?.Quantity),
    unitAmount: str(li?.UnitAmount),
    accountCode: str(li?.AccountCode),
    taxType: str(li?.TaxType),
    lineAmount: str(li?.LineAmount),
  }));
}

export function paymentsOf(raw: unknown): Payment[] {
  const items = (raw as { Payments?: unknown })?.Payments;
  if (!Array.isArray(items)) return [];
  return items.slice(0, 200).map((p: Record<string, unknown>) => ({
    date: xeroDate(p?.Date),
    amount: str(p?.Amount),
    reference: str(p?.Reference),
  }));
}

/** Xero's `/Date(1700000000000+0000)/` or an ISO string → YYYY-MM-DD. */
export function xeroDate(v: unknown): string | null {
  if (typeof v !== "string") return null;
  const m = /\/Date\((-?\d+)/.exec(v);
  const d = m ? new Date(Number(m[1])) : new Date(v);
  return Number.isNaN(d.getTime()) ? null : d.toISOString().slice(0, 10);
}
