/**
 * Prepayments: the pure mapper from one prepayment as Xero sent it on the wire (see
 * invoices/map.ts) to a `prepayments` row, which keeps that JSON in `raw`; its Allocations
 * become `allocations` rows (allocations/map.ts).
 */
import { fieldsOf, recordId, recordUpdated, str, toDateOnly, toDecimalString } from "../values";
import type { NewPrepayment } from "./table";

/** The fields of Xero's `Prepayment` the mapper reads. */
export interface XeroPrepaymentWire {
  PrepaymentID?: string;
  Type?: string;
  Status?: string;
  Contact?: { ContactID?: string; Name?: string };
  Date?: unknown;
  Reference?: string;
  InvoiceNumber?: string;
  CurrencyCode?: string;
  CurrencyRate?: number;
  LineAmountTypes?: string;
  SubTotal?: number;
  TotalTax?: number;
  Total?: number;
  RemainingCredit?: number;
  HasAttachments?: boolean;
  Allocations?: unknown;
  UpdatedDateUTC?: unknown;
}

/** One prepayment as a row; `raw` is the prepayment as Xero sent it (see mapInvoice). */
export function mapPrepayment(tenantId: string, wire: XeroPrepaymentWire, raw: unknown = wire): NewPrepayment {
  const prepaymentId = recordId("prepayment", wire as Record<string, unknown>, "PrepaymentID");
  const field = fieldsOf("prepayment", prepaymentId);
  const updated = recordUpdated("prepayment", prepaymentId, wire as Record<string, unknown>);
  return {
    tenantId,
    prepaymentId,
    type: str(wire.Type) ?? "RECEIVE-PREPAYMENT",
    status: str(wire.Status) ?? "AUTHORISED",
    contactId: str(wire.Contact?.ContactID),
    contactName: str(wire.Contact?.Name),
    date: field("Date", toDateOnly, wire.Date),
    reference: str(wire.Reference),
    invoiceNumber: str(wire.InvoiceNumber),
    currencyCode: str(wire.CurrencyCode),
    currencyRate: field("CurrencyRate", toDecimalString, wire.CurrencyRate),
    lineAmountTypes: str(wire.LineAmountTypes),
    subTotal: field("SubTotal", toDecimalString, wire.SubTotal),
    totalTax: field("TotalTax", toDecimalString, wire.TotalTax),
    total: field("Total", toDecimalString, wire.Total),
    remainingCredit: field("RemainingCredit", toDecimalString, wire.RemainingCredit),
    hasAttachments: wire.HasAttachments === true,
    xeroUpdatedAt: updated,
    raw,
  };
}
