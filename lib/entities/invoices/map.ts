/**
 * Invoices: the pure mapper from one invoice as Xero sent it on the wire (the JSON of the
 * Accounting API: PascalCase keys, `/Date(…)/` strings, numbers for money) to an `invoices` row.
 * The same JSON is stored whole in `raw`, so every column can be re-derived from it.
 *
 * The structural type below lists only what the mapper reads (names as in Xero's OpenAPI spec),
 * so unit tests can pass plain objects.
 */
import type { NewInvoice } from "./table";
import { XeroRecordError } from "@/lib/sync/errors";
import { fieldsOf, toDateOnly, toDecimalString, toInstant } from "../values";

/** The fields of Xero's `Invoice` the mapper reads (dates as `/Date(ms+0000)/` or ISO strings). */
export interface XeroInvoiceWire {
  InvoiceID?: string;
  Type?: string;
  InvoiceNumber?: string;
  Reference?: string;
  Status?: string;
  Contact?: { ContactID?: string; Name?: string };
  Date?: unknown;
  DueDate?: unknown;
  FullyPaidOnDate?: unknown;
  CurrencyCode?: string;
  CurrencyRate?: number;
  LineAmountTypes?: string;
  SubTotal?: number;
  TotalTax?: number;
  Total?: number;
  AmountDue?: number;
  AmountPaid?: number;
  AmountCredited?: number;
  HasAttachments?: boolean;
  UpdatedDateUTC?: unknown;
}

const str = (v: unknown): string | null => (v === undefined || v === null || v === "" ? null : String(v));

/**
 * One invoice as a row. `raw` is the invoice exactly as Xero sent it (line items included): the
 * sync passes its JSON text (a JsonText); by default the object itself.
 */
export function mapInvoice(tenantId: string, wire: XeroInvoiceWire, raw: unknown = wire): NewInvoice {
  const invoiceId = wire.InvoiceID;
  if (typeof invoiceId !== "string" || !invoiceId) throw new XeroRecordError("invoice", undefined, "InvoiceID", "is missing or not a string");
  const field = fieldsOf("invoice", invoiceId);
  const updated = field("UpdatedDateUTC", toInstant, wire.UpdatedDateUTC);
  if (!updated) throw new XeroRecordError("invoice", invoiceId, "UpdatedDateUTC", "is missing");
  return {
    tenantId,
    invoiceId,
    type: str(wire.Type) ?? "ACCREC",
    invoiceNumber: str(wire.InvoiceNumber),
    reference: str(wire.Reference),
    status: str(wire.Status) ?? "DRAFT",
    contactId: str(wire.Contact?.ContactID),
    contactName: str(wire.Contact?.Name),
    date: field("Date", toDateOnly, wire.Date),
    dueDate: field("DueDate", toDateOnly, wire.DueDate),
    fullyPaidOnDate: field("FullyPaidOnDate", toDateOnly, wire.FullyPaidOnDate),
    currencyCode: str(wire.CurrencyCode),
    currencyRate: field("CurrencyRate", toDecimalString, wire.CurrencyRate),
    lineAmountTypes: str(wire.LineAmountTypes),
    subTotal: field("SubTotal", toDecimalString, wire.SubTotal),
    totalTax: field("TotalTax", toDecimalString, wire.TotalTax),
    total: field("Total", toDecimalString, wire.Total),
    amountDue: field("AmountDue", toDecimalString, wire.AmountDue),
    amountPaid: field("AmountPaid", toDecimalString, wire.AmountPaid),
    amountCredited: field("AmountCredited", toDecimalString, wire.AmountCredited),
    hasAttachments: wire.HasAttachments === true,
    xeroUpdatedAt: updated,
    raw,
  };
}
