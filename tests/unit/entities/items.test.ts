import { describe, expect, it } from "vitest";
import { itemsEntity } from "@/lib/entities/items";
import { toInstant } from "@/lib/entities/values";
import { bool, decimal, expectLossless, specExamples, text, type FieldMap } from "./spec-examples";

const FIELDS: FieldMap = [
  ["itemId", "ItemID"],
  ["code", "Code", (v) => text(v) ?? ""],
  ["name", "Name", text],
  ["description", "Description", text],
  ["purchaseDescription", "PurchaseDescription", text],
  ["isSold", "IsSold", bool],
  ["isPurchased", "IsPurchased", bool],
  ["isTrackedAsInventory", "IsTrackedAsInventory", bool],
  ["salesUnitPrice", "SalesDetails.UnitPrice", decimal],
  ["salesAccountCode", "SalesDetails.AccountCode", text],
  ["salesTaxType", "SalesDetails.TaxType", text],
  ["purchaseUnitPrice", "PurchaseDetails.UnitPrice", decimal],
  ["purchaseAccountCode", "PurchaseDetails.AccountCode", text],
  ["purchaseCogsAccountCode", "PurchaseDetails.COGSAccountCode", text],
  ["purchaseTaxType", "PurchaseDetails.TaxType", text],
  ["inventoryAssetAccountCode", "InventoryAssetAccountCode", text],
  ["totalCostPool", "TotalCostPool", decimal],
  ["quantityOnHand", "QuantityOnHand", decimal],
  ["xeroUpdatedAt", "UpdatedDateUTC", toInstant],
];

describe("items: the mapper against Xero's spec", () => {
  const examples = specExamples("Items");

  it("maps every example without loss", () => {
    expect(examples.length).toBeGreaterThanOrEqual(6);
    for (const { record } of examples) expectLossless(itemsEntity, record, FIELDS, ["ValidationErrors", "StatusAttributeString"]);
  });

  it("a tracked item: cost of goods sold account, quantity and value on hand", () => {
    const tracked = examples.find((e) => e.record.IsTrackedAsInventory === true)!;
    const row = expectLossless(itemsEntity, tracked.record, FIELDS, ["ValidationErrors"]);
    expect(row).toMatchObject({ purchaseCogsAccountCode: "310", purchaseAccountCode: null, inventoryAssetAccountCode: "630", quantityOnHand: "10", totalCostPool: "25000", salesUnitPrice: "5000" });
  });

  it("unit prices keep four decimals (asked with unitdp=4)", () => {
    const row = expectLossless(itemsEntity, { ItemID: "c8c54d65-f3f2-452d-926e-bf450b12fb07", Code: "X", UpdatedDateUTC: "/Date(1551981476267+0000)/", SalesDetails: { UnitPrice: 12.3456 } }, FIELDS, []);
    expect(row.salesUnitPrice).toBe("12.3456");
  });
});
