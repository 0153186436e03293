import { and, eq, inArray, sql, type SQL } from "drizzle-orm";
import { allocations } from "../allocations/table";
import { defineEntity } from "../definition";
import { mapInvoice } from "./map";
import { invoices } from "./table";

export const INVOICE_STATUSES = ["DRAFT", "SUBMITTED", "AUTHORISED", "PAID", "VOIDED", "DELETED"] as const;

/** Xero's own notion of overdue: approved, money still owed, due date passed. */
export function invoiceOverdue(today: string): SQL {
  return and(inArray(invoices.status, ["AUTHORISED", "SUBMITTED"]), sql`${invoices.amountDue} > 0`, sql`${invoices.dueDate} < ${today}::date`)!;
}

/** Sales invoices and bills: Xero's /Invoices (ACCREC and ACCPAY). */
export const invoicesEntity = defineEntity({
  name: "invoices",
  label: "Invoices",
  singular: "Invoice",
  group: "sales",
  xero: {
    endpoint: "Invoices",
    idField: "InvoiceID",
    scopes: ["accounting.invoices.read", "accounting.transactions.read", "accounting.transactions"],
    webhookCategory: "INVOICE",
    // page is always sent: without it Xero leaves line items out.
    request: (api, xeroTenantId, q) =>
      api.getInvoices(
        xeroTenantId,
        q.ifModifiedSince,
        undefined, // where
        "UpdatedDateUTC ASC",
        undefined, // iDs
        undefined, // invoiceNumbers
        undefined, // contactIDs
        undefined, // statuses
        q.page,
        undefined, // includeArchived
        undefined, // createdByMyApp
        undefined, // unitdp
        false, // summaryOnly: we want line items
        q.pageSize,
      ),
  },
  walk: { kind: "keyset" },
  table: invoices,
  idColumn: invoices.invoiceId,
  map: (tenantId, wire, raw) => mapInvoice(tenantId, wire, raw),
  deletes: { statusKey: "status", statuses: ["VOIDED", "DELETED"], hardDeletes: false },
  view: {
    fields: [
      { key: "invoiceNumber", label: "Number", kind: "code" },
      { key: "type", label: "Type", kind: "code" },
      { key: "status", label: "Status", kind: "status" },
      { key: "contactName", label: "Contact", kind: "text", ref: { entity: "contacts", idKey: "contactId" } },
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
      { key: "amountPaid", label: "Paid", kind: "money", currencyKey: "currencyCode" },
      { key: "amountCredited", label: "Credited", kind: "money", currencyKey: "currencyCode" },
      { key: "amountDue", label: "Due amount", kind: "money", currencyKey: "currencyCode" },
      { key: "hasAttachments", label: "Attachments", kind: "boolean" },
      { key: "xeroUpdatedAt", label: "Updated in Xero", kind: "instant" },
    ],
    columns: ["invoiceNumber", "contactName", "date", "dueDate", "total", "amountDue", "status", "xeroUpdatedAt"],
    titleKey: "invoiceNumber",
    sorts: [
      { key: "number", label: "Number", column: "invoiceNumber", defaultDir: "asc" },
      { key: "contact", label: "Contact", column: "contactName", defaultDir: "asc" },
      { key: "date", label: "Date", column: "date", defaultDir: "desc" },
      { key: "due", label: "Due", column: "dueDate", defaultDir: "asc" },
      { key: "total", label: "Total", column: "total", defaultDir: "desc" },
      { key: "amountDue", label: "Due amount", column: "amountDue", defaultDir: "desc" },
      { key: "status", label: "Status", column: "status", defaultDir: "asc" },
      { key: "updated", label: "Updated", column: "xeroUpdatedAt", defaultDir: "desc" },
    ],
    defaultSort: "date",
    filters: [
      {
        kind: "enum",
        key: "status",
        label: "Status",
        column: "status",
        values: INVOICE_STATUSES,
        labels: { DRAFT: "Draft", SUBMITTED: "Awaiting approval", AUTHORISED: "Awaiting payment", PAID: "Paid", VOIDED: "Voided", DELETED: "Deleted" },
      },
      {
        kind: "choice",
        key: "type",
        label: "Type",
        options: [
          { value: "sales", label: "Sales invoices", where: () => eq(invoices.type, "ACCREC") },
          { value: "bills", label: "Bills", where: () => eq(invoices.type, "ACCPAY") },
        ],
      },
      { kind: "ref", key: "contact", label: "Contact", column: "contactId", entity: "contacts" },
      { kind: "dateRange", key: "date", label: "Date", column: "date" },
      { kind: "condition", key: "overdue", label: "Overdue only", where: ({ today }) => invoiceOverdue(today) },
    ],
    search: ["invoiceNumber", "reference", "contactName"],
    totals: { money: ["total", "amountDue"], currencyKey: "currencyCode", conditional: [
        { label: "Overdue", money: "amountDue", filter: "overdue", summary: { facet: "due", statuses: ["AUTHORISED", "SUBMITTED"], dayBeforeToday: true } },
      ],
    },
    flags: ["overdue"],
    csv: ["type", "invoiceNumber", "reference", "contactName", "date", "dueDate", "status", "currencyCode", "total", "amountPaid", "amountDue", "xeroUpdatedAt"],
    relations: [
      { entity: "payments", label: "Payments", column: "invoiceId" },
      { entity: "creditNotes", label: "Credit notes allocated", viaChild: { table: allocations, column: "invoiceId" } },
      { entity: "prepayments", label: "Prepayments allocated", viaChild: { table: allocations, column: "invoiceId" } },
      { entity: "overpayments", label: "Overpayments allocated", viaChild: { table: allocations, column: "invoiceId" } },
    ],
  },
  // What is owed by due date (overdue totals, receivables by age) and invoiced / paid by month
  // (the overview's chart), kept as invoices are written so that neither scans the invoices.
  summaries: [
    { name: "due", money: ["amountDue"], where: sql`${invoices.amountDue} > 0`, dim: "type", day: { column: "dueDate", grain: "day" } },
    // The same by month: the receivables ageing reads days only in the months around its 0–90-day window.
    { name: "dueMonth", money: ["amountDue"], where: sql`${invoices.amountDue} > 0`, dim: "type", day: { column: "dueDate", grain: "month" } },
    { name: "invoiced", money: ["total"], dim: "type", day: { column: "date", grain: "month" } },
    { name: "paid", money: ["amountPaid"], dim: "type", day: { column: "fullyPaidOnDate", grain: "month" } },
  ],
});
