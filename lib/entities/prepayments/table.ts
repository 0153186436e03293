import { sql } from "drizzle-orm";
import { boolean, date, index, pgTable, primaryKey, text, uuid } from "drizzle-orm/pg-core";
import { changeFeedIndex, mirrorColumns, money, rate, tenantColumn } from "../columns";

export const prepayments = pgTable(
  "prepayments",
  {
    tenantId: tenantColumn(),
    prepaymentId: uuid("prepayment_id").notNull(),
    /** RECEIVE-PREPAYMENT (from a customer) or SPEND-PREPAYMENT (to a supplier). */
    type: text("type").notNull(),
    /** AUTHORISED, PAID (fully allocated or refunded) or VOIDED. */
    status: text("status").notNull(),
    contactId: uuid("contact_id"),
    contactName: text("contact_name"),
    date: date("date"),
    /** Xero sends a received prepayment's number as both Reference and InvoiceNumber. */
    reference: text("reference"),
    invoiceNumber: text("invoice_number"),
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
    primaryKey({ columns: [t.tenantId, t.prepaymentId] }),
    changeFeedIndex("prepayments", t),
    index("prepayments_tenant_date_idx").on(t.tenantId, t.date.desc(), t.prepaymentId),
    index("prepayments_tenant_contact_name_idx").on(t.tenantId, t.contactName, t.prepaymentId),
    index("prepayments_tenant_total_idx").on(t.tenantId, t.total, t.prepaymentId),
    index("prepayments_tenant_remaining_idx").on(t.tenantId, t.remainingCredit, t.prepaymentId),
    index("prepayments_tenant_status_idx").on(t.tenantId, t.status, t.prepaymentId),
    index("prepayments_tenant_updated_idx").on(t.tenantId, t.xeroUpdatedAt, t.prepaymentId),
    index("prepayments_tenant_contact_idx").on(t.tenantId, t.contactId),
    index("prepayments_reference_trgm_idx").using("gin", sql`${t.reference} gin_trgm_ops`),
    index("prepayments_invoice_number_trgm_idx").using("gin", sql`${t.invoiceNumber} gin_trgm_ops`),
    index("prepayments_contact_name_trgm_idx").using("gin", sql`${t.contactName} gin_trgm_ops`),
  ],
);

export type Prepayment = typeof prepayments.$inferSelect;
export type NewPrepayment = typeof prepayments.$inferInsert;
