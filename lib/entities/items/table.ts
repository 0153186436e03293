import { sql } from "drizzle-orm";
import { boolean, index, numeric, pgTable, primaryKey, text, uuid } from "drizzle-orm/pg-core";
import { changeFeedIndex, mirrorColumns, money, tenantColumn } from "../columns";

export const items = pgTable(
  "items",
  {
    tenantId: tenantColumn(),
    itemId: uuid("item_id").notNull(),
    code: text("code").notNull(),
    name: text("name"),
    /** The sales description. */
    description: text("description"),
    purchaseDescription: text("purchase_description"),
    isSold: boolean("is_sold").notNull().default(false),
    isPurchased: boolean("is_purchased").notNull().default(false),
    isTrackedAsInventory: boolean("is_tracked_as_inventory").notNull().default(false),
    salesUnitPrice: money("sales_unit_price"),
    salesAccountCode: text("sales_account_code"),
    salesTaxType: text("sales_tax_type"),
    purchaseUnitPrice: money("purchase_unit_price"),
    purchaseAccountCode: text("purchase_account_code"),
    /** Tracked items: the cost-of-goods-sold account their purchases post to. */
    purchaseCogsAccountCode: text("purchase_cogs_account_code"),
    purchaseTaxType: text("purchase_tax_type"),
    inventoryAssetAccountCode: text("inventory_asset_account_code"),
    totalCostPool: money("total_cost_pool"),
    quantityOnHand: numeric("quantity_on_hand", { precision: 19, scale: 4 }),
    ...mirrorColumns(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.itemId] }),
    changeFeedIndex("items", t),
    index("items_tenant_code_idx").on(t.tenantId, t.code, t.itemId),
    index("items_tenant_name_idx").on(t.tenantId, t.name, t.itemId),
    index("items_tenant_sales_price_idx").on(t.tenantId, t.salesUnitPrice, t.itemId),
    index("items_tenant_updated_idx").on(t.tenantId, t.xeroUpdatedAt, t.itemId),
    index("items_code_trgm_idx").using("gin", sql`${t.code} gin_trgm_ops`),
    index("items_name_trgm_idx").using("gin", sql`${t.name} gin_trgm_ops`),
    index("items_description_trgm_idx").using("gin", sql`${t.description} gin_trgm_ops`),
  ],
);

export type Item = typeof items.$inferSelect;
export type NewItem = typeof items.$inferInsert;
