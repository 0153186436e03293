import { describe, expect, it } from "vitest";
import type { MirrorRow } from "@/lib/db/queries/mirror-batch";
import { mapAllocations } from "@/lib/entities/allocations/map";
import { overpaymentsEntity } from "@/lib/entities/overpayments";
import { mapOverpayment } from "@/lib/entities/overpayments/map";
import { overpayments } from "@/lib/entities/overpayments/table";
import { everyFieldFilled, expectKnownProperties, expectLossless, expectPropertiesCovered, propertiesRead, type ColumnSource } from "@/tests/helpers/mapping-check";
import { specExamples, specProperties } from "@/tests/helpers/spec-examples";

const tenantId = "00000000-0000-4000-8000-000000000001";

const SOURCES: ColumnSource[] = [
  { column: "overpaymentId", from: "OverpaymentID", as: "text" },
  { column: "type", from: "Type", as: "text" },
  { column: "status", from: "Status", as: "text" },
  { column: "contactId", from: "Contact.ContactID", as: "text" },
  { column: "contactName", from: "Contact.Name", as: "text" },
  { column: "date", from: "Date", as: "date" },
  { column: "reference", from: "Reference", as: "text" },
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
const RAW_ONLY = ["LineItems", "Payments", "Attachments", "UpdatedDateUTCString", "AppliedAmount"];
const EXTRAS = ["ID", "DateString"];

const mapper = { table: overpayments, idColumn: overpayments.overpaymentId, map: (t: string, w: Record<string, unknown>, raw: unknown) => mapOverpayment(t, w, raw) as MirrorRow, sources: SOURCES };

describe("overpayments: Xero's own examples", () => {
  const examples = specExamples("Overpayments");

  it("the spec has examples to map (list and by id)", () => {
    expect(examples.length).toBeGreaterThanOrEqual(6);
  });

  it("every property of Overpayment is mapped or knowingly left to raw", () => {
    expectPropertiesCovered(specProperties("Overpayment"), propertiesRead(SOURCES, ["Allocations"]), RAW_ONLY);
  });

  it.each(examples.map((e) => [e.where, e] as const))("maps %s without loss", (_where, example) => {
    expectKnownProperties(example, specProperties("Overpayment"), EXTRAS);
    const row = expectLossless(mapper, example, tenantId);
    const allocations = (example.record.Allocations as { Amount: number; Invoice: { InvoiceID: string } }[] | undefined) ?? [];
    expect(overpaymentsEntity.children![0]!.rows(row.overpaymentId as string, example.record).map((a) => [a.invoiceId, a.amount])).toEqual(
      allocations.map((a) => [a.Invoice.InvoiceID, JSON.stringify(a.Amount)]),
    );
  });

  it("maps every property of Overpayment it types from its own field (each filled with a distinct value)", () => {
    expectLossless(mapper, everyFieldFilled(SOURCES), tenantId);
  });

  it("the allocated overpayment's allocation names its invoice", () => {
    const e = examples.find((x) => x.where.startsWith("GET /Overpayments/{OverpaymentID} 200"))!;
    expect(mapOverpayment(tenantId, e.record)).toMatchObject({ type: "SPEND-OVERPAYMENT", total: "3000", remainingCredit: "2999", reference: "Reference for payment", date: "2019-03-12" });
    expect(mapAllocations("overpayments", "overpayment", "ed7f6041-c915-4667-bd1d-54c48e92161e", e.record)).toEqual([
      {
        sourceId: "ed7f6041-c915-4667-bd1d-54c48e92161e",
        sourceEntity: "overpayments",
        position: 0,
        allocationId: null,
        invoiceId: "c45720a1-ade3-4a38-a064-d15489be6841",
        invoiceNumber: null,
        amount: "1",
        date: "2019-03-12",
      },
    ]);
  });
});

describe("overpayments: the definition", () => {
  it("asks Xero the keyset way; Xero voids overpayments, never deletes them", async () => {
    const calls: unknown[][] = [];
    const api = { getOverpayments: (...args: unknown[]) => (calls.push(args), Promise.resolve({ response: { data: "", headers: {} } })) };
    const since = new Date("2024-01-01T00:00:00Z");
    await overpaymentsEntity.xero.request(api as never, "tenant", { ifModifiedSince: since, page: 1, pageSize: 1000 });
    expect(calls[0]).toEqual(["tenant", since, undefined, "UpdatedDateUTC ASC", 1, undefined, 1000]);
    expect(overpaymentsEntity.deletes.statuses).toEqual(["VOIDED"]);
    expect(overpaymentsEntity.xero.scopes[0]).toBe("accounting.invoices.read");
  });

  it("refuses a record without id or UpdatedDateUTC", () => {
    expect(() => mapOverpayment(tenantId, { UpdatedDateUTC: "/Date(1573755038314+0000)/" })).toThrow(/OverpaymentID/);
    expect(() => mapOverpayment(tenantId, { OverpaymentID: "ed7f6041-c915-4667-bd1d-54c48e92161e" })).toThrow(/UpdatedDateUTC/);
  });
});
