import { and, eq, inArray, sql } from "drizzle-orm";
import { z } from "zod";
import type { Db } from "@/lib/db";
import { invoices } from "@/lib/db/schema";
import { csvText, csvValue } from "@/lib/lists/csv";
import { todayUtc } from "@/lib/lists/today";
import { invoiceOverdue } from "./invoices";
import type { EntityRow } from "./read-model";

/**
 * What a few entities show beyond their definition's view, kept small and in one place: a
 * contact's receivables (read from the invoices for a whole page at once), an invoice's contact
 * in the API's historical shape, and what the invoice detail reads from Xero's JSON (line items,
 * payments, the deep link into Xero). The generic read model, CSV and API call these hooks; the
 * pages render the matching components (app/(dashboard)/[entity]/_extras).
 */
export interface EntityExtras {
  /** More values per listed row, by `${tenantId}:${id}`, read in one query for a page or batch. */
  rowExtras?(db: Db, tenantIds: string[], rows: EntityRow[], now: Date): Promise<Map<string, Record<string, unknown>>>;
  /** CSV columns after the view's. */
  csv?: { header: string[]; cells(row: EntityRow): string[] };
  /** Fields of the API's record after the view's. */
  api?(row: EntityRow): Record<string, unknown>;
  /** The zod schema of each of those fields (the API's record schema and document). */
  apiShape?: Record<string, z.ZodType>;
}

const decimal = z.string().regex(/^-?\d+(\.\d+)?$/, "must be a decimal string");

/** What a contact owes on sales invoices, per currency. */
export interface Receivable {
  currency: string;
  outstanding: string;
  overdue: string;
}

/** Outstanding and overdue receivables of the given contacts (one query, by the contact index). */
export async function receivablesFor(db: Db, tenantIds: string[], rows: { tenantId: string; id: string }[], now = new Date()): Promise<Map<string, Receivable[]>> {
  const out = new Map<string, Receivable[]>();
  if (rows.length === 0 || tenantIds.length === 0) return out;
  const contactIds = [...new Set(rows.map((r) => r.id))];
  const sums = await db
    .select({
      tenantId: invoices.tenantId,
      contactId: invoices.contactId,
      currency: sql<string>`coalesce(${invoices.currencyCode}, '')`,
      outstanding: sql<string>`sum(${invoices.amountDue})::text`,
      overdue: sql<string>`coalesce(sum(${invoices.amountDue}) filter (where ${invoiceOverdue(todayUtc(now))}), 0)::text`,
    })
    .from(invoices)
    .where(
      and(
        inArray(invoices.tenantId, tenantIds),
        inArray(invoices.contactId, contactIds),
        eq(invoices.type, "ACCREC"),
        inArray(invoices.status, ["AUTHORISED", "SUBMITTED"]),
        sql`${invoices.amountDue} > 0`,
        sql`${invoices.deletedInXeroAt} is null`,
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

export function receivablesOf(row: EntityRow): Receivable[] {
  return (row.extra?.receivables as Receivable[] | undefined) ?? [];
}

const EXTRAS: Record<string, EntityExtras> = {
  contacts: {
    async rowExtras(db, tenantIds, rows, now) {
      const rec = await receivablesFor(db, tenantIds, rows, now);
      return new Map(rows.map((r) => [`${r.tenantId}:${r.id}`, { receivables: rec.get(`${r.tenantId}:${r.id}`) ?? [] }]));
    },
    csv: {
      header: ["Outstanding receivables", "Overdue receivables"],
      // One currency per row is the common case; several are joined as "NZD 10.00; USD 5.00".
      cells(row) {
        const rec = receivablesOf(row);
        const single = rec.length === 1 ? rec[0]! : null;
        return [
          single ? csvValue(single.outstanding) : csvText(rec.map((r) => `${r.currency} ${r.outstanding}`).join("; ") || "0"),
          single ? csvValue(single.overdue) : csvText(rec.map((r) => `${r.currency} ${r.overdue}`).join("; ") || "0"),
        ];
      },
    },
    api: (row) => ({ receivables: receivablesOf(row) }),
    apiShape: {
      receivables: z
        .array(z.strictObject({ currency: z.string(), outstanding: decimal, overdue: decimal }))
        .meta({ description: "Outstanding and overdue amounts of its sales invoices, per currency" }),
    },
  },
  invoices: {
    api: (row) => ({ contact: row.values.contactId ? { contactId: row.values.contactId, name: row.values.contactName ?? null } : null }),
    apiShape: { contact: z.strictObject({ contactId: z.guid(), name: z.string().nullable() }).nullable() },
  },
};

export function entityExtras(name: string): EntityExtras | undefined {
  return EXTRAS[name];
}

/**
 * Xero's documented deep link to an invoice. With the organisation's shortcode the link first
 * switches Xero to that organisation; without it Xero opens it in the organisation last used.
 */
export function xeroInvoiceUrl(invoice: { invoiceId: string; type: string }, shortCode?: string | null): string {
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
