import { defineEntity } from "../definition";
import { mapTrackingCategory, mapTrackingOptions } from "./map";
import { trackingCategories, trackingOptions } from "./table";

export const TRACKING_STATUSES = ["ACTIVE", "ARCHIVED"] as const;

/**
 * Tracking categories and their options: Xero's /TrackingCategories with includeArchived=true
 * (archived categories and options are states to mirror). No UpdatedDateUTC: refreshed whole at
 * most daily and compared by content; a category deleted in Xero is gone from the answer and
 * flagged; the options are rewritten with their category.
 */
export const trackingCategoriesEntity = defineEntity({
  name: "trackingCategories",
  label: "Tracking categories",
  singular: "Tracking category",
  group: "accounting",
  xero: {
    endpoint: "TrackingCategories",
    idField: "TrackingCategoryID",
    scopes: ["accounting.settings.read", "accounting.settings"],
    request: (api, xeroTenantId) => api.getTrackingCategories(xeroTenantId, undefined, undefined, true),
  },
  walk: { kind: "refresh", everyHours: 24 },
  table: trackingCategories,
  idColumn: trackingCategories.trackingCategoryId,
  map: (tenantId, wire, raw) => mapTrackingCategory(tenantId, wire, raw),
  children: [
    {
      table: trackingOptions,
      parentColumn: trackingOptions.trackingCategoryId,
      rows: (parentId, wire) => mapTrackingOptions(parentId, wire),
      view: {
        label: "Options",
        fields: [
          { key: "name", label: "Option", kind: "text" },
          { key: "status", label: "Status", kind: "status" },
        ],
        orderBy: "position",
      },
    },
  ],
  deletes: { statusKey: "status", statuses: ["DELETED"], hardDeletes: true },
  view: {
    fields: [
      { key: "name", label: "Name", kind: "text" },
      { key: "status", label: "Status", kind: "status" },
      { key: "optionCount", label: "Options", kind: "number" },
    ],
    columns: ["name", "optionCount", "status"],
    titleKey: "name",
    sorts: [{ key: "name", label: "Name", column: "name", defaultDir: "asc" }],
    defaultSort: "name",
    filters: [{ kind: "enum", key: "status", label: "Status", column: "status", values: TRACKING_STATUSES }],
    search: ["name"],
  },
});
