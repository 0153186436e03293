import { defineEntity } from "../definition";
import { mapJournal, mapJournalLines } from "./map";
import { journalLines, journals } from "./table";

export const JOURNAL_SOURCE_TYPES = [
  "ACCREC",
  "ACCPAY",
  "ACCRECCREDIT",
  "ACCPAYCREDIT",
  "ACCRECPAYMENT",
  "ACCPAYPAYMENT",
  "ARCREDITPAYMENT",
  "APCREDITPAYMENT",
  "CASHREC",
  "CASHPAID",
  "TRANSFER",
  "ARPREPAYMENT",
  "APPREPAYMENT",
  "AROVERPAYMENT",
  "APOVERPAYMENT",
  "EXPCLAIM",
  "EXPPAYMENT",
  "MANJOURNAL",
  "PAYSLIP",
  "WAGEPAYABLE",
  "INTEGRATEDPAYROLLPE",
  "INTEGRATEDPAYROLLPT",
  "EXTERNALSPENDMONEY",
  "INTEGRATEDPAYROLLPTPAYMENT",
  "INTEGRATEDPAYROLLCN",
] as const;

/**
 * The general ledger: Xero's /Journals by `offset` (the JournalNumbers above it, ascending, 100 an
 * answer). Journals are never edited, so the last JournalNumber stored is the whole cursor. Xero
 * grants accounting.journals.read only to organisations on its Advanced plan.
 */
export const journalsEntity = defineEntity({
  name: "journals",
  label: "Journals",
  singular: "Journal",
  group: "accounting",
  xero: {
    endpoint: "Journals",
    idField: "JournalID",
    scopes: ["accounting.journals.read"],
    scopeUnavailable: "Journals are not available on this Xero plan: Xero grants access to the general ledger only to organisations on its Advanced plan.",
    request: (api, xeroTenantId, q) => api.getJournals(xeroTenantId, undefined, q.offset, false),
  },
  walk: { kind: "offset", pageSize: 100 },
  table: journals,
  idColumn: journals.journalId,
  positionColumn: journals.journalNumber,
  map: (tenantId, wire, raw) => mapJournal(tenantId, wire, raw),
  children: [
    {
      table: journalLines,
      parentColumn: journalLines.journalId,
      rows: (parentId, wire) => mapJournalLines(parentId, wire),
      view: {
        label: "Lines",
        fields: [
          { key: "accountCode", label: "Code", kind: "code" },
          { key: "accountName", label: "Account", kind: "text" },
          { key: "accountId", label: "Account ID", kind: "code", ref: { entity: "accounts" } },
          { key: "description", label: "Description", kind: "text" },
          { key: "netAmount", label: "Net", kind: "money" },
          { key: "taxAmount", label: "Tax", kind: "money" },
          { key: "grossAmount", label: "Gross", kind: "money" },
          { key: "taxType", label: "Tax type", kind: "code", ref: { entity: "taxRates" } },
        ],
        orderBy: "position",
      },
    },
  ],
  deletes: { statuses: [], hardDeletes: false },
  view: {
    fields: [
      { key: "journalNumber", label: "Number", kind: "number" },
      { key: "journalDate", label: "Date", kind: "date" },
      { key: "reference", label: "Reference", kind: "text" },
      { key: "sourceType", label: "Source", kind: "code" },
      { key: "sourceId", label: "Source ID", kind: "code" },
      { key: "xeroUpdatedAt", label: "Created in Xero", kind: "instant" },
    ],
    columns: ["journalNumber", "journalDate", "sourceType", "reference"],
    titleKey: "journalNumber",
    sorts: [
      { key: "number", label: "Number", column: "journalNumber", defaultDir: "desc" },
      { key: "date", label: "Date", column: "journalDate", defaultDir: "desc" },
      { key: "created", label: "Created", column: "xeroUpdatedAt", defaultDir: "desc" },
    ],
    defaultSort: "number",
    filters: [
      { kind: "enum", key: "source", label: "Source", column: "sourceType", values: JOURNAL_SOURCE_TYPES },
      { kind: "dateRange", key: "date", label: "Date", column: "journalDate" },
    ],
    search: ["reference"],
  },
});
