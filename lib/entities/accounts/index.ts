import { manualJournalLines } from "../manualJournals/table";
import { defineEntity } from "../definition";
import { journalLines } from "../journals/table";
import { mapAccount } from "./map";
import { ledgerAccounts } from "./table";

export const ACCOUNT_STATUSES = ["ACTIVE", "ARCHIVED"] as const;
export const ACCOUNT_CLASSES = ["ASSET", "EQUITY", "EXPENSE", "LIABILITY", "REVENUE"] as const;
export const ACCOUNT_TYPES = [
  "BANK",
  "CURRENT",
  "CURRLIAB",
  "DEPRECIATN",
  "DIRECTCOSTS",
  "EQUITY",
  "EXPENSE",
  "FIXED",
  "INVENTORY",
  "LIABILITY",
  "NONCURRENT",
  "OTHERINCOME",
  "OVERHEADS",
  "PREPAYMENT",
  "REVENUE",
  "SALES",
  "TERMLIAB",
  "PAYG",
] as const;

/**
 * The chart of accounts: Xero's /Accounts, every account in one answer (no paging) with
 * If-Modified-Since. Archived accounts are states; an unused account can be deleted outright, so
 * a walk of everything (daily, or on a full sync) flags the rows Xero no longer returns.
 */
export const accountsEntity = defineEntity({
  name: "accounts",
  label: "Chart of accounts",
  singular: "Account",
  group: "accounting",
  xero: {
    endpoint: "Accounts",
    idField: "AccountID",
    scopes: ["accounting.settings.read", "accounting.settings"],
    request: (api, xeroTenantId, q) => api.getAccounts(xeroTenantId, q.ifModifiedSince),
  },
  walk: { kind: "unpaged" },
  // Edited now and then by the accountant: twice a day keeps an idle organisation's day cheap.
  cadence: { everyHours: 12 },
  table: ledgerAccounts,
  idColumn: ledgerAccounts.accountId,
  map: (tenantId, wire, raw) => mapAccount(tenantId, wire, raw),
  deletes: { statusKey: "status", statuses: ["DELETED"], hardDeletes: true, reconcileHours: 24 },
  view: {
    fields: [
      { key: "code", label: "Code", kind: "code" },
      { key: "name", label: "Name", kind: "text" },
      { key: "type", label: "Type", kind: "code" },
      { key: "class", label: "Class", kind: "code" },
      { key: "status", label: "Status", kind: "status" },
      { key: "description", label: "Description", kind: "text" },
      { key: "taxType", label: "Tax type", kind: "code", ref: { entity: "taxRates" } },
      { key: "systemAccount", label: "System account", kind: "code" },
      { key: "bankAccountNumber", label: "Bank account number", kind: "code" },
      { key: "bankAccountType", label: "Bank account type", kind: "code" },
      { key: "currencyCode", label: "Currency", kind: "code" },
      { key: "enablePaymentsToAccount", label: "Payments allowed", kind: "boolean" },
      { key: "showInExpenseClaims", label: "In expense claims", kind: "boolean" },
      { key: "reportingCode", label: "Reporting code", kind: "code" },
      { key: "reportingCodeName", label: "Reporting name", kind: "text" },
      { key: "addToWatchlist", label: "On watchlist", kind: "boolean" },
      { key: "hasAttachments", label: "Attachments", kind: "boolean" },
      { key: "xeroUpdatedAt", label: "Updated in Xero", kind: "instant" },
    ],
    columns: ["code", "name", "type", "taxType", "status"],
    titleKey: "name",
    sorts: [
      { key: "code", label: "Code", column: "code", defaultDir: "asc" },
      { key: "name", label: "Name", column: "name", defaultDir: "asc" },
      { key: "type", label: "Type", column: "type", defaultDir: "asc" },
      { key: "updated", label: "Updated", column: "xeroUpdatedAt", defaultDir: "desc" },
    ],
    defaultSort: "code",
    filters: [
      { kind: "enum", key: "status", label: "Status", column: "status", values: ACCOUNT_STATUSES },
      { kind: "enum", key: "class", label: "Class", column: "class", values: ACCOUNT_CLASSES },
      { kind: "enum", key: "type", label: "Type", column: "type", values: ACCOUNT_TYPES },
    ],
    search: ["code", "name"],
    relations: [
      { entity: "journals", label: "Journal lines", viaChild: { table: journalLines, column: "accountId" } },
      { entity: "bankTransactions", label: "Bank transactions", column: "bankAccountId" },
      { entity: "manualJournals", label: "Manual journals", viaChild: { table: manualJournalLines, column: "accountId" } },
    ],
  },
});
