/**
 * Payments: the pure mapper from one payment as Xero sent it on the wire (see invoices/map.ts) to
 * a `payments` row, which keeps that JSON in `raw`.
 *
 * What a payment pays comes as a nested document: Invoice, CreditNote, Prepayment or Overpayment.
 * Xero sends a credit note's refund as an `Invoice` whose Type is ACCRECCREDIT / ACCPAYCREDIT
 * and whose InvoiceID is the credit note's id (its own example of GET /Payments does): such a
 * payment is the credit note's, so it goes to credit_note_id, not invoice_id.
 */
import { fieldsOf, recordId, recordUpdated, str, toDateOnly, toDecimalString } from "../values";
import type { NewPayment } from "./table";

interface PaidDocument {
  Type?: string;
  CurrencyCode?: string;
  Contact?: { ContactID?: string; Name?: string };
}

/** The fields of Xero's `Payment` the mapper reads. */
export interface XeroPaymentWire {
  PaymentID?: string;
  PaymentType?: string;
  Status?: string;
  Date?: unknown;
  Amount?: number;
  BankAmount?: number;
  CurrencyRate?: number;
  Reference?: string;
  IsReconciled?: boolean;
  Account?: { AccountID?: string; Code?: string };
  Code?: string;
  BatchPaymentID?: string;
  BatchPayment?: { BatchPaymentID?: string };
  Invoice?: PaidDocument & { InvoiceID?: string; InvoiceNumber?: string };
  CreditNote?: PaidDocument & { CreditNoteID?: string; CreditNoteNumber?: string };
  Prepayment?: PaidDocument & { PrepaymentID?: string };
  Overpayment?: PaidDocument & { OverpaymentID?: string };
  InvoiceNumber?: string;
  CreditNoteNumber?: string;
  UpdatedDateUTC?: unknown;
}

const CREDIT_TYPES = new Set(["ACCRECCREDIT", "ACCPAYCREDIT"]);

/** One payment as a row; `raw` is the payment as Xero sent it (see mapInvoice). */
export function mapPayment(tenantId: string, wire: XeroPaymentWire, raw: unknown = wire): NewPayment {
  const paymentId = recordId("payment", wire as Record<string, unknown>, "PaymentID");
  const field = fieldsOf("payment", paymentId);
  const updated = recordUpdated("payment", paymentId, wire as Record<string, unknown>);
  const inv = wire.Invoice;
  const invoiceIsCredit = CREDIT_TYPES.has(inv?.Type ?? "");
  const doc: PaidDocument | undefined = inv ?? wire.CreditNote ?? wire.Prepayment ?? wire.Overpayment;
  return {
    tenantId,
    paymentId,
    paymentType: str(wire.PaymentType),
    status: str(wire.Status) ?? "AUTHORISED",
    date: field("Date", toDateOnly, wire.Date),
    amount: field("Amount", toDecimalString, wire.Amount),
    bankAmount: field("BankAmount", toDecimalString, wire.BankAmount),
    currencyRate: field("CurrencyRate", toDecimalString, wire.CurrencyRate),
    currencyCode: str(doc?.CurrencyCode),
    reference: str(wire.Reference),
    isReconciled: wire.IsReconciled === true,
    accountId: str(wire.Account?.AccountID),
    accountCode: str(wire.Account?.Code ?? wire.Code),
    invoiceId: invoiceIsCredit ? null : str(inv?.InvoiceID),
    invoiceNumber: invoiceIsCredit ? null : str(inv?.InvoiceNumber ?? wire.InvoiceNumber),
    creditNoteId: str(wire.CreditNote?.CreditNoteID ?? (invoiceIsCredit ? inv?.InvoiceID : undefined)),
    creditNoteNumber: str(wire.CreditNote?.CreditNoteNumber ?? (invoiceIsCredit ? inv?.InvoiceNumber : undefined) ?? wire.CreditNoteNumber),
    prepaymentId: str(wire.Prepayment?.PrepaymentID),
    overpaymentId: str(wire.Overpayment?.OverpaymentID),
    batchPaymentId: str(wire.BatchPaymentID ?? wire.BatchPayment?.BatchPaymentID),
    contactId: str(doc?.Contact?.ContactID),
    contactName: str(doc?.Contact?.Name),
    xeroUpdatedAt: updated,
    raw,
  };
}
