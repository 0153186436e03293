import { defineEntity } from "../definition";
import { mapPayment } from "./map";
import { payments } from "./table";

export const PAYMENT_STATUSES = ["AUTHORISED", "DELETED"] as const;

export const PAYMENT_TYPES = [
  "ACCRECPAYMENT",
  "ACCPAYPAYMENT",
  "ARCREDITPAYMENT",
  "APCREDITPAYMENT",
  "AROVERPAYMENTPAYMENT",
  "APOVERPAYMENTPAYMENT",
  "ARPREPAYMENTPAYMENT",
  "APPREPAYMENTPAYMENT",
] as const;

/**
 * Payments of invoices and bills, and refunds of credit notes, overpayments and prepayments:
 * Xero's /Payments. A deleted payment stays listed with Status DELETED (its invoice reopens).
 * Grouped with sales, where an accountant reconciles receipts; the Type filter gives bill payments.
 */
export const paymentsEntity = defineEntity({
  name: "payments",
  label: "Payments",
  singular: "Payment",
  group: "sales",
  xero: {
    endpoint: "Payments",
    idField: "PaymentID",
    scopes: ["accounting.payments.read", "accounting.transactions.read", "accounting.transactions"],
    request: (api, xeroTenantId, q) =>
      api.getPayments(
        xeroTenantId,
        q.ifModifiedSince,
        undefined, // where
        "UpdatedDateUTC ASC",
        q.page,
        q.pageSize,
      ),
  },
  walk: { kind: "keyset" },
  table: payments,
  idColumn: payments.paymentId,
  map: (tenantId, wire, raw) => mapPayment(tenantId, wire, raw),
  deletes: { statusKey: "status", statuses: ["DELETED"], hardDeletes: false },
  view: {
    fields: [
      { key: "date", label: "Date", kind: "date" },
      { key: "paymentType", label: "Type", kind: "code" },
      { key: "status", label: "Status", kind: "status" },
      { key: "contactName", label: "Contact", kind: "text" },
      { key: "contactId", label: "Contact ID", kind: "code", ref: { entity: "contacts" } },
      { key: "invoiceNumber", label: "Invoice", kind: "code" },
      { key: "invoiceId", label: "Invoice ID", kind: "code", ref: { entity: "invoices" } },
      { key: "creditNoteNumber", label: "Credit note", kind: "code" },
      { key: "creditNoteId", label: "Credit note ID", kind: "code", ref: { entity: "creditNotes" } },
      { key: "prepaymentId", label: "Prepayment ID", kind: "code", ref: { entity: "prepayments" } },
      { key: "overpaymentId", label: "Overpayment ID", kind: "code", ref: { entity: "overpayments" } },
      { key: "reference", label: "Reference", kind: "text" },
      { key: "currencyCode", label: "Currency", kind: "code" },
      { key: "currencyRate", label: "Rate", kind: "number" },
      { key: "amount", label: "Amount", kind: "money", currencyKey: "currencyCode" },
      { key: "bankAmount", label: "Bank amount", kind: "money" },
      { key: "accountCode", label: "Bank account", kind: "code" },
      { key: "accountId", label: "Bank account ID", kind: "code", ref: { entity: "accounts" } },
      { key: "isReconciled", label: "Reconciled", kind: "boolean" },
      { key: "batchPaymentId", label: "Batch payment ID", kind: "code" },
      { key: "xeroUpdatedAt", label: "Updated in Xero", kind: "instant" },
    ],
    columns: ["date", "contactName", "invoiceNumber", "reference", "status", "amount", "isReconciled"],
    titleKey: "invoiceNumber",
    sorts: [
      { key: "date", label: "Date", column: "date", defaultDir: "desc" },
      { key: "contact", label: "Contact", column: "contactName", defaultDir: "asc" },
      { key: "amount", label: "Amount", column: "amount", defaultDir: "desc" },
      { key: "status", label: "Status", column: "status", defaultDir: "asc" },
      { key: "updated", label: "Updated", column: "xeroUpdatedAt", defaultDir: "desc" },
    ],
    defaultSort: "date",
    filters: [
      { kind: "enum", key: "status", label: "Status", column: "status", values: PAYMENT_STATUSES },
      {
        kind: "enum",
        key: "type",
        label: "Type",
        column: "paymentType",
        values: PAYMENT_TYPES,
        labels: {
          ACCRECPAYMENT: "Invoice payments",
          ACCPAYPAYMENT: "Bill payments",
          ARCREDITPAYMENT: "Sales credit note refunds",
          APCREDITPAYMENT: "Purchase credit note refunds",
          AROVERPAYMENTPAYMENT: "Received overpayment refunds",
          APOVERPAYMENTPAYMENT: "Spent overpayment refunds",
          ARPREPAYMENTPAYMENT: "Received prepayment refunds",
          APPREPAYMENTPAYMENT: "Spent prepayment refunds",
        },
      },
      { kind: "boolean", key: "reconciled", label: "Reconciled", column: "isReconciled" },
      { kind: "ref", key: "contact", label: "Contact", column: "contactId", entity: "contacts" },
      { kind: "ref", key: "account", label: "Bank account", column: "accountId", entity: "accounts" },
      { kind: "dateRange", key: "date", label: "Date", column: "date" },
    ],
    search: ["reference", "invoiceNumber", "contactName"],
    totals: { money: ["amount"], currencyKey: "currencyCode" },
  },
});
