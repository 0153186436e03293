import { allocationsChild } from "../allocations";
import { defineEntity } from "../definition";
import { mapPrepayment } from "./map";
import { prepayments } from "./table";

/** Xero never deletes a prepayment: it is voided. */
export const PREPAYMENT_STATUSES = ["AUTHORISED", "PAID", "VOIDED"] as const;

/**
 * Money received from customers (or paid to suppliers) before an invoice exists: Xero's
 * /Prepayments, with their allocations to invoices. Grouped with sales, where an accountant
 * applies a customer's deposit; the Type filter gives the spent ones.
 */
export const prepaymentsEntity = defineEntity({
  name: "prepayments",
  label: "Prepayments",
  singular: "Prepayment",
  group: "sales",
  xero: {
    endpoint: "Prepayments",
    idField: "PrepaymentID",
    scopes: ["accounting.invoices.read", "accounting.transactions.read", "accounting.transactions"],
    request: (api, xeroTenantId, q) =>
      api.getPrepayments(
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
  table: prepayments,
  idColumn: prepayments.prepaymentId,
  map: (tenantId, wire, raw) => mapPrepayment(tenantId, wire, raw),
  children: [allocationsChild("prepayments", "prepayment")],
  deletes: { statusKey: "status", statuses: ["VOIDED"], hardDeletes: false },
  view: {
    fields: [
      { key: "date", label: "Date", kind: "date" },
      { key: "type", label: "Type", kind: "code" },
      { key: "status", label: "Status", kind: "status" },
      { key: "contactName", label: "Contact", kind: "text" },
      { key: "contactId", label: "Contact ID", kind: "code", ref: { entity: "contacts" } },
      { key: "reference", label: "Reference", kind: "text" },
      { key: "invoiceNumber", label: "Number", kind: "code" },
      { key: "currencyCode", label: "Currency", kind: "code" },
      { key: "currencyRate", label: "Rate", kind: "number" },
      { key: "lineAmountTypes", label: "Amounts are", kind: "code" },
      { key: "subTotal", label: "Subtotal", kind: "money", currencyKey: "currencyCode" },
      { key: "totalTax", label: "Tax", kind: "money", currencyKey: "currencyCode" },
      { key: "total", label: "Total", kind: "money", currencyKey: "currencyCode" },
      { key: "remainingCredit", label: "Remaining credit", kind: "money", currencyKey: "currencyCode" },
      { key: "hasAttachments", label: "Attachments", kind: "boolean" },
      { key: "xeroUpdatedAt", label: "Updated in Xero", kind: "instant" },
    ],
    columns: ["date", "contactName", "reference", "type", "status", "total", "remainingCredit"],
    titleKey: "reference",
    sorts: [
      { key: "date", label: "Date", column: "date", defaultDir: "desc" },
      { key: "contact", label: "Contact", column: "contactName", defaultDir: "asc" },
      { key: "total", label: "Total", column: "total", defaultDir: "desc" },
      { key: "remaining", label: "Remaining credit", column: "remainingCredit", defaultDir: "desc" },
      { key: "status", label: "Status", column: "status", defaultDir: "asc" },
      { key: "updated", label: "Updated", column: "xeroUpdatedAt", defaultDir: "desc" },
    ],
    defaultSort: "date",
    filters: [
      { kind: "enum", key: "status", label: "Status", column: "status", values: PREPAYMENT_STATUSES },
      {
        kind: "enum",
        key: "type",
        label: "Type",
        column: "type",
        values: ["RECEIVE-PREPAYMENT", "SPEND-PREPAYMENT"],
        labels: { "RECEIVE-PREPAYMENT": "Received", "SPEND-PREPAYMENT": "Spent" },
      },
      { kind: "ref", key: "contact", label: "Contact", column: "contactId", entity: "contacts" },
      { kind: "dateRange", key: "date", label: "Date", column: "date" },
    ],
    search: ["reference", "invoiceNumber", "contactName"],
    totals: { money: ["total", "remainingCredit"], currencyKey: "currencyCode" },
    relations: [{ entity: "payments", label: "Refunds", column: "prepaymentId" }],
  },
});
