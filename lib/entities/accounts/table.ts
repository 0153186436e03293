import { sql } from "drizzle-orm";
import { boolean, index, pgTable, primaryKey, text, uuid } from "drizzle-orm/pg-core";
import { changeFeedIndex, mirrorColumns, tenantColumn } from "../columns";

/**
 * The chart of accounts. Named ledger_accounts: `accounts` is the sign-in accounts table
 * (lib/db/core-schema.ts, Auth.js).
 */
export const ledgerAccounts = pgTable(
  "ledger_accounts",
  {
    tenantId: tenantColumn(),
    accountId: uuid("account_id").notNull(),
    code: text("code"),
    name: text("name").notNull(),
    /** BANK, CURRENT, REVENUE, EXPENSE … (Xero's AccountType). */
    type: text("type"),
    /** ASSET, EQUITY, EXPENSE, LIABILITY or REVENUE. */
    class: text("class"),
    /** ACTIVE or ARCHIVED; an unused account deleted in Xero is flagged deleted_in_xero_at instead. */
    status: text("status").notNull(),
    description: text("description"),
    taxType: text("tax_type"),
    systemAccount: text("system_account"),
    bankAccountNumber: text("bank_account_number"),
    bankAccountType: text("bank_account_type"),
    currencyCode: text("currency_code"),
    enablePaymentsToAccount: boolean("enable_payments_to_account").notNull().default(false),
    showInExpenseClaims: boolean("show_in_expense_claims").notNull().default(false),
    reportingCode: text("reporting_code"),
    reportingCodeName: text("reporting_code_name"),
    addToWatchlist: boolean("add_to_watchlist").notNull().default(false),
    hasAttachments: boolean("has_attachments").notNull().default(false),
    ...mirrorColumns(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.accountId] }),
    changeFeedIndex("ledger_accounts", t),
    index("ledger_accounts_tenant_code_idx").on(t.tenantId, t.code, t.accountId),
    index("ledger_accounts_tenant_name_idx").on(t.tenantId, t.name, t.accountId),
    index("ledger_accounts_tenant_type_idx").on(t.tenantId, t.type, t.accountId),
    index("ledger_accounts_tenant_status_idx").on(t.tenantId, t.status),
    index("ledger_accounts_tenant_class_idx").on(t.tenantId, t.class),
    index("ledger_accounts_tenant_updated_idx").on(t.tenantId, t.xeroUpdatedAt, t.accountId),
    index("ledger_accounts_name_trgm_idx").using("gin", sql`${t.name} gin_trgm_ops`),
    index("ledger_accounts_code_trgm_idx").using("gin", sql`${t.code} gin_trgm_ops`),
  ],
);

export type LedgerAccount = typeof ledgerAccounts.$inferSelect;
export type NewLedgerAccount = typeof ledgerAccounts.$inferInsert;
