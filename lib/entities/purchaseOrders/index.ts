import { defineEntity } from "../definition";
import { mapPurchaseOrder } from "./map";
import { purchaseOrders } from "./table";

export const PURCHASE_ORDER_STATUSES = ["DRAFT", "SUBMITTED", "AUTHORISED", "BILLED", "DELETED"] as const;

/** Orders sent to suppliers: Xero's /PurchaseOrders. */
export const purchaseOrdersEntity = defineEntity({
  name: "purchaseOrders",
  label: "Purchase orders",
  singular: "Purchase order",
  group: "purchases",
  xero: {
    endpoint: "PurchaseOrders",
    idField: "PurchaseOrderID",
    scopes: ["accounting.invoices.read", "accounting.transactions.read", "accounting.transactions"],
    // The endpoint has no `where` (only Status, DateFrom, DateTo, none wanted: every order is mirrored).
    request: (api, xeroTenantId, q) =>
      api.getPurchaseOrders(
        xeroTenantId,
        q.ifModifiedSince,
        undefined, // status
        undefined, // dateFrom
        undefined, // dateTo
        "UpdatedDateUTC ASC",
        q.page,
        q.pageSize,
      ),
  },
  walk: { kind: "keyset" },
  table: purchaseOrders,
  idColumn: purchaseOrders.purchaseOrderId,
  map: (tenantId, wire, raw) => mapPurchaseOrder(tenantId, wire, raw),
  deletes: { statusKey: "status", statuses: ["DELETED"], hardDeletes: false },
  view: {
    fields: [
      { key: "purchaseOrderNumber", label: "Number", kind: "code" },
      { key: "reference", label: "Reference", kind: "text" },
      { key: "status", label: "Status", kind: "status" },
      { key: "contactName", label: "Supplier", kind: "text" },
      { key: "contactId", label: "Supplier ID", kind: "code", ref: { entity: "contacts" } },
      { key: "date", label: "Date", kind: "date" },
      { key: "deliveryDate", label: "Delivery", kind: "date" },
      { key: "expectedArrivalDate", label: "Expected arrival", kind: "date" },
      { key: "currencyCode", label: "Currency", kind: "code" },
      { key: "currencyRate", label: "Rate", kind: "number" },
      { key: "lineAmountTypes", label: "Amounts are", kind: "code" },
      { key: "subTotal", label: "Subtotal", kind: "money", currencyKey: "currencyCode" },
      { key: "totalTax", label: "Tax", kind: "money", currencyKey: "currencyCode" },
      { key: "totalDiscount", label: "Discount", kind: "money", currencyKey: "currencyCode" },
      { key: "total", label: "Total", kind: "money", currencyKey: "currencyCode" },
      { key: "sentToContact", label: "Sent", kind: "boolean" },
      { key: "attentionTo", label: "Attention", kind: "text" },
      { key: "deliveryAddress", label: "Delivery address", kind: "text" },
      { key: "telephone", label: "Telephone", kind: "text" },
      { key: "deliveryInstructions", label: "Delivery instructions", kind: "text" },
      { key: "hasAttachments", label: "Attachments", kind: "boolean" },
      { key: "xeroUpdatedAt", label: "Updated in Xero", kind: "instant" },
    ],
    columns: ["purchaseOrderNumber", "contactName", "date", "deliveryDate", "status", "total"],
    titleKey: "purchaseOrderNumber",
    sorts: [
      { key: "number", label: "Number", column: "purchaseOrderNumber", defaultDir: "asc" },
      { key: "contact", label: "Supplier", column: "contactName", defaultDir: "asc" },
      { key: "date", label: "Date", column: "date", defaultDir: "desc" },
      { key: "delivery", label: "Delivery", column: "deliveryDate", defaultDir: "asc" },
      { key: "total", label: "Total", column: "total", defaultDir: "desc" },
      { key: "status", label: "Status", column: "status", defaultDir: "asc" },
      { key: "updated", label: "Updated", column: "xeroUpdatedAt", defaultDir: "desc" },
    ],
    defaultSort: "date",
    filters: [
      { kind: "enum", key: "status", label: "Status", column: "status", values: PURCHASE_ORDER_STATUSES },
      { kind: "ref", key: "contact", label: "Supplier", column: "contactId", entity: "contacts" },
      { kind: "dateRange", key: "date", label: "Date", column: "date" },
      { kind: "dateRange", key: "delivery", label: "Delivery", column: "deliveryDate" },
    ],
    search: ["purchaseOrderNumber", "reference", "contactName"],
    totals: { money: ["total"], currencyKey: "currencyCode" },
  },
});
