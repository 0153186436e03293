import { defineEntity } from "../definition";
import { mapTaxRate } from "./map";
import { taxRates } from "./table";

export const TAX_RATE_STATUSES = ["ACTIVE", "DELETED", "ARCHIVED", "PENDING"] as const;

/**
 * Tax rates: Xero's /TaxRates, keyed by TaxType, without UpdatedDateUTC (Xero has no
 * If-Modified-Since for them): refreshed whole at most daily and compared with what is stored, so
 * a refresh that changes nothing writes nothing. Xero keeps a deleted rate (Status DELETED).
 */
export const taxRatesEntity = defineEntity({
  name: "taxRates",
  label: "Tax rates",
  singular: "Tax rate",
  group: "accounting",
  xero: {
    endpoint: "TaxRates",
    idField: "TaxType",
    scopes: ["accounting.settings.read", "accounting.settings"],
    request: (api, xeroTenantId) => api.getTaxRates(xeroTenantId),
  },
  walk: { kind: "refresh", everyHours: 24 },
  table: taxRates,
  idColumn: taxRates.taxType,
  map: (tenantId, wire, raw) => mapTaxRate(tenantId, wire, raw),
  deletes: { statusKey: "status", statuses: ["DELETED"], hardDeletes: false },
  view: {
    fields: [
      { key: "name", label: "Name", kind: "text" },
      { key: "taxType", label: "Tax type", kind: "code" },
      { key: "status", label: "Status", kind: "status" },
      { key: "effectiveRate", label: "Rate (%)", kind: "number" },
      { key: "displayTaxRate", label: "Display rate (%)", kind: "number" },
      { key: "components", label: "Components", kind: "text" },
      { key: "reportTaxType", label: "Report as", kind: "code" },
      { key: "canApplyToAssets", label: "Assets", kind: "boolean" },
      { key: "canApplyToEquity", label: "Equity", kind: "boolean" },
      { key: "canApplyToExpenses", label: "Expenses", kind: "boolean" },
      { key: "canApplyToLiabilities", label: "Liabilities", kind: "boolean" },
      { key: "canApplyToRevenue", label: "Revenue", kind: "boolean" },
    ],
    columns: ["name", "taxType", "effectiveRate", "reportTaxType", "status"],
    titleKey: "name",
    sorts: [
      { key: "name", label: "Name", column: "name", defaultDir: "asc" },
      { key: "rate", label: "Rate", column: "effectiveRate", defaultDir: "desc" },
    ],
    defaultSort: "name",
    filters: [{ kind: "enum", key: "status", label: "Status", column: "status", values: TAX_RATE_STATUSES }],
    search: ["name", "taxType"],
  },
});
