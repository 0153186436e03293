import { and, count, eq, ilike, inArray, or, sql, type SQL } from "drizzle-orm";
import type { Db } from "@/lib/db";
import { contacts, invoices, xeroTenants, type Contact } from "@/lib/db/schema";
import { decodeCursor, encodeCursor, keysetPage, UUID_RE, type Cursor, type SortColumn, type SortDirection } from "@/lib/lists/keyset";
import { overdueConditions, todayUtc } from "@/lib/invoices/read-model";
import { escapeLike, first, pageSizeParam, pick, textParam, uuidParam, type RawSearchParams } from "@/lib/lists/search-params";
import { scopeTenantIds } from "@/lib/lists/tenant-scope";

/**
 * The contacts read model: keyset pages with filters and search, and each contact's outstanding
 * and overdue receivables computed from the synced invoices (sales invoices still owed).
 */

export const CONTACT_STATUSES = ["ACTIVE", "ARCHIVED", "GDPRREQUEST"] as const;
export const CONTACT_SORTS = ["name", "email", "updated"] as const;
export type ContactSort = (typeof CONTACT_SORTS)[number];

const SORT_COLUMNS: Record<ContactSort, SortColumn> = {
  name: { expr: contacts.name, cast: "text", nullable: false },
  email: { expr: contacts.emailAddress, cast: "text", nullable: true },
  updated: { expr: contacts.xeroUpdatedAt, cast: "timestamptz", nullable: false },
};

export interface ContactQuery {
  tenant?: string;
  status?: (typeof CONTACT_STATUSES)[number];
  role?: "customer" | "supplier";
  q?: string;
  sort: ContactSort;
  dir: SortDirection;
  size: number;
  after: Cursor | null;
  before: Cursor | null;
  last: boolean;
  page: number;
}

export function parseContactQuery(raw: RawSearchParams): ContactQuery {
  const sort = pick(raw, "sort", CONTACT_SORTS) ?? "name";
  const dir = pick(raw, "dir", ["asc", "desc"] as const) ?? (sort === "updated" ? "desc" : "asc");
  const sortKey = `${sort}.${dir}`;
  const after = decodeCursor(first(raw, "after"), sortKey, SORT_COLUMNS[sort]);
  const before = after ? null : decodeCursor(first(raw, "before"), sortKey, SORT_COLUMNS[sort]);
  const pageHint = Number(first(raw, "p"));
  return {
    tenant: uuidParam(raw, "org"),
    status: pick(raw, "status", CONTACT_STATUSES),
    role: pick(raw, "role", ["customer", "supplier"] as const),
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

function filterConditions(q: ContactQuery, tenantIds: string[]): SQL[] {
  const conds: SQL[] = [tenantIds.length === 1 ? eq(contacts.tenantId, tenantIds[0]!) : inArray(contacts.tenantId, tenantIds)];
  if (q.status) conds.push(eq(contacts.contactStatus, q.status));
  if (q.role === "customer") conds.push(eq(contacts.isCustomer, true));
  if (q.role === "supplier") conds.push(eq(contacts.isSupplier, true));
  if (q.q) {
    const pattern = `%${escapeLike(q.q)}%`;
    conds.push(or(ilike(contacts.name, pattern), ilike(contacts.emailAddress, pattern))!);
  }
  return conds;
}

export type ContactListRow = Pick<
  Contact,
  "tenantId" | "contactId" | "name" | "emailAddress" | "contactStatus" | "isCustomer" | "isSupplier" | "defaultCurrency" | "xeroUpdatedAt"
> & { receivables: Receivable[] };

/** What a contact owes on sales invoices, per currency. */
export interface Receivable {
  currency: string;
  outstanding: string;
  overdue: string;
}

const listColumns = {
  tenantId: contacts.tenantId,
  contactId: contacts.contactId,
  name: contacts.name,
  emailAddress: contacts.emailAddress,
  contactStatus: contacts.contactStatus,
  isCustomer: contacts.isCustomer,
  isSupplier: contacts.isSupplier,
  defaultCurrency: contacts.defaultCurrency,
  xeroUpdatedAt: contacts.xeroUpdatedAt,
};

export interface ContactPage {
  rows: ContactListRow[];
  next: string | null;
  prev: string | null;
  total: number;
}

type Keyed<T> = T & { _k: string | null; _id: string };

export async function listContacts(db: Db, userId: string, q: ContactQuery, now = new Date()): Promise<ContactPage> {
  const { ids } = await scopeTenantIds(db, userId, q.tenant);
  if (ids.length === 0) return { rows: [], next: null, prev: null, total: 0 };
  const conds = filterConditions(q, ids);
  const sortCol = SORT_COLUMNS[q.sort];
  const [page, [countRow]] = await Promise.all([
    keysetPage<Keyed<Omit<ContactListRow, "receivables">>>(
      {
        sort: sortCol,
        dir: q.dir,
        id: contacts.contactId,
        after: q.after,
        before: q.before,
        last: q.last,
        limit: q.size,
        selective: (q.q?.length ?? 0) >= 3,
        fetch: (where, orderBy, limit) =>
          db
            .select({ ...listColumns, _k: sql<string | null>`(${sortCol.expr})::text`, _id: sql<string>`${contacts.contactId}::text` })
            .from(contacts)
            .where(and(...conds, where))
            .orderBy(...orderBy)
            .limit(limit),
      },
      `${q.sort}.${q.dir}`,
    ),
    db.select({ n: count() }).from(contacts).where(and(...conds)),
  ]);
  const rows = page.rows.map(({ _k: _a, _id: _b, ...r }) => r);
  const receivables = await receivablesFor(db, ids, rows, now);
  return {
    rows: rows.map((r) => ({ ...r, receivables: receivables.get(`${r.tenantId}:${r.contactId}`) ?? [] })),
    next: page.next ? encodeCursor(page.next) : null,
    prev: page.prev ? encodeCursor(page.prev) : null,
    total: Number(countRow?.n ?? 0),
  };
}

/** Outstanding and overdue receivables of the given contacts (one query, by the contact index). */
export async function receivablesFor(
  db: Db,
  tenantIds: string[],
  rows: { tenantId: string; contactId: string }[],
  now = new Date(),
): Promise<Map<string, Receivable[]>> {
  const out = new Map<string, Receivable[]>();
  if (rows.length === 0) return out;
  const today = todayUtc(now);
  const contactIds = [...new Set(rows.map((r) => r.contactId))];
  const sums = await db
    .select({
      tenantId: invoices.tenantId,
      contactId: invoices.contactId,
      currency: sql<string>`coalesce(${invoices.currencyCode}, '')`,
      outstanding: sql<string>`sum(${invoices.amountDue})::text`,
      overdue: sql<string>`coalesce(sum(${invoices.amountDue}) filter (where ${and(...overdueConditions(today))}), 0)::text`,
    })
    .from(invoices)
    .where(
      and(
        inArray(invoices.tenantId, tenantIds),
        inArray(invoices.contactId, contactIds),
        eq(invoices.type, "ACCREC"),
        inArray(invoices.status, ["AUTHORISED", "SUBMITTED"]),
        sql`${invoices.amountDue} > 0`,
      ),
    )
    .groupBy(invoices.tenantId, invoices.contactId, sql`3`);
  for (const s of sums) {
    const key = `${s.tenantId}:${s.contactId}`;
    const list = out.get(key) ?? [];
    list.push({ currency: s.currency, outstanding: s.outstanding, overdue: s.overdue });
    out.set(key, list);
  }
  return out;
}

export async function* contactBatches(db: Db, userId: string, q: ContactQuery, batchSize = 2000, now = new Date()): AsyncGenerator<ContactListRow[]> {
  const { ids } = await scopeTenantIds(db, userId, q.tenant);
  if (ids.length === 0) return;
  const conds = filterConditions(q, ids);
  const sortCol = SORT_COLUMNS[q.sort];
  let after: Cursor | null = null;
  for (;;) {
    const page: Awaited<ReturnType<typeof keysetPage<Keyed<Omit<ContactListRow, "receivables">>>>> = await keysetPage(
      {
        sort: sortCol,
        dir: q.dir,
        id: contacts.contactId,
        after,
        before: null,
        limit: batchSize,
        selective: (q.q?.length ?? 0) >= 3,
        fetch: (where, orderBy, limit) =>
          db
            .select({ ...listColumns, _k: sql<string | null>`(${sortCol.expr})::text`, _id: sql<string>`${contacts.contactId}::text` })
            .from(contacts)
            .where(and(...conds, where))
            .orderBy(...orderBy)
            .limit(limit),
      },
      `${q.sort}.${q.dir}`,
    );
    const rows = page.rows.map(({ _k: _a, _id: _b, ...r }) => r);
    if (rows.length) {
      const rec = await receivablesFor(db, ids, rows, now);
      yield rows.map((r) => ({ ...r, receivables: rec.get(`${r.tenantId}:${r.contactId}`) ?? [] }));
    }
    if (!page.next) return;
    after = page.next;
  }
}

export interface ContactDetail {
  contact: Contact;
  tenant: { id: string; name: string };
  receivables: Receivable[];
}

export async function getContactDetail(db: Db, userId: string, tenantId: string, contactId: string, now = new Date()): Promise<ContactDetail | undefined> {
  if (!UUID_RE.test(tenantId) || !UUID_RE.test(contactId)) return undefined;
  const [row] = await db
    .select({ contact: contacts, tenant: { id: xeroTenants.id, name: xeroTenants.name } })
    .from(contacts)
    .innerJoin(xeroTenants, eq(xeroTenants.id, contacts.tenantId))
    .where(and(eq(contacts.tenantId, tenantId), eq(contacts.contactId, contactId), eq(xeroTenants.userId, userId)));
  if (!row) return undefined;
  const rec = await receivablesFor(db, [tenantId], [{ tenantId, contactId }], now);
  return { ...row, receivables: rec.get(`${tenantId}:${contactId}`) ?? [] };
}

/** A contact's name by id across the user's organisations (for filter labels). */
export async function getContactName(db: Db, userId: string, contactId: string): Promise<string | undefined> {
  if (!UUID_RE.test(contactId)) return undefined;
  const [row] = await db
    .select({ name: contacts.name })
    .from(contacts)
    .innerJoin(xeroTenants, eq(xeroTenants.id, contacts.tenantId))
    .where(and(eq(contacts.contactId, contactId), eq(xeroTenants.userId, userId)))
    .limit(1);
  return row?.name;
}
