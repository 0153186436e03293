import { describe, expect, it } from "vitest";
import { creditNotesEntity } from "@/lib/entities/creditNotes";
import { mapCreditNote } from "@/lib/entities/creditNotes/map";
import { creditNotes } from "@/lib/entities/creditNotes/table";
import { mapAllocations } from "@/lib/entities/allocations/map";
import type { MirrorRow } from "@/lib/db/queries/mirror-batch";
import { XeroRecordError } from "@/lib/sync/errors";
import { everyFieldFilled, expectKnownProperties, expectLossless, expectPropertiesCovered, propertiesRead, type ColumnSource } from "@/tests/helpers/mapping-check";
import { specExamples, specProperties } from "@/tests/helpers/spec-examples";

const tenantId = "00000000-0000-4000-8000-000000000001";

const SOURCES: ColumnSource[] = [
  { column: "creditNoteId", from: "CreditNoteID", as: "text" },
  { column: "type", from: "Type", as: "text" },
  { column: "creditNoteNumber", from: "CreditNoteNumber", as: "text" },
  { column: "reference", from: "Reference", as: "text" },
  { column: "status", from: "Status", as: "text" },
  { column: "contactId", from: "Contact.ContactID", as: "text" },
  { column: "contactName", from: "Contact.Name", as: "text" },
  { column: "date", from: "Date", as: "date" },
  { column: "dueDate", from: "DueDate", as: "date" },
  { column: "fullyPaidOnDate", from: "FullyPaidOnDate", as: "date" },
  { column: "currencyCode", from: "CurrencyCode", as: "text" },
  { column: "currencyRate", from: "CurrencyRate", as: "money" },
  { column: "lineAmountTypes", from: "LineAmountTypes", as: "text" },
  { column: "subTotal", from: "SubTotal", as: "money" },
  { column: "totalTax", from: "TotalTax", as: "money" },
  { column: "total", from: "Total", as: "money" },
  { column: "remainingCredit", from: "RemainingCredit", as: "money" },
  { column: "cisDeduction", from: "CISDeduction", as: "money" },
  { column: "sentToContact", from: "SentToContact", as: "bool" },
  { column: "hasAttachments", from: "HasAttachments", as: "bool" },
  { column: "xeroUpdatedAt", from: "UpdatedDateUTC", as: "instant" },
];

/** Kept in raw only: lines, the refunds (rows of payments), write-time and duplicate fields. */
const RAW_ONLY = [
  "LineItems",
  "Payments",
  "UpdatedDateUTCString",
  "CISRate",
  "AppliedAmount",
  "BrandingThemeID",
  "StatusAttributeString",
  "HasErrors",
  "ValidationErrors",
  "Warnings",
  "InvoiceAddresses",
];
/** What real Xero sends beyond the schema (its own examples show them). */
const EXTRAS = ["ID", "DateString", "DueDateString", "Attachments"];

const mapper = { table: creditNotes, idColumn: creditNotes.creditNoteId, map: (t: string, w: Record<string, unknown>, raw: unknown) => mapCreditNote(t, w, raw) as MirrorRow, sources: SOURCES };

describe("credit notes: Xero's own examples", () => {
  const examples = specExamples("CreditNotes");

  it("the spec has examples to map (list, by id, create, update)", () => {
    expect(examples.length).toBeGreaterThanOrEqual(5);
    expect(new Set(examples.map((e) => e.record.Type))).toEqual(new Set(["ACCRECCREDIT", "ACCPAYCREDIT"]));
  });

  it("every property of CreditNote is mapped or knowingly left to raw", () => {
    expectPropertiesCovered(specProperties("CreditNote"), propertiesRead(SOURCES, ["Allocations"]), RAW_ONLY);
  });

  it.each(specExamples("CreditNotes").map((e) => [e.where, e] as const))("maps %s without loss", (_where, example) => {
    expectKnownProperties(example, specProperties("CreditNote"), EXTRAS);
    const row = expectLossless(mapper, example, tenantId);
    expect(row.tenantId).toBe(tenantId);
    const allocations = mapAllocations("creditNotes", "credit note", row.creditNoteId as string, example.record);
    expect(allocations).toHaveLength(((example.record.Allocations as unknown[] | undefined) ?? []).length);
  });

  it("maps every property of CreditNote it types from its own field (each filled with a distinct value)", () => {
    expectLossless(mapper, everyFieldFilled(SOURCES), tenantId);
  });

  it("reads the list example's first credit note as an accountant would", () => {
    const cn = specExamples("CreditNotes").find((e) => e.where.startsWith("GET /CreditNotes 200"))!;
    expect(mapCreditNote(tenantId, cn.record)).toMatchObject({
      creditNoteId: "249f15fa-f2a7-4acc-8769-0984103f2225",
      creditNoteNumber: "CN-0005",
      type: "ACCRECCREDIT",
      status: "AUTHORISED",
      contactName: "Liam Gallagher",
      date: "2019-03-05",
      subTotal: "30",
      totalTax: "4.5",
      total: "34.5",
      remainingCredit: "32.5",
      currencyRate: "1",
      hasAttachments: true,
    });
  });
});

describe("credit notes: allocations", () => {
  const parent = "249f15fa-f2a7-4acc-8769-0984103f2225";

  it("each allocation in Xero's examples becomes a row naming its invoice, amount and date", () => {
    const examples = specExamples("Allocations");
    expect(examples.length).toBeGreaterThanOrEqual(3);
    for (const e of examples) {
      const [row] = mapAllocations("creditNotes", "credit note", parent, { Allocations: [e.record] });
      const invoice = e.record.Invoice as { InvoiceID: string; InvoiceNumber?: string };
      expect(row, e.where).toEqual({
        sourceId: parent,
        sourceEntity: "creditNotes",
        position: 0,
        allocationId: (e.record.AllocationID as string | undefined) ?? null,
        invoiceId: invoice.InvoiceID,
        invoiceNumber: invoice.InvoiceNumber || null,
        amount: JSON.stringify(e.record.Amount),
        date: new Date(Number(/\d+/.exec(String(e.record.Date))![0])).toISOString().slice(0, 10),
      });
    }
  });

  it("keeps each allocation's place, skips one Xero flags deleted, and money stays decimal", () => {
    const rows = mapAllocations("creditNotes", "credit note", parent, {
      Allocations: [
        { AllocationID: "b8f3e4a1-0000-4000-8000-000000000001", Amount: 10.05, Date: "/Date(1552435200000+0000)/", Invoice: { InvoiceID: "c7c37b83-ac95-45ea-88ba-8ad83a5f22fe", InvoiceNumber: "INV-4" } },
        { Amount: 1, Date: "/Date(1552435200000+0000)/", Invoice: { InvoiceID: "c7c37b83-ac95-45ea-88ba-8ad83a5f22ff" }, IsDeleted: true },
        { Amount: 0.1, Date: "2019-03-14T00:00:00", Invoice: { InvoiceID: "c7c37b83-ac95-45ea-88ba-8ad83a5f2300" } },
      ],
    });
    expect(rows.map((r) => [r.position, r.amount, r.date, r.invoiceId])).toEqual([
      [0, "10.05", "2019-03-13", "c7c37b83-ac95-45ea-88ba-8ad83a5f22fe"],
      [2, "0.1", "2019-03-14", "c7c37b83-ac95-45ea-88ba-8ad83a5f2300"],
    ]);
    expect(mapAllocations("creditNotes", "credit note", parent, {})).toEqual([]);
  });

  it("a broken allocation names the credit note and the field, not the value", () => {
    const marker = "MARKER-c0ffee";
    let error: unknown;
    try {
      mapAllocations("creditNotes", "credit note", parent, { Allocations: [{ Amount: marker, Invoice: {} }] });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(XeroRecordError);
    expect((error as Error).message).toMatch(new RegExp(`credit note allocation ${parent}.*Amount is not a decimal number`));
    expect((error as Error).message).not.toContain(marker);
  });

  it("the definition writes them as its child rows, keyed by the credit note", () => {
    const [child] = creditNotesEntity.children!;
    expect(child!.rows(parent, { Allocations: [{ Amount: 2, Date: "/Date(1552435200000+0000)/", Invoice: { InvoiceID: "c7c37b83-ac95-45ea-88ba-8ad83a5f22fe" } }] })).toMatchObject([
      { sourceId: parent, sourceEntity: "creditNotes", amount: "2" },
    ]);
  });
});

describe("credit notes: the definition", () => {
  it("asks Xero the keyset way with `page` always sent, and knows its deletes and scopes", async () => {
    const calls: unknown[][] = [];
    const api = { getCreditNotes: (...args: unknown[]) => (calls.push(args), Promise.resolve({ response: { data: "", headers: {} } })) };
    const since = new Date("2024-01-01T00:00:00Z");
    await creditNotesEntity.xero.request(api as never, "tenant", { ifModifiedSince: since, page: 3, pageSize: 1000 });
    expect(calls[0]).toEqual(["tenant", since, undefined, "UpdatedDateUTC ASC", 3, undefined, 1000]);
    expect(creditNotesEntity.walk).toEqual({ kind: "keyset" });
    expect(creditNotesEntity.deletes.statuses).toEqual(["VOIDED", "DELETED"]);
    expect(creditNotesEntity.xero.scopes).toEqual(["accounting.invoices.read", "accounting.transactions.read", "accounting.transactions"]);
  });

  it("refuses a record without id or UpdatedDateUTC", () => {
    expect(() => mapCreditNote(tenantId, { UpdatedDateUTC: "/Date(1573755038314+0000)/" })).toThrow(/CreditNoteID/);
    expect(() => mapCreditNote(tenantId, { CreditNoteID: "249f15fa-f2a7-4acc-8769-0984103f2225" })).toThrow(/UpdatedDateUTC/);
  });
});
