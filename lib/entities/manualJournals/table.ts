import { sql } from "drizzle-orm";
import { boolean, date, index, integer, jsonb, pgTable, primaryKey, text, uuid } from "drizzle-orm/pg-core";
import { changeFeedIndex, mirrorColumns, money, tenantColumn } from "../columns";

export const manualJournals = pgTable(
  "manual_journals",
  {
    tenantId: tenantColumn(),
    manualJournalId: uuid("manual_journal_id").notNull(),
    narration: text("narration").notNull(),
    /** DRAFT, POSTED, DELETED, VOIDED or ARCHIVED. */
    status: text("status").notNull(),
    date: date("date"),
    lineAmountTypes: text("line_amount_types"),
    showOnCashBasisReports: boolean("show_on_cash_basis_reports").notNull().default(true),
    /** The sum of the journal's debit lines (positive line amounts), added exactly: what the journal moves. */
    totalDebit: money("total_debit"),
    hasAttachments: boolean("has_attachments").notNull().default(false),
    ...mirrorColumns(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.manualJournalId] }),
    changeFeedIndex("manual_journals", t),
    index("manual_journals_tenant_date_idx").on(t.tenantId, t.date.desc(), t.manualJournalId),
    index("manual_journals_tenant_status_idx").on(t.tenantId, t.status, t.manualJournalId),
    index("manual_journals_tenant_total_debit_idx").on(t.tenantId, t.totalDebit, t.manualJournalId),
    index("manual_journals_tenant_updated_idx").on(t.tenantId, t.xeroUpdatedAt, t.manualJournalId),
    index("manual_journals_narration_trgm_idx").using("gin", sql`${t.narration} gin_trgm_ops`),
  ],
);

/**
 * A manual journal's lines, in Xero's order (line_number from 1), replaced whenever the journal
 * is written. Debits are positive line amounts, credits negative.
 */
export const manualJournalLines = pgTable(
  "manual_journal_lines",
  {
    tenantId: tenantColumn(),
    manualJournalId: uuid("manual_journal_id").notNull(),
    lineNumber: integer("line_number").notNull(),
    accountId: uuid("account_id"),
    accountCode: text("account_code"),
    description: text("description"),
    lineAmount: money("line_amount"),
    taxType: text("tax_type"),
    taxAmount: money("tax_amount"),
    isBlank: boolean("is_blank").notNull().default(false),
    /** Up to two { TrackingCategoryID, TrackingOptionID, Name, Option } as Xero sent them. */
    tracking: jsonb("tracking"),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.manualJournalId, t.lineNumber] }),
    index("manual_journal_lines_tenant_account_idx").on(t.tenantId, t.accountId),
    index("manual_journal_lines_tenant_account_code_idx").on(t.tenantId, t.accountCode),
  ],
);

export type ManualJournal = typeof manualJournals.$inferSelect;
export type NewManualJournal = typeof manualJournals.$inferInsert;
export type ManualJournalLine = typeof manualJournalLines.$inferSelect;
export type NewManualJournalLine = typeof manualJournalLines.$inferInsert;
