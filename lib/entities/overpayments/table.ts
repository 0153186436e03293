import { sql } from "drizzle-orm";
import { boolean, date, index, pgTable, primaryKey, text, uuid } from "drizzle-orm/pg-core";
import { changeFeedIndex, mirrorColumns, money, rate, tenantColumn } from "../columns";

export const overpayments = pgTable(
  "overpayments",
  {
    tenantId: tenantColumn(),
    overpaymentId: uuid("overpayment_id").notNull(),
    /** RECEIVE-OVERPAYMENT (from a customer) or SPEND-OVERPAYMENT (to a supplier). */
    type: text("type").notNull(),
    /** AUTHORISED, PAID (fully allocated or refunded) or VOIDED. */
    status: text("status").notNull(),
    contactId: uuid("contact_id"),
    contactName: text("contact_name"),
    date: date("date"),
    reference: text("reference"),
    currencyCode: text("currency_code"),
    currencyRate: rate("currency_rate"),
    lineAmountTypes: text("line_amount_types"),
    subTotal: money("sub_total"),
    totalTax: money("total_tax"),
    total: money("total"),
    remainingCredit: money("remaining_credit"),
    hasAttachments: boolean("has_attachments").notNull().default(false),
    ...mirrorColumns(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.overpaymentId] }),
    changeFeedIndex("overpayments", t),
    index("overpayments_tenant_date_idx").on(t.tenantId, t.date.desc(), t.overpaymentId),
    index("overpayments_tenant_contact_name_idx").on(t.tenantId, t.contactName, t.overpaymentId),
    index("overpayments_tenant_total_idx").on(t.tenantId, t.total, t.overpaymentId),
    index("overpayments_tenant_remaining_idx").on(t.tenantId, t.remainingCredit, t.overpaymentId),
    index("overpayments_tenant_status_idx").on(t.tenantId, t.status, t.overpaymentId),
    index("overpayments_tenant_updated_idx").on(t.tenantId, t.xeroUpdatedAt, t.overpaymentId),
    index("overpayments_tenant_contact_idx").on(t.tenantId, t.contactId),
    index("overpayments_reference_trgm_idx").using("gin", sql`${t.reference} gin_trgm_ops`),
    index("overpayments_contact_name_trgm_idx").using("gin", sql`${t.contactName} gin_trgm_ops`),
  ],
);

export type Overpayment = typeof overpayments.$inferSelect;
export type NewOverpayment = typeof overpayments.$inferInsert;
