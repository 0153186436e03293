/**
 * Purchase orders: the pure mapper from one purchase order as Xero sent it on the wire (see
 * invoices/map.ts) to a `purchase_orders` row; the line items stay in `raw`.
 */
import type { NewPurchaseOrder } from "./table";
import { fieldsOf, recordId, recordUpdated, str, toDateOnly, toDecimalString } from "../values";

/** The fields of Xero's `PurchaseOrder` the mapper reads. */
export interface XeroPurchaseOrderWire {
  PurchaseOrderID?: string;
  PurchaseOrderNumber?: string;
  Reference?: string;
  Status?: string;
  Contact?: { ContactID?: string; Name?: string };
  Date?: unknown;
  DeliveryDate?: unknown;
  ExpectedArrivalDate?: unknown;
  CurrencyCode?: string;
  CurrencyRate?: number;
  LineAmountTypes?: string;
  SubTotal?: number;
  TotalTax?: number;
  Total?: number;
  TotalDiscount?: number;
  SentToContact?: boolean;
  AttentionTo?: string;
  DeliveryAddress?: string;
  Telephone?: string;
  DeliveryInstructions?: string;
  BrandingThemeID?: string;
  HasAttachments?: boolean;
  UpdatedDateUTC?: unknown;
}

/** One purchase order as a row; `raw` is the record as Xero sent it (see mapInvoice). */
export function mapPurchaseOrder(tenantId: string, wire: XeroPurchaseOrderWire, raw: unknown = wire): NewPurchaseOrder {
  const record = wire as Record<string, unknown>;
  const purchaseOrderId = recordId("purchase order", record, "PurchaseOrderID");
  const field = fieldsOf("purchase order", purchaseOrderId);
  return {
    tenantId,
    purchaseOrderId,
    purchaseOrderNumber: str(wire.PurchaseOrderNumber),
    reference: str(wire.Reference),
    status: str(wire.Status) ?? "DRAFT",
    contactId: str(wire.Contact?.ContactID),
    contactName: str(wire.Contact?.Name),
    date: field("Date", toDateOnly, wire.Date),
    deliveryDate: field("DeliveryDate", toDateOnly, wire.DeliveryDate),
    expectedArrivalDate: field("ExpectedArrivalDate", toDateOnly, wire.ExpectedArrivalDate),
    currencyCode: str(wire.CurrencyCode),
    currencyRate: field("CurrencyRate", toDecimalString, wire.CurrencyRate),
    lineAmountTypes: str(wire.LineAmountTypes),
    subTotal: field("SubTotal", toDecimalString, wire.SubTotal),
    totalTax: field("TotalTax", toDecimalString, wire.TotalTax),
    total: field("Total", toDecimalString, wire.Total),
    totalDiscount: field("TotalDiscount", toDecimalString, wire.TotalDiscount),
    sentToContact: wire.SentToContact === true,
    attentionTo: str(wire.AttentionTo),
    deliveryAddress: str(wire.DeliveryAddress),
    telephone: str(wire.Telephone),
    deliveryInstructions: str(wire.DeliveryInstructions),
    brandingThemeId: str(wire.BrandingThemeID),
    hasAttachments: wire.HasAttachments === true,
    xeroUpdatedAt: recordUpdated("purchase order", purchaseOrderId, record),
    raw,
  };
}
