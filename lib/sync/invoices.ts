/**
 * Invoices: the pure mapper from a xero-node `Invoice` model (plus the JSON Xero sent for it) to
 * an `invoices` row, and the entity's fetch settings for the engine.
 *
 * The structural type below lists only what the mapper reads, so this module needs no xero-node
 * import (lib/xero/client.ts is the only one) and unit tests can pass plain objects.
 */
import type { NewInvoice } from "@/lib/db/schema";
import { toDateOnly, toDecimalString, toInstant } from "./values";

/** The fields of xero-node's `Invoice` model the mapper reads (dates may be Date or /Date()/). */
export interface XeroInvoiceLike {
  invoiceID?: string;
  type?: string | number;
  invoiceNumber?: string;
  reference?: string;
  status?: string | number;
  contact?: { contactID?: string; name?: string };
  date?: unknown;
  dueDate?: unknown;
  fullyPaidOnDate?: unknown;
  currencyCode?: string | number;
  currencyRate?: number;
  lineAmountTypes?: string | number;
  subTotal?: number;
  totalTax?: number;
  total?: number;
  amountDue?: number;
  amountPaid?: number;
  amountCredited?: number;
  hasAttachments?: boolean;
  updatedDateUTC?: unknown;
}

const str = (v: unknown): string | null => (v === undefined || v === null || v === "" ? null : String(v));

/**
 * One invoice as a row. `raw` is the invoice exactly as Xero sent it on the wire (PascalCase keys,
 * `/Date()/` strings, line items included); when absent the model itself is stored.
 */
export function mapInvoice(tenantId: string, model: XeroInvoiceLike, raw?: unknown): NewInvoice {
  const invoiceId = model.invoiceID;
  if (!invoiceId) throw new TypeError("invoice without InvoiceID");
  const updated = toInstant(model.updatedDateUTC);
  if (!updated) throw new TypeError(`invoice ${invoiceId} without UpdatedDateUTC`);
  return {
    tenantId,
    invoiceId,
    type: str(model.type) ?? "ACCREC",
    invoiceNumber: str(model.invoiceNumber),
    reference: str(model.reference),
    status: str(model.status) ?? "DRAFT",
    contactId: str(model.contact?.contactID),
    contactName: str(model.contact?.name),
    date: toDateOnly(model.date),
    dueDate: toDateOnly(model.dueDate),
    fullyPaidOnDate: toDateOnly(model.fullyPaidOnDate),
    currencyCode: str(model.currencyCode),
    currencyRate: toDecimalString(model.currencyRate),
    lineAmountTypes: str(model.lineAmountTypes),
    subTotal: toDecimalString(model.subTotal),
    totalTax: toDecimalString(model.totalTax),
    total: toDecimalString(model.total),
    amountDue: toDecimalString(model.amountDue),
    amountPaid: toDecimalString(model.amountPaid),
    amountCredited: toDecimalString(model.amountCredited),
    hasAttachments: model.hasAttachments === true,
    xeroUpdatedAt: updated,
    raw: raw ?? model,
  };
}
