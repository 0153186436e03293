import type { Db } from "../client";
import { invoices, type NewInvoice } from "../schema";
import { prepareMirrorRow, upsertPreparedBatch, type BatchResult, type MirrorRow, type MirrorSpec, type PreparedRow } from "./mirror-batch";

/** Write side of the invoices mirror (the sync engine's repository). Reads live in lib/invoices. */

const INVOICE_SPEC: MirrorSpec = {
  table: invoices,
  tableName: "invoices",
  idColumn: invoices.invoiceId,
  idName: "invoice_id",
  idKey: "invoiceId",
  tenantColumn: invoices.tenantId,
  updatedColumn: invoices.xeroUpdatedAt,
  columns: [
    { name: "invoice_id", type: "uuid", key: "invoiceId" },
    { name: "type", type: "text", key: "type" },
    { name: "invoice_number", type: "text", key: "invoiceNumber" },
    { name: "reference", type: "text", key: "reference" },
    { name: "status", type: "text", key: "status" },
    { name: "contact_id", type: "uuid", key: "contactId" },
    { name: "contact_name", type: "text", key: "contactName" },
    { name: "date", type: "date", key: "date" },
    { name: "due_date", type: "date", key: "dueDate" },
    { name: "fully_paid_on_date", type: "date", key: "fullyPaidOnDate" },
    { name: "currency_code", type: "text", key: "currencyCode" },
    { name: "currency_rate", type: "numeric", key: "currencyRate" },
    { name: "line_amount_types", type: "text", key: "lineAmountTypes" },
    { name: "sub_total", type: "numeric", key: "subTotal" },
    { name: "total_tax", type: "numeric", key: "totalTax" },
    { name: "total", type: "numeric", key: "total" },
    { name: "amount_due", type: "numeric", key: "amountDue" },
    { name: "amount_paid", type: "numeric", key: "amountPaid" },
    { name: "amount_credited", type: "numeric", key: "amountCredited" },
    { name: "has_attachments", type: "boolean", key: "hasAttachments" },
    { name: "xero_updated_at", type: "timestamptz", key: "xeroUpdatedAt" },
    { name: "raw", type: "jsonb", key: "raw" },
  ],
};

/** Serialises one invoice row for upsertPreparedInvoiceBatch (see PreparedRow). */
export function prepareInvoiceRow(row: NewInvoice): PreparedRow {
  return prepareMirrorRow(INVOICE_SPEC, row as unknown as MirrorRow);
}

/**
 * Stores one page of a tenant's invoices, serialised with prepareInvoiceRow: reads the stored
 * UpdatedDateUTC of the page's ids first and writes only new or newer rows (`full`: also
 * equal-timestamp rows whose JSON differs). Call inside the transaction that advances the cursor.
 */
export async function upsertPreparedInvoiceBatch(db: Db, tenantId: string, rows: PreparedRow[], options: { full?: boolean } = {}): Promise<BatchResult> {
  return upsertPreparedBatch(db, INVOICE_SPEC, tenantId, rows, options);
}
