import { describe, expect, it } from "vitest";
import { mapPurchaseOrder } from "@/lib/entities/purchaseOrders/map";
import { purchaseOrders } from "@/lib/entities/purchaseOrders/table";
import type { MirrorRow } from "@/lib/db/queries/mirror-batch";
import { XeroRecordError } from "@/lib/sync/errors";
import { everyFieldFilled, expectKnownProperties, expectLossless, expectPropertiesCovered, propertiesRead, type ColumnSource } from "@/tests/helpers/mapping-check";
import { specExamples, specProperties } from "@/tests/helpers/spec-examples";

const tenantId = "00000000-0000-4000-8000-000000000001";

const SOURCES: ColumnSource[] = [
  { column: "purchaseOrderId", from: "PurchaseOrderID", as: "text" },
  { column: "purchaseOrderNumber", from: "PurchaseOrderNumber", as: "text" },
  { column: "reference", from: "Reference", as: "text" },
  { column: "status", from: "Status", as: "text" },
  { column: "contactId", from: "Contact.ContactID", as: "text" },
  { column: "contactName", from: "Contact.Name", as: "text" },
  { column: "date", from: "Date", as: "date" },
  { column: "deliveryDate", from: "DeliveryDate", as: "date" },
  { column: "expectedArrivalDate", from: "ExpectedArrivalDate", as: "date" },
  { column: "currencyCode", from: "CurrencyCode", as: "text" },
  { column: "currencyRate", from: "CurrencyRate", as: "money" },
  { column: "lineAmountTypes", from: "LineAmountTypes", as: "text" },
  { column: "subTotal", from: "SubTotal", as: "money" },
  { column: "totalTax", from: "TotalTax", as: "money" },
  { column: "total", from: "Total", as: "money" },
  { column: "totalDiscount", from: "TotalDiscount", as: "money" },
  { column: "sentToContact", from: "SentToContact", as: "bool" },
  { column: "attentionTo", from: "AttentionTo", as: "text" },
  { column: "deliveryAddress", from: "DeliveryAddress", as: "text" },
  { column: "telephone", from: "Telephone", as: "text" },
  { column: "deliveryInstructions", from: "DeliveryInstructions", as: "text" },
  { column: "brandingThemeId", from: "BrandingThemeID", as: "text" },
  { column: "hasAttachments", from: "HasAttachments", as: "bool" },
  { column: "xeroUpdatedAt", from: "UpdatedDateUTC", as: "instant" },
];

/** Kept in raw only: the lines, attachments, and an answer's own validation messages. */
const RAW_ONLY = ["LineItems", "Attachments", "StatusAttributeString", "ValidationErrors", "Warnings"];
/** What real Xero sends beyond the schema (its own examples show them). */
const EXTRAS = ["DateString", "DeliveryDateString", "HasErrors", "IsDiscounted", "Type"];

const mapper = { table: purchaseOrders, idColumn: purchaseOrders.purchaseOrderId, map: (t: string, w: Record<string, unknown>, raw: unknown) => mapPurchaseOrder(t, w, raw) as MirrorRow, sources: SOURCES };

describe("purchase orders: Xero's own examples", () => {
  const examples = specExamples("PurchaseOrders");

  it("the spec has examples to map (list, by id, by number, create, update)", () => {
    expect(examples.length).toBeGreaterThanOrEqual(7);
  });

  it("every property of PurchaseOrder is mapped or knowingly left to raw", () => {
    expectPropertiesCovered(specProperties("PurchaseOrder"), propertiesRead(SOURCES), RAW_ONLY);
  });

  it.each(examples.map((e) => [e.where, e] as const))("maps %s without loss", (_where, example) => {
    expectKnownProperties(example, specProperties("PurchaseOrder"), EXTRAS);
    expect(expectLossless(mapper, example, tenantId).tenantId).toBe(tenantId);
  });

  it("maps every property of PurchaseOrder it types from its own field (each filled with a distinct value)", () => {
    expectLossless(mapper, everyFieldFilled(SOURCES), tenantId);
  });

  it("reads the examples as a purchaser would: delivery details and money as Xero wrote them", () => {
    const po = mapPurchaseOrder(tenantId, examples.find((e) => e.where === "GET /PurchaseOrders/{PurchaseOrderID} 200 #1")!.record);
    expect(po).toMatchObject({
      purchaseOrderNumber: "PO-0006",
      status: "DRAFT",
      date: "2019-03-26",
      deliveryDate: "2019-03-28",
      deliveryAddress: "101 Grafton Road\nRoseneath\nWellington\n6011\nNew Zealand",
      subTotal: "2250",
      totalTax: "337.5",
      total: "2587.5",
      totalDiscount: "250",
      hasAttachments: true,
    });
    expect(mapPurchaseOrder(tenantId, examples.find((e) => e.where === "GET /PurchaseOrders 200 #1")!.record).status).toBe("DELETED");
  });
});

describe("purchase orders: records that do not convert", () => {
  const base = { PurchaseOrderID: "5b0f0d0a-0000-4000-8000-000000000002", UpdatedDateUTC: "/Date(1706781600123+0000)/" };

  it("names the record and the field, never the value", () => {
    const bad = () => mapPurchaseOrder(tenantId, { ...base, DeliveryDate: "secret-ish" });
    expect(bad).toThrow(XeroRecordError);
    expect(bad).toThrow(/DeliveryDate/);
    expect(bad).not.toThrow(/secret/);
  });

  it("refuses a record without its id or UpdatedDateUTC", () => {
    expect(() => mapPurchaseOrder(tenantId, { ...base, PurchaseOrderID: undefined })).toThrow(/PurchaseOrderID/);
    expect(() => mapPurchaseOrder(tenantId, { ...base, UpdatedDateUTC: undefined })).toThrow(/UpdatedDateUTC/);
  });
});
