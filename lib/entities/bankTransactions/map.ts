/**
 * Bank transactions: the pure mapper from one bank transaction as Xero sent it on the wire (see
 * invoices/map.ts) to a `bank_transactions` row. Its contact and its bank account become typed
 * columns (the account's id, code and name as Xero sends them on the record), so lists filter and
 * link by them without reading `raw`; the line items stay in `raw`.
 */
import type { NewBankTransaction } from "./table";
import { XeroRecordError } from "@/lib/sync/errors";
import { fieldsOf, recordId, recordUpdated, str, toDateOnly, toDecimalString } from "../values";

/** The fields of Xero's `BankTransaction` the mapper reads. */
export interface XeroBankTransactionWire {
  BankTransactionID?: string;
  Type?: string;
  Status?: string;
  Reference?: string;
  Contact?: { ContactID?: string; Name?: string };
  BankAccount?: { AccountID?: string; Code?: string; Name?: string };
  IsReconciled?: boolean;
  Date?: unknown;
  CurrencyCode?: string;
  CurrencyRate?: number;
  LineAmountTypes?: string;
  SubTotal?: number;
  TotalTax?: number;
  Total?: number;
  PrepaymentID?: string;
  OverpaymentID?: string;
  HasAttachments?: boolean;
  UpdatedDateUTC?: unknown;
}

/** One bank transaction as a row; `raw` is the record as Xero sent it (see mapInvoice). */
export function mapBankTransaction(tenantId: string, wire: XeroBankTransactionWire, raw: unknown = wire): NewBankTransaction {
  const record = wire as Record<string, unknown>;
  const bankTransactionId = recordId("bank transaction", record, "BankTransactionID");
  const field = fieldsOf("bank transaction", bankTransactionId);
  // Required by Xero, and which way the money went: never guessed.
  const type = str(wire.Type);
  if (!type) throw new XeroRecordError("bank transaction", bankTransactionId, "Type", "is missing");
  return {
    tenantId,
    bankTransactionId,
    type,
    status: str(wire.Status) ?? "AUTHORISED",
    reference: str(wire.Reference),
    contactId: str(wire.Contact?.ContactID),
    contactName: str(wire.Contact?.Name),
    bankAccountId: str(wire.BankAccount?.AccountID),
    bankAccountCode: str(wire.BankAccount?.Code),
    bankAccountName: str(wire.BankAccount?.Name),
    date: field("Date", toDateOnly, wire.Date),
    isReconciled: wire.IsReconciled === true,
    currencyCode: str(wire.CurrencyCode),
    currencyRate: field("CurrencyRate", toDecimalString, wire.CurrencyRate),
    lineAmountTypes: str(wire.LineAmountTypes),
    subTotal: field("SubTotal", toDecimalString, wire.SubTotal),
    totalTax: field("TotalTax", toDecimalString, wire.TotalTax),
    total: field("Total", toDecimalString, wire.Total),
    prepaymentId: str(wire.PrepaymentID),
    overpaymentId: str(wire.OverpaymentID),
    hasAttachments: wire.HasAttachments === true,
    xeroUpdatedAt: recordUpdated("bank transaction", bankTransactionId, record),
    raw,
  };
}
