import { sql } from "drizzle-orm";
import { date, index, integer, pgTable, primaryKey, text, uuid } from "drizzle-orm/pg-core";
import { changeFeedIndex, mirrorColumns, money, tenantColumn } from "../columns";

/**
 * The general ledger: one row per journal Xero posted. Journals are never edited (a change to a
 * document posts a new journal), so xero_updated_at is their CreatedDateUTC and the walk's cursor
 * is the position (journal_number).
 */
export const journals = pgTable(
  "journals",
  {
    tenantId: tenantColumn(),
    journalId: uuid("journal_id").notNull(),
    journalNumber: integer("journal_number").notNull(),
    journalDate: date("journal_date"),
    reference: text("reference"),
    /** The document that posted it (an InvoiceID, PaymentID …) and its kind (ACCREC, ACCPAYPAYMENT …). */
    sourceId: uuid("source_id"),
    sourceType: text("source_type"),
    ...mirrorColumns(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.journalId] }),
    changeFeedIndex("journals", t),
    index("journals_tenant_number_idx").on(t.tenantId, t.journalNumber, t.journalId),
    index("journals_tenant_date_idx").on(t.tenantId, t.journalDate.desc(), t.journalId),
    index("journals_tenant_source_type_idx").on(t.tenantId, t.sourceType),
    index("journals_tenant_source_idx").on(t.tenantId, t.sourceId),
    index("journals_tenant_updated_idx").on(t.tenantId, t.xeroUpdatedAt, t.journalId),
    index("journals_reference_trgm_idx").using("gin", sql`${t.reference} gin_trgm_ops`),
  ],
);

/** A journal's lines (debits positive, credits negative), rewritten with their journal. */
export const journalLines = pgTable(
  "journal_lines",
  {
    tenantId: tenantColumn(),
    journalId: uuid("journal_id").notNull(),
    journalLineId: uuid("journal_line_id").notNull(),
    /** Its place in the journal. */
    position: integer("position").notNull(),
    accountId: uuid("account_id"),
    accountCode: text("account_code"),
    accountName: text("account_name"),
    accountType: text("account_type"),
    description: text("description"),
    netAmount: money("net_amount"),
    grossAmount: money("gross_amount"),
    taxAmount: money("tax_amount"),
    taxType: text("tax_type"),
    taxName: text("tax_name"),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.journalId, t.journalLineId] }),
    index("journal_lines_tenant_account_idx").on(t.tenantId, t.accountId, t.journalId),
  ],
);

export type Journal = typeof journals.$inferSelect;
export type NewJournal = typeof journals.$inferInsert;
export type NewJournalLine = typeof journalLines.$inferInsert;
