import { sql } from "drizzle-orm";
import { boolean, date, index, pgTable, primaryKey, text, uuid } from "drizzle-orm/pg-core";
import { changeFeedIndex, mirrorColumns, money, rate, tenantColumn } from "../columns";

export const creditNotes = pgTable(
  "credit_notes",
  {
    tenantId: tenantColumn(),
    creditNoteId: uuid("credit_note_id").notNull(),
    /** ACCRECCREDIT (sales) or ACCPAYCREDIT (purchases). */
    type: text("type").notNull(),
    creditNoteNumber: text("credit_note_number"),
    reference: text("reference"),
    status: text("status").notNull(),
    contactId: uuid("contact_id"),
    contactName: text("contact_name"),
    date: date("date"),
    dueDate: date("due_date"),
    fullyPaidOnDate: date("fully_paid_on_date"),
    currencyCode: text("currency_code"),
    currencyRate: rate("currency_rate"),
    lineAmountTypes: text("line_amount_types"),
    subTotal: money("sub_total"),
    totalTax: money("total_tax"),
    total: money("total"),
    /** What is left to allocate or refund. */
    remainingCredit: money("remaining_credit"),
    cisDeduction: money("cis_deduction"),
    sentToContact: boolean("sent_to_contact").notNull().default(false),
    hasAttachments: boolean("has_attachments").notNull().default(false),
    ...mirrorColumns(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.creditNoteId] }),
    changeFeedIndex("credit_notes", t),
    index("credit_notes_tenant_date_idx").on(t.tenantId, t.date.desc(), t.creditNoteId),
    index("credit_notes_tenant_number_idx").on(t.tenantId, t.creditNoteNumber, t.creditNoteId),
    index("credit_notes_tenant_contact_name_idx").on(t.tenantId, t.contactName, t.creditNoteId),
    index("credit_notes_tenant_total_idx").on(t.tenantId, t.total, t.creditNoteId),
    index("credit_notes_tenant_remaining_idx").on(t.tenantId, t.remainingCredit, t.creditNoteId),
    index("credit_notes_tenant_status_idx").on(t.tenantId, t.status, t.creditNoteId),
    index("credit_notes_tenant_updated_idx").on(t.tenantId, t.xeroUpdatedAt, t.creditNoteId),
    index("credit_notes_tenant_type_idx").on(t.tenantId, t.type),
    index("credit_notes_tenant_contact_idx").on(t.tenantId, t.contactId),
    index("credit_notes_number_trgm_idx").using("gin", sql`${t.creditNoteNumber} gin_trgm_ops`),
    index("credit_notes_reference_trgm_idx").using("gin", sql`${t.reference} gin_trgm_ops`),
    index("credit_notes_contact_name_trgm_idx").using("gin", sql`${t.contactName} gin_trgm_ops`),
  ],
);

export type CreditNote = typeof creditNotes.$inferSelect;
export type NewCreditNote = typeof creditNotes.$inferInsert;
