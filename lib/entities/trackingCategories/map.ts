/**
 * Tracking categories: the pure mappers from one category as Xero sent it on the wire to a
 * `tracking_categories` row (which keeps that JSON in `raw`) and to its `tracking_options` rows.
 */
import type { NewTrackingCategory, NewTrackingOption } from "./table";
import { recordId, str } from "../values";

/** Xero's `TrackingOption`. */
export interface XeroTrackingOptionWire {
  TrackingOptionID?: string;
  Name?: string;
  Status?: string;
}

/** The fields of Xero's `TrackingCategory` the mappers read. */
export interface XeroTrackingCategoryWire {
  TrackingCategoryID?: string;
  Name?: string;
  Status?: string;
  Options?: XeroTrackingOptionWire[];
}

/** One category as a row; `raw` is the category as Xero sent it (options included). */
export function mapTrackingCategory(tenantId: string, wire: XeroTrackingCategoryWire, raw: unknown = wire): NewTrackingCategory {
  const trackingCategoryId = recordId("tracking category", wire as Record<string, unknown>, "TrackingCategoryID");
  return {
    tenantId,
    trackingCategoryId,
    name: wire.Name ?? "",
    status: str(wire.Status) ?? "ACTIVE",
    optionCount: wire.Options?.length ?? 0,
    xeroUpdatedAt: null,
    raw,
  };
}

/** The category's options as tracking_options rows (without tenantId, which the write adds). */
export function mapTrackingOptions(trackingCategoryId: string, wire: XeroTrackingCategoryWire): Omit<NewTrackingOption, "tenantId">[] {
  return (wire.Options ?? []).map((o, i) => ({
    trackingCategoryId,
    trackingOptionId: recordId("tracking option", o as Record<string, unknown>, "TrackingOptionID"),
    position: i + 1,
    name: o.Name ?? "",
    status: str(o.Status) ?? "ACTIVE",
  }));
}
