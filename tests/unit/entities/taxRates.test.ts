import { describe, expect, it } from "vitest";
import { taxRatesEntity } from "@/lib/entities/taxRates";
import { bool, decimal, expectLossless, specExamples, text, type FieldMap } from "./spec-examples";

type Component = { Name?: string; Rate?: number; IsCompound?: boolean };
const components = (v: unknown) => {
  const list = (v as Component[] | undefined) ?? [];
  return list.length ? list.map((c) => [c.Name, `${c.Rate}%`, c.IsCompound ? "(compound)" : ""].filter(Boolean).join(" ")).join(" + ") : null;
};

const FIELDS: FieldMap = [
  ["taxType", "TaxType"],
  ["name", "Name", (v) => v ?? ""],
  ["status", "Status", (v) => text(v) ?? "ACTIVE"],
  ["reportTaxType", "ReportTaxType", text],
  ["effectiveRate", "EffectiveRate", decimal],
  ["displayTaxRate", "DisplayTaxRate", decimal],
  ["canApplyToAssets", "CanApplyToAssets", bool],
  ["canApplyToEquity", "CanApplyToEquity", bool],
  ["canApplyToExpenses", "CanApplyToExpenses", bool],
  ["canApplyToLiabilities", "CanApplyToLiabilities", bool],
  ["canApplyToRevenue", "CanApplyToRevenue", bool],
  ["components", "TaxComponents", components],
  // No UpdatedDateUTC: compared by content.
  ["xeroUpdatedAt", "UpdatedDateUTC", () => null],
];

describe("tax rates: the mapper against Xero's spec", () => {
  const examples = specExamples("TaxRates");

  it("maps every example without loss (keyed by TaxType, text)", () => {
    expect(examples.length).toBeGreaterThanOrEqual(5);
    for (const { record } of examples) expectLossless(taxRatesEntity, record, FIELDS, []);
    const deleted = examples.find((e) => e.record.Status === "DELETED")!;
    expect(taxRatesEntity.map("00000000-0000-4000-8000-000000000001", deleted.record, null)).toMatchObject({ taxType: "TAX002", status: "DELETED", effectiveRate: "2.25" });
  });

  it("compound components and rates with three decimals stay exact", () => {
    const row = expectLossless(
      taxRatesEntity,
      { TaxType: "TAX001", Name: "NYC", Status: "ACTIVE", EffectiveRate: 8.875, DisplayTaxRate: 8.875, TaxComponents: [{ Name: "State Tax", Rate: 4, IsCompound: false }, { Name: "City Tax", Rate: 4.875, IsCompound: true }] },
      FIELDS,
      [],
    );
    expect(row).toMatchObject({ effectiveRate: "8.875", components: "State Tax 4% + City Tax 4.875% (compound)" });
  });
});
