import { describe, expect, it } from "vitest";
import { JsonText, prepareMirrorRow } from "@/lib/db/queries/mirror-batch";
import type { EntityDefinition } from "@/lib/entities/definition";
import { purchaseOrdersEntity } from "@/lib/entities/purchaseOrders";
import { mapPurchaseOrder } from "@/lib/entities/purchaseOrders/map";
import { writeSpecOf } from "@/lib/entities/write-spec";
import { XeroRecordError } from "@/lib/sync/errors";
import { specExamples, specProperties } from "@/tests/helpers/xero-spec-examples";

const tenantId = "00000000-0000-4000-8000-000000000001";
type Json = Record<string, unknown>;

const day = (v: unknown) => (typeof v === "string" ? new Date(Number(/\((\d+)/.exec(v)![1])).toISOString().slice(0, 10) : null);
const instant = (v: unknown) => new Date(Number(/\((\d+)/.exec(v as string)![1]));
const text = (v: unknown) => (v === undefined || v === null || v === "" ? null : String(v));
const sameMoney = (got: unknown, want: unknown) => (want === undefined || want === null ? got === null : typeof got === "string" && /^-?\d+(\.\d+)?$/.test(got) && Number(got) === want);

/** Where each property of Xero's PurchaseOrder goes: a column, or kept in `raw` only. */
const COLUMNS: Record<string, string> = {
  PurchaseOrderID: "purchaseOrderId",
  PurchaseOrderNumber: "purchaseOrderNumber",
  Reference: "reference",
  Status: "status",
  Contact: "contactId, contactName",
  Date: "date",
  DeliveryDate: "deliveryDate",
  ExpectedArrivalDate: "expectedArrivalDate",
  CurrencyCode: "currencyCode",
  CurrencyRate: "currencyRate",
  LineAmountTypes: "lineAmountTypes",
  SubTotal: "subTotal",
  TotalTax: "totalTax",
  Total: "total",
  TotalDiscount: "totalDiscount",
  SentToContact: "sentToContact",
  AttentionTo: "attentionTo",
  DeliveryAddress: "deliveryAddress",
  Telephone: "telephone",
  DeliveryInstructions: "deliveryInstructions",
  BrandingThemeID: "brandingThemeId",
  HasAttachments: "hasAttachments",
  UpdatedDateUTC: "xeroUpdatedAt",
};
const RAW_ONLY = ["LineItems", "StatusAttributeString", "ValidationErrors", "Warnings", "Attachments"];
const TEXT: [string, string][] = [
  ["purchaseOrderNumber", "PurchaseOrderNumber"],
  ["reference", "Reference"],
  ["status", "Status"],
  ["currencyCode", "CurrencyCode"],
  ["lineAmountTypes", "LineAmountTypes"],
  ["attentionTo", "AttentionTo"],
  ["deliveryAddress", "DeliveryAddress"],
  ["telephone", "Telephone"],
  ["deliveryInstructions", "DeliveryInstructions"],
  ["brandingThemeId", "BrandingThemeID"],
];
const MONEY: [string, string][] = [
  ["currencyRate", "CurrencyRate"],
  ["subTotal", "SubTotal"],
  ["totalTax", "TotalTax"],
  ["total", "Total"],
  ["totalDiscount", "TotalDiscount"],
];
const DATES: [string, string][] = [
  ["date", "Date"],
  ["deliveryDate", "DeliveryDate"],
  ["expectedArrivalDate", "ExpectedArrivalDate"],
];

const examples = specExamples("PurchaseOrders");

describe("purchase orders: every example in Xero's spec maps without loss", () => {
  it("the spec has examples to map, and every PurchaseOrder property is a column or kept in raw", () => {
    expect(examples.length).toBeGreaterThanOrEqual(7);
    expect([...Object.keys(COLUMNS), ...RAW_ONLY].sort()).toEqual(specProperties("PurchaseOrder").sort());
  });

  it.each(examples.map((e) => [e.where, e.record] as const))("%s", (_where, wire: Json) => {
    const row = mapPurchaseOrder(tenantId, wire) as Record<string, unknown>;
    const contact = wire.Contact as Json | undefined;
    expect(row).toMatchObject({
      tenantId,
      purchaseOrderId: wire.PurchaseOrderID,
      contactId: text(contact?.ContactID),
      contactName: text(contact?.Name),
      sentToContact: wire.SentToContact === true,
      hasAttachments: wire.HasAttachments === true,
      xeroUpdatedAt: instant(wire.UpdatedDateUTC),
    });
    for (const [key, prop] of TEXT) expect(row[key], key).toBe(text(wire[prop]));
    for (const [key, prop] of DATES) expect(row[key], key).toBe(day(wire[prop]));
    for (const [key, prop] of MONEY) expect(sameMoney(row[key], wire[prop]), `${key} ${String(row[key])} vs ${String(wire[prop])}`).toBe(true);
    const spec = writeSpecOf(purchaseOrdersEntity as unknown as EntityDefinition);
    const prepared = JSON.parse(prepareMirrorRow(spec, mapPurchaseOrder(tenantId, wire, new JsonText(JSON.stringify(wire)))).json) as Json;
    expect(prepared.raw).toEqual(wire);
  });

  it("keeps each example's delivery details and money exactly as Xero wrote them", () => {
    const po = mapPurchaseOrder(tenantId, examples.find((e) => e.where === "GET /PurchaseOrders/{PurchaseOrderID} #1")!.record);
    expect(po).toMatchObject({
      purchaseOrderNumber: "PO-0006",
      status: "DRAFT",
      date: "2019-03-26",
      deliveryDate: "2019-03-28",
      deliveryAddress: "101 Grafton Road\nRoseneath\nWellington\n6011\nNew Zealand",
      deliveryInstructions: "Drop off at front  door",
      subTotal: "2250",
      totalTax: "337.5",
      total: "2587.5",
      totalDiscount: "250",
      brandingThemeId: "414d4a87-46d6-4cfc-ab42-4e29d22e5076",
      hasAttachments: true,
    });
    expect(mapPurchaseOrder(tenantId, examples.find((e) => e.where === "GET /PurchaseOrders #1")!.record).status).toBe("DELETED");
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
