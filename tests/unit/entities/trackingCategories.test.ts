import { describe, expect, it } from "vitest";
import { childSpec, prepareChildRows } from "@/lib/db/queries/mirror-batch";
import { trackingCategoriesEntity } from "@/lib/entities/trackingCategories";
import { expectLossless, specExamples, text, type FieldMap } from "./spec-examples";

const FIELDS: FieldMap = [
  ["trackingCategoryId", "TrackingCategoryID"],
  ["name", "Name", (v) => v ?? ""],
  ["status", "Status", (v) => text(v) ?? "ACTIVE"],
  ["optionCount", "Options", (v) => (v as unknown[] | undefined)?.length ?? 0],
  ["xeroUpdatedAt", "UpdatedDateUTC", () => null],
];

const child = trackingCategoriesEntity.children![0]!;

describe("tracking categories: the mappers against Xero's spec", () => {
  it("maps every category example without loss", () => {
    const examples = specExamples("TrackingCategories");
    expect(examples.length).toBeGreaterThanOrEqual(5);
    for (const { record } of examples) expectLossless(trackingCategoriesEntity, record, FIELDS, []);
  });

  it("every option example becomes a tracking_options row with its id, name and status, in order", () => {
    const options = specExamples("Options").map((e) => e.record);
    expect(options.length).toBeGreaterThanOrEqual(3);
    const category = { TrackingCategoryID: "22f10184-0deb-44ae-a312-b1f6ea70e51f", Name: "Region", Status: "ACTIVE", Options: options };
    const row = expectLossless(trackingCategoriesEntity, category, FIELDS, []);
    expect(row.optionCount).toBe(options.length);
    const rows = child.rows(category.TrackingCategoryID, category);
    expect(rows).toEqual(options.map((o, i) => ({ trackingCategoryId: category.TrackingCategoryID, trackingOptionId: o.TrackingOptionID, position: i + 1, name: o.Name, status: o.Status })));
    // Serialised for the write with every column of the child table.
    const spec = childSpec(child.table, child.parentColumn);
    const written = JSON.parse(prepareChildRows(spec, rows)) as Record<string, unknown>[];
    expect(written[0]).toEqual({ tracking_category_id: category.TrackingCategoryID, tracking_option_id: options[0]!.TrackingOptionID, position: 1, name: options[0]!.Name, status: options[0]!.Status });
  });
});
