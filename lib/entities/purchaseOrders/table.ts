import { sql } from "drizzle-orm";
import { boolean, date, index, pgTable, primaryKey, text, uuid } from "drizzle-orm/pg-core";
import { changeFeedIndex, mirrorColumns, money, rate, tenantColumn } from "../columns";

export const purchaseOrders = pgTable(
  "purchase_orders",
  {
    tenantId: tenantColumn(),
    purchaseOrderId: uuid("purchase_order_id").notNull(),
    purchaseOrderNumber: text("purchase_order_number"),
    reference: text("reference"),
    /** DRAFT, SUBMITTED, AUTHORISED, BILLED or DELETED. */
    status: text("status").notNull(),
    contactId: uuid("contact_id"),
    contactName: text("contact_name"),
    date: date("date"),
    deliveryDate: date("delivery_date"),
    expectedArrivalDate: date("expected_arrival_date"),
    currencyCode: text("currency_code"),
    currencyRate: rate("currency_rate"),
    lineAmountTypes: text("line_amount_types"),
    subTotal: money("sub_total"),
    totalTax: money("total_tax"),
    total: money("total"),
    totalDiscount: money("total_discount"),
    sentToContact: boolean("sent_to_contact").notNull().default(false),
    attentionTo: text("attention_to"),
    deliveryAddress: text("delivery_address"),
    telephone: text("telephone"),
    deliveryInstructions: text("delivery_instructions"),
    brandingThemeId: uuid("branding_theme_id"),
    hasAttachments: boolean("has_attachments").notNull().default(false),
    ...mirrorColumns(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.purchaseOrderId] }),
    changeFeedIndex("purchase_orders", t),
    index("purchase_orders_tenant_date_idx").on(t.tenantId, t.date.desc(), t.purchaseOrderId),
    index("purchase_orders_tenant_number_idx").on(t.tenantId, t.purchaseOrderNumber, t.purchaseOrderId),
    index("purchase_orders_tenant_delivery_date_idx").on(t.tenantId, t.deliveryDate, t.purchaseOrderId),
    index("purchase_orders_tenant_contact_name_idx").on(t.tenantId, t.contactName, t.purchaseOrderId),
    index("purchase_orders_tenant_total_idx").on(t.tenantId, t.total, t.purchaseOrderId),
    index("purchase_orders_tenant_status_idx").on(t.tenantId, t.status, t.purchaseOrderId),
    index("purchase_orders_tenant_contact_idx").on(t.tenantId, t.contactId),
    index("purchase_orders_tenant_updated_idx").on(t.tenantId, t.xeroUpdatedAt, t.purchaseOrderId),
    // Search by number, reference or contact name is a substring match: trigram indexes (pg_trgm).
    index("purchase_orders_number_trgm_idx").using("gin", sql`${t.purchaseOrderNumber} gin_trgm_ops`),
    index("purchase_orders_reference_trgm_idx").using("gin", sql`${t.reference} gin_trgm_ops`),
    index("purchase_orders_contact_name_trgm_idx").using("gin", sql`${t.contactName} gin_trgm_ops`),
  ],
);

export type PurchaseOrder = typeof purchaseOrders.$inferSelect;
export type NewPurchaseOrder = typeof purchaseOrders.$inferInsert;
