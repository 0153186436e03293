import { defineEntity } from "../definition";
import { mapBankTransaction } from "./map";
import { bankTransactions } from "./table";

export const BANK_TRANSACTION_TYPES = ["RECEIVE", "RECEIVE-OVERPAYMENT", "RECEIVE-PREPAYMENT", "RECEIVE-TRANSFER", "SPEND", "SPEND-OVERPAYMENT", "SPEND-PREPAYMENT", "SPEND-TRANSFER"] as const;
export const BANK_TRANSACTION_STATUSES = ["AUTHORISED", "DELETED", "VOIDED"] as const;

/** Money received into and spent from bank accounts: Xero's /BankTransactions. */
export const bankTransactionsEntity = defineEntity({
  name: "bankTransactions",
  label: "Bank transactions",
  singular: "Bank transaction",
  group: "banking",
  xero: {
    endpoint: "BankTransactions",
    idField: "BankTransactionID",
    scopes: ["accounting.banktransactions.read", "accounting.transactions.read", "accounting.transactions"],
    // page is always sent: without it Xero leaves line items out.
    request: (api, xeroTenantId, q) =>
      api.getBankTransactions(
        xeroTenantId,
        q.ifModifiedSince,
        undefined, // where
        "UpdatedDateUTC ASC",
        q.page,
        undefined, // unitdp
        q.pageSize,
      ),
  },
  walk: { kind: "keyset" },
  table: bankTransactions,
  idColumn: bankTransactions.bankTransactionId,
  map: (tenantId, wire, raw) => mapBankTransaction(tenantId, wire, raw),
  deletes: { statusKey: "status", statuses: ["DELETED", "VOIDED"], hardDeletes: false },
  view: {
    fields: [
      { key: "date", label: "Date", kind: "date" },
      { key: "type", label: "Type", kind: "code" },
      { key: "status", label: "Status", kind: "status" },
      { key: "reference", label: "Reference", kind: "text" },
      { key: "contactName", label: "Contact", kind: "text" },
      { key: "contactId", label: "Contact ID", kind: "code", ref: { entity: "contacts" } },
      { key: "bankAccountName", label: "Bank account", kind: "text" },
      { key: "bankAccountCode", label: "Bank account code", kind: "code" },
      { key: "bankAccountId", label: "Bank account ID", kind: "code", ref: { entity: "accounts" } },
      { key: "isReconciled", label: "Reconciled", kind: "boolean" },
      { key: "currencyCode", label: "Currency", kind: "code" },
      { key: "currencyRate", label: "Rate", kind: "number" },
      { key: "lineAmountTypes", label: "Amounts are", kind: "code" },
      { key: "subTotal", label: "Subtotal", kind: "money", currencyKey: "currencyCode" },
      { key: "totalTax", label: "Tax", kind: "money", currencyKey: "currencyCode" },
      { key: "total", label: "Total", kind: "money", currencyKey: "currencyCode" },
      { key: "prepaymentId", label: "Prepayment", kind: "code", ref: { entity: "prepayments" } },
      { key: "overpaymentId", label: "Overpayment", kind: "code", ref: { entity: "overpayments" } },
      { key: "hasAttachments", label: "Attachments", kind: "boolean" },
      { key: "xeroUpdatedAt", label: "Updated in Xero", kind: "instant" },
    ],
    columns: ["date", "bankAccountName", "contactName", "reference", "type", "status", "isReconciled", "total"],
    titleKey: "contactName",
    sorts: [
      { key: "date", label: "Date", column: "date", defaultDir: "desc" },
      { key: "contact", label: "Contact", column: "contactName", defaultDir: "asc" },
      { key: "total", label: "Total", column: "total", defaultDir: "desc" },
      { key: "type", label: "Type", column: "type", defaultDir: "asc" },
      { key: "status", label: "Status", column: "status", defaultDir: "asc" },
      { key: "updated", label: "Updated", column: "xeroUpdatedAt", defaultDir: "desc" },
    ],
    defaultSort: "date",
    filters: [
      {
        kind: "enum",
        key: "type",
        label: "Type",
        column: "type",
        values: BANK_TRANSACTION_TYPES,
        labels: {
          RECEIVE: "Received",
          "RECEIVE-OVERPAYMENT": "Received overpayment",
          "RECEIVE-PREPAYMENT": "Received prepayment",
          "RECEIVE-TRANSFER": "Transfer in",
          SPEND: "Spent",
          "SPEND-OVERPAYMENT": "Spent overpayment",
          "SPEND-PREPAYMENT": "Spent prepayment",
          "SPEND-TRANSFER": "Transfer out",
        },
      },
      { kind: "enum", key: "status", label: "Status", column: "status", values: BANK_TRANSACTION_STATUSES },
      { kind: "dateRange", key: "date", label: "Date", column: "date" },
      { kind: "ref", key: "contact", label: "Contact", column: "contactId", entity: "contacts" },
      { kind: "ref", key: "account", label: "Bank account", column: "bankAccountId", entity: "accounts" },
      { kind: "boolean", key: "reconciled", label: "Reconciled", column: "isReconciled" },
    ],
    search: ["reference", "contactName"],
    // Xero's totals are positive both ways (received and spent): filtered by type they read as such.
    totals: { money: ["total"], currencyKey: "currencyCode" },
  },
});
