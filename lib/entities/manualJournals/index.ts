import { defineEntity } from "../definition";
import { mapManualJournal, mapManualJournalLines } from "./map";
import { manualJournalLines, manualJournals } from "./table";

export const MANUAL_JOURNAL_STATUSES = ["DRAFT", "POSTED", "DELETED", "VOIDED", "ARCHIVED"] as const;

/** Journals an accountant posts by hand (adjustments, accruals): Xero's /ManualJournals, with their lines. */
export const manualJournalsEntity = defineEntity({
  name: "manualJournals",
  label: "Manual journals",
  singular: "Manual journal",
  group: "accounting",
  xero: {
    endpoint: "ManualJournals",
    idField: "ManualJournalID",
    scopes: ["accounting.manualjournals.read", "accounting.transactions.read", "accounting.transactions"],
    // page is always sent: a paged answer is the one that carries each journal's lines.
    request: (api, xeroTenantId, q) =>
      api.getManualJournals(
        xeroTenantId,
        q.ifModifiedSince,
        undefined, // where
        "UpdatedDateUTC ASC",
        q.page,
        q.pageSize,
      ),
  },
  walk: { kind: "keyset" },
  table: manualJournals,
  idColumn: manualJournals.manualJournalId,
  map: (tenantId, wire, raw) => mapManualJournal(tenantId, wire, raw),
  children: [
    {
      table: manualJournalLines,
      parentColumn: manualJournalLines.manualJournalId,
      rows: (id, wire) => mapManualJournalLines(id, wire),
      view: {
        label: "Lines",
        fields: [
          { key: "accountCode", label: "Account", kind: "code", ref: { entity: "accounts", idKey: "accountId" } },
          { key: "description", label: "Description", kind: "text" },
          { key: "taxType", label: "Tax type", kind: "code" },
          { key: "taxAmount", label: "Tax", kind: "money" },
          { key: "lineAmount", label: "Amount", kind: "money" },
        ],
        orderBy: "lineNumber",
      },
    },
  ],
  deletes: { statusKey: "status", statuses: ["DELETED", "VOIDED"], hardDeletes: false },
  view: {
    fields: [
      { key: "narration", label: "Narration", kind: "text" },
      { key: "date", label: "Date", kind: "date" },
      { key: "status", label: "Status", kind: "status" },
      { key: "totalDebit", label: "Debits", kind: "money" },
      { key: "lineAmountTypes", label: "Amounts are", kind: "code" },
      { key: "showOnCashBasisReports", label: "On cash basis reports", kind: "boolean" },
      { key: "hasAttachments", label: "Attachments", kind: "boolean" },
      { key: "xeroUpdatedAt", label: "Updated in Xero", kind: "instant" },
    ],
    columns: ["date", "narration", "status", "totalDebit"],
    titleKey: "narration",
    sorts: [
      { key: "date", label: "Date", column: "date", defaultDir: "desc" },
      { key: "debits", label: "Debits", column: "totalDebit", defaultDir: "desc" },
      { key: "status", label: "Status", column: "status", defaultDir: "asc" },
      { key: "updated", label: "Updated", column: "xeroUpdatedAt", defaultDir: "desc" },
    ],
    defaultSort: "date",
    filters: [
      { kind: "enum", key: "status", label: "Status", column: "status", values: MANUAL_JOURNAL_STATUSES },
      { kind: "dateRange", key: "date", label: "Date", column: "date" },
    ],
    search: ["narration"],
  },
});
