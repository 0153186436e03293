/**
 * Overpayments: the pure mapper from one overpayment as Xero sent it on the wire (see
 * invoices/map.ts) to an `overpayments` row, which keeps that JSON in `raw`; its Allocations
 * become `allocations` rows (allocations/map.ts).
 */
import { fieldsOf, recordId, recordUpdated, str, toDateOnly, toDecimalString } from "../values";
import type { NewOverpayment } from "./table";

/** The fields of Xero's `Overpayment` the mapper reads. */
export interface XeroOverpaymentWire {
  OverpaymentID?: string;
  Type?: string;
  Status?: string;
  Contact?: { ContactID?: string; Name?: string };
  Date?: unknown;
  Reference?: string;
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

/** One overpayment as a row; `raw` is the overpayment as Xero sent it (see mapInvoice). */
export function mapOverpayment(tenantId: string, wire: XeroOverpaymentWire, raw: unknown = wire): NewOverpayment {
  const overpaymentId = recordId("overpayment", wire as Record<string, unknown>, "OverpaymentID");
  const field = fieldsOf("overpayment", overpaymentId);
  const updated = recordUpdated("overpayment", overpaymentId, wire as Record<string, unknown>);
  return {
    tenantId,
    overpaymentId,
    type: str(wire.Type) ?? "RECEIVE-OVERPAYMENT",
    status: str(wire.Status) ?? "AUTHORISED",
    contactId: str(wire.Contact?.ContactID),
    contactName: str(wire.Contact?.Name),
    date: field("Date", toDateOnly, wire.Date),
    reference: str(wire.Reference),
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
