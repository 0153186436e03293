/**
 * Credit notes: the pure mapper from one credit note as Xero sent it on the wire (see
 * invoices/map.ts) to a `credit_notes` row, which keeps that JSON in `raw`; its Allocations become
 * `allocations` rows (allocations/map.ts).
 */
import { fieldsOf, recordId, recordUpdated, str, toDateOnly, toDecimalString } from "../values";
import type { NewCreditNote } from "./table";

/** The fields of Xero's `CreditNote` the mapper reads. */
export interface XeroCreditNoteWire {
  CreditNoteID?: string;
  Type?: string;
  CreditNoteNumber?: string;
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
  RemainingCredit?: number;
  CISDeduction?: number;
  SentToContact?: boolean;
  HasAttachments?: boolean;
  Allocations?: unknown;
  UpdatedDateUTC?: unknown;
}

/** One credit note as a row; `raw` is the credit note as Xero sent it (see mapInvoice). */
export function mapCreditNote(tenantId: string, wire: XeroCreditNoteWire, raw: unknown = wire): NewCreditNote {
  const creditNoteId = recordId("credit note", wire as Record<string, unknown>, "CreditNoteID");
  const field = fieldsOf("credit note", creditNoteId);
  const updated = recordUpdated("credit note", creditNoteId, wire as Record<string, unknown>);
  return {
    tenantId,
    creditNoteId,
    type: str(wire.Type) ?? "ACCRECCREDIT",
    creditNoteNumber: str(wire.CreditNoteNumber),
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
    remainingCredit: field("RemainingCredit", toDecimalString, wire.RemainingCredit),
    cisDeduction: field("CISDeduction", toDecimalString, wire.CISDeduction),
    sentToContact: wire.SentToContact === true,
    hasAttachments: wire.HasAttachments === true,
    xeroUpdatedAt: updated,
    raw,
  };
}
