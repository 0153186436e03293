import { sql } from "drizzle-orm";
import { boolean, index, pgTable, primaryKey, text } from "drizzle-orm/pg-core";
import { changeFeedIndex, rate, tenantColumn, unversionedMirrorColumns } from "../columns";

/** Tax rates are keyed by TaxType (OUTPUT2, TAX001 …), not a GUID, and carry no UpdatedDateUTC. */
export const taxRates = pgTable(
  "tax_rates",
  {
    tenantId: tenantColumn(),
    taxType: text("tax_type").notNull(),
    name: text("name").notNull(),
    /** ACTIVE, DELETED, ARCHIVED or PENDING (Xero keeps a deleted rate, with Status DELETED). */
    status: text("status").notNull(),
    reportTaxType: text("report_tax_type"),
    /** Percent, e.g. 15 or 8.875. */
    effectiveRate: rate("effective_rate"),
    displayTaxRate: rate("display_tax_rate"),
    canApplyToAssets: boolean("can_apply_to_assets").notNull().default(false),
    canApplyToEquity: boolean("can_apply_to_equity").notNull().default(false),
    canApplyToExpenses: boolean("can_apply_to_expenses").notNull().default(false),
    canApplyToLiabilities: boolean("can_apply_to_liabilities").notNull().default(false),
    canApplyToRevenue: boolean("can_apply_to_revenue").notNull().default(false),
    /** The components' names and rates ("GST 15%", "State Tax 4% + City Tax 4.875%"). */
    components: text("components"),
    ...unversionedMirrorColumns(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.taxType] }),
    changeFeedIndex("tax_rates", t),
    index("tax_rates_tenant_name_idx").on(t.tenantId, t.name, t.taxType),
    index("tax_rates_tenant_rate_idx").on(t.tenantId, t.effectiveRate, t.taxType),
    index("tax_rates_tenant_status_idx").on(t.tenantId, t.status),
    index("tax_rates_name_trgm_idx").using("gin", sql`${t.name} gin_trgm_ops`),
    index("tax_rates_tax_type_trgm_idx").using("gin", sql`${t.taxType} gin_trgm_ops`),
  ],
);

export type TaxRate = typeof taxRates.$inferSelect;
export type NewTaxRate = typeof taxRates.$inferInsert;
