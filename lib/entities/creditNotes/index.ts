import { allocationsChild } from "../allocations";
import { defineEntity } from "../definition";
import { mapCreditNote } from "./map";
import { creditNotes } from "./table";

export const CREDIT_NOTE_STATUSES = ["DRAFT", "SUBMITTED", "AUTHORISED", "PAID", "VOIDED", "DELETED"] as const;

/**
 * Credit notes to customers and from suppliers: Xero's /CreditNotes (ACCRECCREDIT and
 * ACCPAYCREDIT), with their allocations to invoices. Grouped with sales, where most are raised;
 * the Type filter gives the suppliers'.
 */
export const creditNotesEntity = defineEntity({
  name: "creditNotes",
  label: "Credit notes",
  singular: "Credit note",
  group: "sales",
  xero: {
    endpoint: "CreditNotes",
    idField: "CreditNoteID",
    scopes: ["accounting.invoices.read", "accounting.transactions.read", "accounting.transactions"],
    webhookCategory: "CREDITNOTE",
    // page is always sent: without it Xero leaves line items out.
    request: (api, xeroTenantId, q) =>
      api.getCreditNotes(
        xeroTenantId,
        q.ifModifiedSince,
        undefined, // where
        "UpdatedDateUTC ASC",
        q.page ?? 1,
        undefined, // unitdp
        q.pageSize,
      ),
  },
  walk: { kind: "keyset" },
  table: creditNotes,
  idColumn: creditNotes.creditNoteId,
  map: (tenantId, wire, raw) => mapCreditNote(tenantId, wire, raw),
  children: [allocationsChild("creditNotes", "credit note")],
  deletes: { statusKey: "status", statuses: ["VOIDED", "DELETED"], hardDeletes: false },
  view: {
    fields: [
      { key: "creditNoteNumber", label: "Number", kind: "code" },
      { key: "type", label: "Type", kind: "code" },
      { key: "status", label: "Status", kind: "status" },
      { key: "contactName", label: "Contact", kind: "text" },
      { key: "contactId", label: "Contact ID", kind: "code", ref: { entity: "contacts" } },
      { key: "reference", label: "Reference", kind: "text" },
      { key: "date", label: "Date", kind: "date" },
      { key: "dueDate", label: "Due", kind: "date" },
      { key: "fullyPaidOnDate", label: "Paid on", kind: "date" },
      { key: "currencyCode", label: "Currency", kind: "code" },
      { key: "currencyRate", label: "Rate", kind: "number" },
      { key: "lineAmountTypes", label: "Amounts are", kind: "code" },
      { key: "subTotal", label: "Subtotal", kind: "money", currencyKey: "currencyCode" },
      { key: "totalTax", label: "Tax", kind: "money", currencyKey: "currencyCode" },
      { key: "total", label: "Total", kind: "money", currencyKey: "currencyCode" },
      { key: "remainingCredit", label: "Remaining credit", kind: "money", currencyKey: "currencyCode" },
      { key: "cisDeduction", label: "CIS deduction", kind: "money", currencyKey: "currencyCode" },
      { key: "sentToContact", label: "Sent", kind: "boolean" },
      { key: "hasAttachments", label: "Attachments", kind: "boolean" },
      { key: "xeroUpdatedAt", label: "Updated in Xero", kind: "instant" },
    ],
    columns: ["creditNoteNumber", "contactName", "date", "status", "total", "remainingCredit"],
    titleKey: "creditNoteNumber",
    sorts: [
      { key: "number", label: "Number", column: "creditNoteNumber", defaultDir: "asc" },
      { key: "contact", label: "Contact", column: "contactName", defaultDir: "asc" },
      { key: "date", label: "Date", column: "date", defaultDir: "desc" },
      { key: "total", label: "Total", column: "total", defaultDir: "desc" },
      { key: "remaining", label: "Remaining credit", column: "remainingCredit", defaultDir: "desc" },
      { key: "status", label: "Status", column: "status", defaultDir: "asc" },
      { key: "updated", label: "Updated", column: "xeroUpdatedAt", defaultDir: "desc" },
    ],
    defaultSort: "date",
    filters: [
      { kind: "enum", key: "status", label: "Status", column: "status", values: CREDIT_NOTE_STATUSES },
      { kind: "enum", key: "type", label: "Type", column: "type", values: ["ACCRECCREDIT", "ACCPAYCREDIT"], labels: { ACCRECCREDIT: "Sales", ACCPAYCREDIT: "Purchases" } },
      { kind: "ref", key: "contact", label: "Contact", column: "contactId", entity: "contacts" },
      { kind: "dateRange", key: "date", label: "Date", column: "date" },
    ],
    search: ["creditNoteNumber", "reference", "contactName"],
    totals: { money: ["total", "remainingCredit"], currencyKey: "currencyCode" },
    relations: [{ entity: "payments", label: "Refunds", column: "creditNoteId" }],
  },
});
