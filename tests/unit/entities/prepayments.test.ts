import { describe, expect, it } from "vitest";
import type { MirrorRow } from "@/lib/db/queries/mirror-batch";
import { mapAllocations } from "@/lib/entities/allocations/map";
import { prepaymentsEntity } from "@/lib/entities/prepayments";
import { mapPrepayment } from "@/lib/entities/prepayments/map";
import { prepayments } from "@/lib/entities/prepayments/table";
import { everyFieldFilled, expectKnownProperties, expectLossless, expectPropertiesCovered, propertiesRead, type ColumnSource } from "@/tests/helpers/mapping-check";
import { specExamples, specProperties } from "@/tests/helpers/spec-examples";

const tenantId = "00000000-0000-4000-8000-000000000001";

const SOURCES: ColumnSource[] = [
  { column: "prepaymentId", from: "PrepaymentID", as: "text" },
  { column: "type", from: "Type", as: "text" },
  { column: "status", from: "Status", as: "text" },
  { column: "contactId", from: "Contact.ContactID", as: "text" },
  { column: "contactName", from: "Contact.Name", as: "text" },
  { column: "date", from: "Date", as: "date" },
  { column: "reference", from: "Reference", as: "text" },
  { column: "invoiceNumber", from: "InvoiceNumber", as: "text" },
  { column: "currencyCode", from: "CurrencyCode", as: "text" },
  { column: "currencyRate", from: "CurrencyRate", as: "money" },
  { column: "lineAmountTypes", from: "LineAmountTypes", as: "text" },
  { column: "subTotal", from: "SubTotal", as: "money" },
  { column: "totalTax", from: "TotalTax", as: "money" },
  { column: "total", from: "Total", as: "money" },
  { column: "remainingCredit", from: "RemainingCredit", as: "money" },
  { column: "hasAttachments", from: "HasAttachments", as: "bool" },
  { column: "xeroUpdatedAt", from: "UpdatedDateUTC", as: "instant" },
];
/** Kept in raw only: lines, refunds (rows of payments), attachments' metadata, duplicates, AppliedAmount (set only when nested in an invoice). */
const RAW_ONLY = ["LineItems", "Payments", "Attachments", "UpdatedDateUTCString", "AppliedAmount", "BrandingThemeID"];
const EXTRAS = ["ID", "DateString"];

const mapper = { table: prepayments, idColumn: prepayments.prepaymentId, map: (t: string, w: Record<string, unknown>, raw: unknown) => mapPrepayment(t, w, raw) as MirrorRow, sources: SOURCES };

describe("prepayments: Xero's own examples", () => {
  const examples = specExamples("Prepayments");

  it("the spec has examples to map (list and by id)", () => {
    expect(examples.length).toBeGreaterThanOrEqual(2);
  });

  it("every property of Prepayment is mapped or knowingly left to raw", () => {
    expectPropertiesCovered(specProperties("Prepayment"), propertiesRead(SOURCES, ["Allocations"]), RAW_ONLY);
  });

  it.each(examples.map((e) => [e.where, e] as const))("maps %s without loss", (_where, example) => {
    expectKnownProperties(example, specProperties("Prepayment"), EXTRAS);
    const row = expectLossless(mapper, example, tenantId);
    const allocations = (example.record.Allocations as { Amount: number; Invoice: { InvoiceID: string } }[] | undefined) ?? [];
    expect(prepaymentsEntity.children![0]!.rows(row.prepaymentId as string, example.record).map((a) => [a.invoiceId, a.amount])).toEqual(
      allocations.map((a) => [a.Invoice.InvoiceID, JSON.stringify(a.Amount)]),
    );
  });

  it("maps every property of Prepayment it types from its own field (each filled with a distinct value)", () => {
    expectLossless(mapper, everyFieldFilled(SOURCES), tenantId);
  });

  it("the allocated prepayment's allocation names its invoice", () => {
    const e = examples.find((x) => x.where.startsWith("GET /Prepayments/{PrepaymentID} 200"))!;
    expect(mapPrepayment(tenantId, e.record)).toMatchObject({
      type: "RECEIVE-PREPAYMENT",
      invoiceNumber: "INV-0011",
      reference: "INV-0011",
      subTotal: "3000",
      totalTax: "450",
      total: "3450",
      remainingCredit: "3449",
      date: "2019-03-13",
    });
    expect(mapAllocations("prepayments", "prepayment", "ce0cddef-cf5a-4e59-b638-f225679115a7", e.record)).toEqual([
      {
        sourceId: "ce0cddef-cf5a-4e59-b638-f225679115a7",
        sourceEntity: "prepayments",
        position: 0,
        allocationId: null,
        invoiceId: "c7c37b83-ac95-45ea-88ba-8ad83a5f22fe",
        invoiceNumber: "INV-0004",
        amount: "1",
        date: "2019-03-13",
      },
    ]);
  });
});

describe("prepayments: the definition", () => {
  it("asks Xero the keyset way; Xero voids prepayments, never deletes them", async () => {
    const calls: unknown[][] = [];
    const api = { getPrepayments: (...args: unknown[]) => (calls.push(args), Promise.resolve({ response: { data: "", headers: {} } })) };
    const since = new Date("2024-01-01T00:00:00Z");
    await prepaymentsEntity.xero.request(api as never, "tenant", { ifModifiedSince: since, page: 1, pageSize: 1000 });
    expect(calls[0]).toEqual(["tenant", since, undefined, "UpdatedDateUTC ASC", 1, undefined, 1000]);
    expect(prepaymentsEntity.deletes.statuses).toEqual(["VOIDED"]);
    expect(prepaymentsEntity.xero.scopes[0]).toBe("accounting.invoices.read");
  });

  it("refuses a record without id or UpdatedDateUTC", () => {
    expect(() => mapPrepayment(tenantId, { UpdatedDateUTC: "/Date(1573755038314+0000)/" })).toThrow(/PrepaymentID/);
    expect(() => mapPrepayment(tenantId, { PrepaymentID: "ce0cddef-cf5a-4e59-b638-f225679115a7" })).toThrow(/UpdatedDateUTC/);
  });
});
