import { allocationsChild } from "../allocations";
import { defineEntity } from "../definition";
import { mapOverpayment } from "./map";
import { overpayments } from "./table";

/** Xero never deletes an overpayment: it is voided. */
export const OVERPAYMENT_STATUSES = ["AUTHORISED", "PAID", "VOIDED"] as const;

/**
 * Money received from customers (or paid to suppliers) beyond what was owed: Xero's
 * /Overpayments, with their allocations to invoices. Grouped with sales, where an accountant
 * applies a customer's credit; the Type filter gives the spent ones.
 */
export const overpaymentsEntity = defineEntity({
  name: "overpayments",
  label: "Overpayments",
  singular: "Overpayment",
  group: "sales",
  xero: {
    endpoint: "Overpayments",
    idField: "OverpaymentID",
    scopes: ["accounting.invoices.read", "accounting.transactions.read", "accounting.transactions"],
    request: (api, xeroTenantId, q) =>
      api.getOverpayments(
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
  table: overpayments,
  idColumn: overpayments.overpaymentId,
  map: (tenantId, wire, raw) => mapOverpayment(tenantId, wire, raw),
  children: [allocationsChild("overpayments", "overpayment")],
  deletes: { statusKey: "status", statuses: ["VOIDED"], hardDeletes: false },
  view: {
    fields: [
      { key: "date", label: "Date", kind: "date" },
      { key: "type", label: "Type", kind: "code" },
      { key: "status", label: "Status", kind: "status" },
      { key: "contactName", label: "Contact", kind: "text" },
      { key: "contactId", label: "Contact ID", kind: "code", ref: { entity: "contacts" } },
      { key: "reference", label: "Reference", kind: "text" },
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
      { kind: "enum", key: "status", label: "Status", column: "status", values: OVERPAYMENT_STATUSES },
      {
        kind: "enum",
        key: "type",
        label: "Type",
        column: "type",
        values: ["RECEIVE-OVERPAYMENT", "SPEND-OVERPAYMENT"],
        labels: { "RECEIVE-OVERPAYMENT": "Received", "SPEND-OVERPAYMENT": "Spent" },
      },
      { kind: "ref", key: "contact", label: "Contact", column: "contactId", entity: "contacts" },
      { kind: "dateRange", key: "date", label: "Date", column: "date" },
    ],
    search: ["reference", "contactName"],
    totals: { money: ["total", "remainingCredit"], currencyKey: "currencyCode" },
    relations: [{ entity: "payments", label: "Refunds", column: "overpaymentId" }],
  },
});
