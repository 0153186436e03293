import { sql } from "drizzle-orm";
import { boolean, date, index, pgTable, primaryKey, text, uuid } from "drizzle-orm/pg-core";
import { changeFeedIndex, mirrorColumns, money, rate, tenantColumn } from "../columns";

export const bankTransactions = pgTable(
  "bank_transactions",
  {
    tenantId: tenantColumn(),
    bankTransactionId: uuid("bank_transaction_id").notNull(),
    /** RECEIVE or SPEND, and their -OVERPAYMENT, -PREPAYMENT and -TRANSFER forms. */
    type: text("type").notNull(),
    /** AUTHORISED, DELETED or VOIDED. */
    status: text("status").notNull(),
    reference: text("reference"),
    contactId: uuid("contact_id"),
    contactName: text("contact_name"),
    /** The BANK account the money went into or out of. */
    bankAccountId: uuid("bank_account_id"),
    bankAccountCode: text("bank_account_code"),
    bankAccountName: text("bank_account_name"),
    date: date("date"),
    isReconciled: boolean("is_reconciled").notNull().default(false),
    currencyCode: text("currency_code"),
    currencyRate: rate("currency_rate"),
    lineAmountTypes: text("line_amount_types"),
    subTotal: money("sub_total"),
    totalTax: money("total_tax"),
    total: money("total"),
    /** Set on RECEIVE-/SPEND-PREPAYMENT and -OVERPAYMENT: the prepayment or overpayment it created. */
    prepaymentId: uuid("prepayment_id"),
    overpaymentId: uuid("overpayment_id"),
    hasAttachments: boolean("has_attachments").notNull().default(false),
    ...mirrorColumns(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.bankTransactionId] }),
    changeFeedIndex("bank_transactions", t),
    index("bank_transactions_tenant_date_idx").on(t.tenantId, t.date.desc(), t.bankTransactionId),
    index("bank_transactions_tenant_total_idx").on(t.tenantId, t.total, t.bankTransactionId),
    index("bank_transactions_tenant_contact_name_idx").on(t.tenantId, t.contactName, t.bankTransactionId),
    index("bank_transactions_tenant_status_idx").on(t.tenantId, t.status, t.bankTransactionId),
    index("bank_transactions_tenant_type_idx").on(t.tenantId, t.type, t.bankTransactionId),
    index("bank_transactions_tenant_contact_idx").on(t.tenantId, t.contactId),
    index("bank_transactions_tenant_bank_account_idx").on(t.tenantId, t.bankAccountId),
    index("bank_transactions_tenant_updated_idx").on(t.tenantId, t.xeroUpdatedAt, t.bankTransactionId),
    // Search by reference or contact name is a substring match: trigram indexes (pg_trgm).
    index("bank_transactions_reference_trgm_idx").using("gin", sql`${t.reference} gin_trgm_ops`),
    index("bank_transactions_contact_name_trgm_idx").using("gin", sql`${t.contactName} gin_trgm_ops`),
  ],
);

export type BankTransaction = typeof bankTransactions.$inferSelect;
export type NewBankTransaction = typeof bankTransactions.$inferInsert;
