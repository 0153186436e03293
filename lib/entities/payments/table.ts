import { sql } from "drizzle-orm";
import { boolean, date, index, pgTable, primaryKey, text, uuid } from "drizzle-orm/pg-core";
import { changeFeedIndex, mirrorColumns, money, rate, tenantColumn } from "../columns";

export const payments = pgTable(
  "payments",
  {
    tenantId: tenantColumn(),
    paymentId: uuid("payment_id").notNull(),
    /** ACCRECPAYMENT, ACCPAYPAYMENT, ARCREDITPAYMENT, … (what kind of document it pays). */
    paymentType: text("payment_type"),
    /** AUTHORISED or DELETED. */
    status: text("status").notNull(),
    date: date("date"),
    /** In the currency of the document paid. */
    amount: money("amount"),
    /** In the currency of the bank account. */
    bankAmount: money("bank_amount"),
    currencyRate: rate("currency_rate"),
    /** The document's currency (a payment carries none of its own). */
    currencyCode: text("currency_code"),
    reference: text("reference"),
    isReconciled: boolean("is_reconciled").notNull().default(false),
    /** The bank account paid from or into. */
    accountId: uuid("account_id"),
    accountCode: text("account_code"),
    /** What it pays: one of these four is set. */
    invoiceId: uuid("invoice_id"),
    invoiceNumber: text("invoice_number"),
    creditNoteId: uuid("credit_note_id"),
    creditNoteNumber: text("credit_note_number"),
    prepaymentId: uuid("prepayment_id"),
    overpaymentId: uuid("overpayment_id"),
    batchPaymentId: uuid("batch_payment_id"),
    /** The contact of the document paid (Xero sends it inside that document). */
    contactId: uuid("contact_id"),
    contactName: text("contact_name"),
    ...mirrorColumns(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.paymentId] }),
    changeFeedIndex("payments", t),
    index("payments_tenant_date_idx").on(t.tenantId, t.date.desc(), t.paymentId),
    index("payments_tenant_amount_idx").on(t.tenantId, t.amount, t.paymentId),
    index("payments_tenant_status_idx").on(t.tenantId, t.status, t.paymentId),
    index("payments_tenant_contact_name_idx").on(t.tenantId, t.contactName, t.paymentId),
    index("payments_tenant_updated_idx").on(t.tenantId, t.xeroUpdatedAt, t.paymentId),
    index("payments_tenant_type_idx").on(t.tenantId, t.paymentType),
    // Relations: an invoice's (credit note's, …) payments, an account's, a contact's.
    index("payments_tenant_invoice_idx").on(t.tenantId, t.invoiceId),
    index("payments_tenant_credit_note_idx").on(t.tenantId, t.creditNoteId),
    index("payments_tenant_prepayment_idx").on(t.tenantId, t.prepaymentId),
    index("payments_tenant_overpayment_idx").on(t.tenantId, t.overpaymentId),
    index("payments_tenant_account_idx").on(t.tenantId, t.accountId),
    index("payments_tenant_contact_idx").on(t.tenantId, t.contactId),
    index("payments_reference_trgm_idx").using("gin", sql`${t.reference} gin_trgm_ops`),
    index("payments_invoice_number_trgm_idx").using("gin", sql`${t.invoiceNumber} gin_trgm_ops`),
    index("payments_contact_name_trgm_idx").using("gin", sql`${t.contactName} gin_trgm_ops`),
  ],
);

export type Payment = typeof payments.$inferSelect;
export type NewPayment = typeof payments.$inferInsert;
