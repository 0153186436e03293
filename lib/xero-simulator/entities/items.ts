/**
 * Items (products and services), unpaged with If-Modified-Since. An item has no status at all:
 * Xero's delete is a hard delete, so a deleted item is gone from every answer and only a full walk
 * notices (/__sim/state?entity=items&deleted=1 keeps it). The items the invoices' line items name
 * (ItemCode) come first and are never deleted, so every ItemCode stays a real item.
 */
import { INVOICE_ITEMS, type Tenant } from "../data";
import { money, moneyString, msDate } from "../format";
import { type Rng, int, pick, uuid } from "../prng";
import { addRecord, change, hardDelete, store } from "./store";
import { defineEntity } from "./define";
import type { SimRecord } from "./types";

export interface ItemRec extends SimRecord {
  code: string;
  name: string;
  description: string;
  sold: boolean;
  purchased: boolean;
  /** Cents. */
  salesPrice: number;
  purchasePrice: number;
  salesAccount: string;
  purchaseAccount: string;
  /** Tracked inventory: quantity on hand and its cost. */
  tracked: boolean;
  quantity: number;
  /** One of the items the invoices' line items name: never deleted. */
  onInvoices: boolean;
}

const NAME = "items";
const TRACKED = new Set(["WID-100", "WID-200"]);
const KINDS = ["Cable", "Bracket", "Sensor", "Adapter", "Panel", "Filter", "Valve", "Lamp", "Bearing", "Gasket", "Hinge", "Switch"];
const SIZES = ["mini", "small", "standard", "large", "XL", "pro"];

function newItem(t: Tenant, r: Rng, n: number, updatedMs: number): ItemRec {
  const kind = pick(r, KINDS);
  const size = pick(r, SIZES);
  const price = int(r, 300, 40000);
  const purchased = r() < 0.7;
  const tracked = purchased && r() < 0.3;
  return {
    id: uuid(r),
    code: `${kind.slice(0, 3).toUpperCase()}-${String(n).padStart(4, "0")}`,
    name: `${kind}, ${size}`,
    description: `${kind} (${size}), part ${n}`,
    sold: true,
    purchased,
    salesPrice: price,
    purchasePrice: purchased ? Math.round(price * (0.45 + r() * 0.3)) : 0,
    salesAccount: "200",
    purchaseAccount: tracked ? "630" : "310",
    tracked,
    quantity: tracked ? int(r, 0, 500) : 0,
    onInvoices: false,
    updatedMs,
  };
}

function nextNumber(t: Tenant): number {
  t.counters[NAME] = (t.counters[NAME] ?? store<ItemRec>(t, NAME).list.length) + 1;
  return t.counters[NAME];
}

export const items = defineEntity<ItemRec>({
  name: NAME,
  endpoint: "Items",
  scopes: ["accounting.settings", "accounting.settings.read"],
  paging: "unpaged",
  defaultCount: (t) => INVOICE_ITEMS.length + 2 + Math.floor(t.invoices.length / 500),
  generate(t, r, count, anchorMs) {
    const out: ItemRec[] = [];
    const span = Math.max(0, anchorMs - t.createdMs - 60_000);
    for (const it of INVOICE_ITEMS) {
      if (out.length >= count) break;
      const price = Math.round((it.min + it.max) / 2);
      const tracked = TRACKED.has(it.code);
      out.push({
        id: uuid(r), code: it.code, name: it.desc.slice(0, 50), description: it.desc, sold: true, purchased: tracked,
        salesPrice: price, purchasePrice: tracked ? Math.round(price * 0.55) : 0, salesAccount: "200", purchaseAccount: tracked ? "630" : "310",
        tracked, quantity: tracked ? int(r, 20, 800) : 0, onInvoices: true, updatedMs: t.createdMs + int(r, 0, Math.floor(span / 4)),
      });
    }
    for (let n = out.length + 1; out.length < count; n++) out.push(newItem(t, r, n, t.createdMs + int(r, 0, span)));
    t.counters[NAME] = out.length;
    return out;
  },
  json(t, it) {
    const salesTax = t.profile.salesTax.type;
    const purchasesTax = t.profile.purchasesTax.type;
    return {
      ItemID: it.id,
      Code: it.code,
      Description: it.description,
      ...(it.purchased ? { PurchaseDescription: it.description } : {}),
      UpdatedDateUTC: msDate(it.updatedMs),
      PurchaseDetails: it.purchased
        ? { UnitPrice: money(it.purchasePrice), ...(it.tracked ? { COGSAccountCode: "310" } : { AccountCode: it.purchaseAccount }), TaxType: purchasesTax }
        : {},
      SalesDetails: it.sold ? { UnitPrice: money(it.salesPrice), AccountCode: it.salesAccount, TaxType: salesTax } : {},
      Name: it.name,
      IsTrackedAsInventory: it.tracked,
      ...(it.tracked ? { InventoryAssetAccountCode: "630", TotalCostPool: money(it.purchasePrice * it.quantity), QuantityOnHand: it.quantity } : {}),
      IsSold: it.sold,
      IsPurchased: it.purchased,
    };
  },
  fields: {
    itemid: (_t, it) => it.id,
    code: (_t, it) => it.code,
    name: (_t, it) => it.name,
    description: (_t, it) => it.description,
    issold: (_t, it) => it.sold,
    ispurchased: (_t, it) => it.purchased,
    istrackedasinventory: (_t, it) => it.tracked,
    quantityonhand: (_t, it) => it.quantity,
    updateddateutc: (_t, it) => it.updatedMs,
  },
  // Xero's GET /Items/{ItemID} also takes the item's Code.
  lookup: (t, ref) => store<ItemRec>(t, NAME).list.find((it) => it.code === ref),
  mutations: ["create", "edit", "delete"],
  mutate(t, r, kind, nowMs, touched) {
    if (kind === "create") {
      const it = addRecord(t, NAME, newItem(t, r, nextNumber(t), nowMs));
      touched.add(it.id);
      return [change(NAME, it, kind, "ACTIVE", true)];
    }
    const candidates = store<ItemRec>(t, NAME).list.filter((it) => !touched.has(it.id) && (kind === "edit" || !it.onInvoices));
    if (!candidates.length) return [];
    const it = pick(r, candidates);
    touched.add(it.id);
    it.updatedMs = nowMs;
    if (kind === "delete") {
      hardDelete(t, NAME, it);
      // Items have no status: "DELETED" only names what happened.
      return [change(NAME, it, kind, "DELETED")];
    }
    it.salesPrice = Math.max(100, Math.round(it.salesPrice * (0.9 + r() * 0.25)));
    if (it.tracked) it.quantity = Math.max(0, it.quantity + int(r, -20, 50));
    return [change(NAME, it, kind, "ACTIVE")];
  },
  state: (_t, it) => ({
    id: it.id,
    code: it.code,
    name: it.name,
    isSold: it.sold,
    isPurchased: it.purchased,
    isTrackedAsInventory: it.tracked,
    salesUnitPrice: moneyString(it.salesPrice),
    purchaseUnitPrice: it.purchased ? moneyString(it.purchasePrice) : null,
    quantityOnHand: it.tracked ? it.quantity : null,
    updatedDateUtc: new Date(it.updatedMs).toISOString(),
  }),
});
