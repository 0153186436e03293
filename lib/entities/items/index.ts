import { defineEntity } from "../definition";
import { mapItem } from "./map";
import { items } from "./table";

/**
 * Products and services: Xero's /Items, every item in one answer (no paging) with
 * If-Modified-Since. An item has no status; Xero's delete removes it, so a walk of everything
 * (daily, or on a full sync) flags the rows Xero no longer returns.
 */
export const itemsEntity = defineEntity({
  name: "items",
  label: "Items",
  singular: "Item",
  group: "lists",
  xero: {
    endpoint: "Items",
    idField: "ItemID",
    scopes: ["accounting.settings.read", "accounting.settings"],
    // unitdp=4: unit prices as entered (Xero rounds them to 2 decimals otherwise).
    request: (api, xeroTenantId, q) => api.getItems(xeroTenantId, q.ifModifiedSince, undefined, undefined, 4),
  },
  walk: { kind: "unpaged" },
  // Edited now and then by the accountant: twice a day keeps an idle organisation's day cheap.
  cadence: { everyHours: 12 },
  table: items,
  idColumn: items.itemId,
  map: (tenantId, wire, raw) => mapItem(tenantId, wire, raw),
  deletes: { statuses: [], hardDeletes: true, reconcileHours: 24 },
  view: {
    fields: [
      { key: "code", label: "Code", kind: "code" },
      { key: "name", label: "Name", kind: "text" },
      { key: "description", label: "Sales description", kind: "text" },
      { key: "purchaseDescription", label: "Purchase description", kind: "text" },
      { key: "isSold", label: "Sold", kind: "boolean" },
      { key: "isPurchased", label: "Purchased", kind: "boolean" },
      { key: "isTrackedAsInventory", label: "Tracked inventory", kind: "boolean" },
      { key: "salesUnitPrice", label: "Sale price", kind: "money" },
      { key: "salesAccountCode", label: "Sales account", kind: "code" },
      { key: "salesTaxType", label: "Sales tax", kind: "code", ref: { entity: "taxRates" } },
      { key: "purchaseUnitPrice", label: "Cost price", kind: "money" },
      { key: "purchaseAccountCode", label: "Purchases account", kind: "code" },
      { key: "purchaseCogsAccountCode", label: "Cost of goods sold account", kind: "code" },
      { key: "purchaseTaxType", label: "Purchases tax", kind: "code", ref: { entity: "taxRates" } },
      { key: "inventoryAssetAccountCode", label: "Inventory account", kind: "code" },
      { key: "quantityOnHand", label: "On hand", kind: "number" },
      { key: "totalCostPool", label: "Value on hand", kind: "money" },
      { key: "xeroUpdatedAt", label: "Updated in Xero", kind: "instant" },
    ],
    columns: ["code", "name", "salesUnitPrice", "purchaseUnitPrice", "quantityOnHand"],
    titleKey: "name",
    sorts: [
      { key: "code", label: "Code", column: "code", defaultDir: "asc" },
      { key: "name", label: "Name", column: "name", defaultDir: "asc" },
      { key: "price", label: "Sale price", column: "salesUnitPrice", defaultDir: "desc" },
      { key: "updated", label: "Updated", column: "xeroUpdatedAt", defaultDir: "desc" },
    ],
    defaultSort: "code",
    filters: [
      { kind: "boolean", key: "sold", label: "Sold", column: "isSold" },
      { kind: "boolean", key: "purchased", label: "Purchased", column: "isPurchased" },
      { kind: "boolean", key: "tracked", label: "Tracked inventory", column: "isTrackedAsInventory" },
    ],
    search: ["code", "name", "description"],
  },
});
