/**
 * Tax rates: the pure mapper from one tax rate as Xero sent it on the wire to a `tax_rates` row,
 * which keeps that JSON in `raw`. The key is TaxType (text); there is no UpdatedDateUTC, so the
 * row is compared with what is stored by its JSON.
 */
import type { NewTaxRate } from "./table";
import { fieldsOf, recordId, str, toDecimalString } from "../values";

/** Xero's `TaxComponent`. */
export interface XeroTaxComponentWire {
  Name?: string;
  Rate?: number;
  IsCompound?: boolean;
  IsNonRecoverable?: boolean;
}

/** The fields of Xero's `TaxRate` the mapper reads. */
export interface XeroTaxRateWire {
  TaxType?: string;
  Name?: string;
  Status?: string;
  ReportTaxType?: string;
  EffectiveRate?: number;
  DisplayTaxRate?: number;
  CanApplyToAssets?: boolean;
  CanApplyToEquity?: boolean;
  CanApplyToExpenses?: boolean;
  CanApplyToLiabilities?: boolean;
  CanApplyToRevenue?: boolean;
  TaxComponents?: XeroTaxComponentWire[];
}

/** One tax rate as a row; `raw` is the rate as Xero sent it. */
export function mapTaxRate(tenantId: string, wire: XeroTaxRateWire, raw: unknown = wire): NewTaxRate {
  const taxType = recordId("tax rate", wire as Record<string, unknown>, "TaxType");
  const field = fieldsOf("tax rate", taxType);
  const components = (wire.TaxComponents ?? []).map((c, i) => {
    const pct = field(`TaxComponents[${i}].Rate`, toDecimalString, c.Rate);
    return [str(c.Name), pct === null ? null : `${pct}%`, c.IsCompound ? "(compound)" : null].filter(Boolean).join(" ");
  });
  return {
    tenantId,
    taxType,
    name: wire.Name ?? "",
    status: str(wire.Status) ?? "ACTIVE",
    reportTaxType: str(wire.ReportTaxType),
    effectiveRate: field("EffectiveRate", toDecimalString, wire.EffectiveRate),
    displayTaxRate: field("DisplayTaxRate", toDecimalString, wire.DisplayTaxRate),
    canApplyToAssets: wire.CanApplyToAssets === true,
    canApplyToEquity: wire.CanApplyToEquity === true,
    canApplyToExpenses: wire.CanApplyToExpenses === true,
    canApplyToLiabilities: wire.CanApplyToLiabilities === true,
    canApplyToRevenue: wire.CanApplyToRevenue === true,
    components: components.length ? components.join(" + ") : null,
    xeroUpdatedAt: null,
    raw,
  };
}
