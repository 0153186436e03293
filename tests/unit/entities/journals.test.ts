import { describe, expect, it } from "vitest";
import { childSpec, prepareChildRows } from "@/lib/db/queries/mirror-batch";
import { journalsEntity } from "@/lib/entities/journals";
import { toDateOnly, toInstant } from "@/lib/entities/values";
import { XeroRecordError } from "@/lib/sync/errors";
import { decimal, expectLossless, get, specExamples, text, type FieldMap } from "./spec-examples";

const FIELDS: FieldMap = [
  ["journalId", "JournalID"],
  ["journalNumber", "JournalNumber"],
  ["journalDate", "JournalDate", toDateOnly],
  ["reference", "Reference", text],
  ["sourceId", "SourceID", text],
  ["sourceType", "SourceType", text],
  // Journals are never edited: CreatedDateUTC is their version.
  ["xeroUpdatedAt", "CreatedDateUTC", toInstant],
];

const LINE_FIELDS: FieldMap = [
  ["journalLineId", "JournalLineID"],
  ["accountId", "AccountID", text],
  ["accountCode", "AccountCode", text],
  ["accountName", "AccountName", text],
  ["accountType", "AccountType", text],
  ["description", "Description", text],
  ["netAmount", "NetAmount", decimal],
  ["grossAmount", "GrossAmount", decimal],
  ["taxAmount", "TaxAmount", decimal],
  ["taxType", "TaxType", text],
  ["taxName", "TaxName", text],
];

const lines = journalsEntity.children![0]!;

describe("journals: the mappers against Xero's spec", () => {
  const examples = specExamples("Journals");

  it("maps every journal example without loss, and every line to a journal_lines row", () => {
    expect(examples.length).toBeGreaterThanOrEqual(3);
    let lineCount = 0;
    for (const { record } of examples) {
      // The lines are kept whole in raw and as child rows (below); TrackingCategories only in raw.
      expectLossless(journalsEntity, record, FIELDS, ["JournalLines"]);
      const wireLines = record.JournalLines as Record<string, unknown>[];
      const rows = lines.rows(record.JournalID as string, record);
      expect(rows.length).toBe(wireLines.length);
      rows.forEach((row, i) => {
        expect(row.journalId).toBe(record.JournalID);
        expect(row.position).toBe(i + 1);
        for (const [column, wirePath, convert] of LINE_FIELDS) expect({ column, value: row[column] }).toEqual({ column, value: (convert ?? ((v: unknown) => v))(get(wireLines[i], wirePath)) });
        const covered = new Set([...LINE_FIELDS.map(([, p]) => p), "TrackingCategories"]);
        expect(Object.keys(wireLines[i]!).filter((k) => !covered.has(k))).toEqual([]);
        lineCount++;
      });
      const written = JSON.parse(prepareChildRows(childSpec(lines.table, lines.parentColumn), rows)) as Record<string, unknown>[];
      expect(written.length).toBe(rows.length);
    }
    expect(lineCount).toBeGreaterThan(4);
  });

  it("debits positive, credits negative, as Xero sent them", () => {
    const first = examples[0]!.record;
    const rows = lines.rows(first.JournalID as string, first);
    expect(rows.map((r) => r.netAmount)).toEqual(["40", "-40"]);
  });

  it("refuses a journal without a usable JournalNumber (the walk's position)", () => {
    const record = { ...examples[0]!.record, JournalNumber: "7" };
    expect(() => journalsEntity.map("00000000-0000-4000-8000-000000000001", record, null)).toThrow(XeroRecordError);
  });
});
