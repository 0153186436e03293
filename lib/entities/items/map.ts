/**
 * Items (products and services): the pure mapper from one item as Xero sent it on the wire to an
 * `items` row, which keeps that JSON in `raw`. Items carry no status: Xero's delete removes one,
 * which only a walk of everything shows (reconciliation flags deleted_in_xero_at).
 */
import type { NewItem } from "./table";
import { fieldsOf, recordId, recordUpdated, str, toDecimalString } from "../values";

/** Xero's `Purchase`: the sales or purchase details of an item. */
export interface XeroItemDetailsWire {
  UnitPrice?: number;
  AccountCode?: string;
  COGSAccountCode?: string;
  TaxType?: string;
}

/** The fields of Xero's `Item` the mapper reads. */
export interface XeroItemWire {
  ItemID?: string;
  Code?: string;
  Name?: string;
  Description?: string;
  PurchaseDescription?: string;
  IsSold?: boolean;
  IsPurchased?: boolean;
  IsTrackedAsInventory?: boolean;
  SalesDetails?: XeroItemDetailsWire;
  PurchaseDetails?: XeroItemDetailsWire;
  InventoryAssetAccountCode?: string;
  TotalCostPool?: number;
  QuantityOnHand?: number;
  UpdatedDateUTC?: unknown;
}

/** One item as a row; `raw` is the item as Xero sent it. */
export function mapItem(tenantId: string, wire: XeroItemWire, raw: unknown = wire): NewItem {
  const w = wire as Record<string, unknown>;
  const itemId = recordId("item", w, "ItemID");
  const field = fieldsOf("item", itemId);
  const sales = wire.SalesDetails ?? {};
  const purchase = wire.PurchaseDetails ?? {};
  return {
    tenantId,
    itemId,
    code: str(wire.Code) ?? "",
    name: str(wire.Name),
    description: str(wire.Description),
    purchaseDescription: str(wire.PurchaseDescription),
    isSold: wire.IsSold === true,
    isPurchased: wire.IsPurchased === true,
    isTrackedAsInventory: wire.IsTrackedAsInventory === true,
    salesUnitPrice: field("SalesDetails.UnitPrice", toDecimalString, sales.UnitPrice),
    salesAccountCode: str(sales.AccountCode),
    salesTaxType: str(sales.TaxType),
    purchaseUnitPrice: field("PurchaseDetails.UnitPrice", toDecimalString, purchase.UnitPrice),
    purchaseAccountCode: str(purchase.AccountCode),
    purchaseCogsAccountCode: str(purchase.COGSAccountCode),
    purchaseTaxType: str(purchase.TaxType),
    inventoryAssetAccountCode: str(wire.InventoryAssetAccountCode),
    totalCostPool: field("TotalCostPool", toDecimalString, wire.TotalCostPool),
    quantityOnHand: field("QuantityOnHand", toDecimalString, wire.QuantityOnHand),
    xeroUpdatedAt: recordUpdated("item", itemId, w),
    raw,
  };
}
