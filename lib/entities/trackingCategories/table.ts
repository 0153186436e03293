import { sql } from "drizzle-orm";
import { index, integer, pgTable, primaryKey, text, uuid } from "drizzle-orm/pg-core";
import { changeFeedIndex, tenantColumn, unversionedMirrorColumns } from "../columns";

/** Tracking categories (Region, Department …) carry no UpdatedDateUTC: compared by their JSON. */
export const trackingCategories = pgTable(
  "tracking_categories",
  {
    tenantId: tenantColumn(),
    trackingCategoryId: uuid("tracking_category_id").notNull(),
    name: text("name").notNull(),
    /** ACTIVE or ARCHIVED (a category deleted in Xero is gone: flagged deleted_in_xero_at). */
    status: text("status").notNull(),
    /** How many options it has (archived ones included). */
    optionCount: integer("option_count").notNull().default(0),
    ...unversionedMirrorColumns(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.trackingCategoryId] }),
    changeFeedIndex("tracking_categories", t),
    index("tracking_categories_tenant_name_idx").on(t.tenantId, t.name, t.trackingCategoryId),
    index("tracking_categories_tenant_status_idx").on(t.tenantId, t.status),
    index("tracking_categories_name_trgm_idx").using("gin", sql`${t.name} gin_trgm_ops`),
  ],
);

/** A category's options, rewritten whenever the category is (lib/entities/definition.ts: children). */
export const trackingOptions = pgTable(
  "tracking_options",
  {
    tenantId: tenantColumn(),
    trackingCategoryId: uuid("tracking_category_id").notNull(),
    trackingOptionId: uuid("tracking_option_id").notNull(),
    /** Its place in Xero's list. */
    position: integer("position").notNull(),
    name: text("name").notNull(),
    /** ACTIVE or ARCHIVED. */
    status: text("status").notNull(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.trackingCategoryId, t.trackingOptionId] }), index("tracking_options_tenant_option_idx").on(t.tenantId, t.trackingOptionId)],
);

export type TrackingCategory = typeof trackingCategories.$inferSelect;
export type NewTrackingCategory = typeof trackingCategories.$inferInsert;
export type NewTrackingOption = typeof trackingOptions.$inferInsert;
