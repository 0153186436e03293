import { describe, expect, it } from "vitest";
import { prepareChildRows, childSpec, type MirrorRow } from "@/lib/db/queries/mirror-batch";
import { manualJournalsEntity } from "@/lib/entities/manualJournals";
import { addDecimals, mapManualJournal, mapManualJournalLines } from "@/lib/entities/manualJournals/map";
import { manualJournalLines, manualJournals } from "@/lib/entities/manualJournals/table";
import { XeroRecordError } from "@/lib/sync/errors";
import { everyFieldFilled, expected, expectKnownProperties, expectLossless, expectPropertiesCovered, mappedColumns, propertiesRead, type ColumnSource } from "@/tests/helpers/mapping-check";
import { specExamples, specProperties } from "@/tests/helpers/spec-examples";

const tenantId = "00000000-0000-4000-8000-000000000001";
type Json = Record<string, unknown>;

/** The journal's debits: its positive line amounts (in these examples whole numbers, so the float sum is exact). */
const debits = (w: Json) => ((w.JournalLines as Json[] | undefined) ?? []).map((l) => l.LineAmount as number).filter((n) => n > 0).reduce((a, b) => a + b, 0);

const SOURCES: ColumnSource[] = [
  { column: "manualJournalId", from: "ManualJournalID", as: "text" },
  { column: "narration", from: "Narration", as: "text" },
  { column: "status", from: "Status", as: "text" },
  { column: "date", from: "Date", as: "date" },
  { column: "lineAmountTypes", from: "LineAmountTypes", as: "text" },
  // Xero's default when the field is left out is true.
  { column: "showOnCashBasisReports", from: (w) => w.ShowOnCashBasisReports !== false, as: "bool" },
  { column: "totalDebit", from: debits, as: "money" },
  { column: "hasAttachments", from: "HasAttachments", as: "bool" },
  { column: "xeroUpdatedAt", from: "UpdatedDateUTC", as: "instant" },
];

/** Where each ManualJournalLine property goes in manual_journal_lines. */
const LINE_SOURCES: ColumnSource[] = [
  { column: "accountId", from: "AccountID", as: "text" },
  { column: "accountCode", from: "AccountCode", as: "text" },
  { column: "description", from: "Description", as: "text" },
  { column: "lineAmount", from: "LineAmount", as: "money" },
  { column: "taxType", from: "TaxType", as: "text" },
  { column: "taxAmount", from: "TaxAmount", as: "money" },
  { column: "isBlank", from: "IsBlank", as: "bool" },
];

const RAW_ONLY = ["Url", "Attachments", "StatusAttributeString", "Warnings", "ValidationErrors"];

const mapper = { table: manualJournals, idColumn: manualJournals.manualJournalId, map: (t: string, w: Json, raw: unknown) => mapManualJournal(t, w, raw) as MirrorRow, sources: SOURCES };

/** The lines as manual_journal_lines rows must hold them: in order, each field as Xero wrote it. */
function expectLinesLossless(where: string, id: string, wire: Json): void {
  const lines = (wire.JournalLines as Json[] | undefined) ?? [];
  const rows = mapManualJournalLines(id, wire) as unknown as Json[];
  expect(rows, where).toHaveLength(lines.length);
  // Every column of the child table is accounted for (tenant_id is added by the write).
  expect([...LINE_SOURCES.map((s) => s.column), "manualJournalId", "lineNumber", "tracking"].sort()).toEqual(mappedColumns(manualJournalLines).sort());
  rows.forEach((row, i) => {
    const line = lines[i]!;
    expect(row.manualJournalId).toBe(id);
    expect(row.lineNumber, where).toBe(i + 1);
    for (const s of LINE_SOURCES) expect(row[s.column], `${where} line ${i + 1}: ${s.column}`).toEqual(expected(line[s.from as string], s.as));
    expect(row.tracking).toEqual(Array.isArray(line.Tracking) && line.Tracking.length ? line.Tracking : null);
  });
  // Written as the engine writes a child table: one JSON array, in order, tracking as JSON.
  const written = JSON.parse(prepareChildRows(childSpec(manualJournalLines, manualJournalLines.manualJournalId), manualJournalsEntity.children![0]!.rows(id, wire))) as Json[];
  expect(written.map((r) => r.line_number)).toEqual(lines.map((_, i) => i + 1));
  expect(written.map((r) => r.tracking)).toEqual(rows.map((r) => r.tracking));
}

describe("manual journals: Xero's own examples", () => {
  const examples = specExamples("ManualJournals");

  it("the spec has examples to map (list, by id, create, update)", () => {
    expect(examples.length).toBeGreaterThanOrEqual(6);
    expect(examples.some((e) => ((e.record.JournalLines as unknown[]) ?? []).length > 0)).toBe(true);
  });

  it("every property of ManualJournal and ManualJournalLine is mapped or knowingly left to raw", () => {
    expectPropertiesCovered(specProperties("ManualJournal"), propertiesRead(SOURCES, ["ShowOnCashBasisReports", "JournalLines"]), RAW_ONLY);
    expectPropertiesCovered(specProperties("ManualJournalLine"), propertiesRead(LINE_SOURCES, ["Tracking"]), []);
  });

  it.each(examples.map((e) => [e.where, e] as const))("maps %s without loss, lines and all", (where, example) => {
    expectKnownProperties(example, specProperties("ManualJournal"), []);
    const row = expectLossless(mapper, example, tenantId);
    expectLinesLossless(where, row.manualJournalId as string, example.record);
  });

  it("maps every property it types from its own field (each filled with a distinct value)", () => {
    expectLossless(mapper, everyFieldFilled(SOURCES), tenantId);
    const line = everyFieldFilled(LINE_SOURCES).record;
    expectLinesLossless("every line property filled", "5b0f0d0a-0000-4000-8000-000000000002", { JournalLines: [line, { ...line, Tracking: [{ Name: "Region", Option: "North" }] }] });
  });

  it("reads the examples as an accountant would: lines in order, debits and credits, tracking", () => {
    const put = examples.find((e) => e.where === "PUT /ManualJournals 200 #1")!.record;
    expect(mapManualJournal(tenantId, put)).toMatchObject({ totalDebit: "100", status: "DRAFT", date: "2019-03-14" });
    expect(mapManualJournalLines(put.ManualJournalID as string, put)).toMatchObject([
      { lineNumber: 1, accountCode: "400", description: "Hello there", lineAmount: "100", taxType: "NONE", taxAmount: null, tracking: null },
      {
        lineNumber: 2,
        accountCode: "400",
        description: "Goodbye",
        lineAmount: "-100",
        tracking: [{ Name: "Simpsons", Option: "Bart", TrackingCategoryID: "6a68adde-f210-4465-b0a9-0d8cc6f50762", TrackingOptionID: "dc54c220-0140-495a-b925-3246adc0075f" }],
      },
    ]);
    const list = examples.find((e) => e.where === "GET /ManualJournals 200 #1")!.record;
    expect(mapManualJournal(tenantId, list)).toMatchObject({ totalDebit: "0" });
    expect(mapManualJournalLines(list.ManualJournalID as string, list)).toEqual([]);
  });
});

describe("manual journals: debits are added exactly", () => {
  it("adds decimal strings without floats", () => {
    expect(addDecimals([])).toBe("0");
    expect(addDecimals(["0.1", "0.2"])).toBe("0.3");
    expect(addDecimals(["2569", "0.01", "1234567.8912"])).toBe("1237136.9012");
    expect(addDecimals(["-0.05", "0.02"])).toBe("-0.03");
    expect(addDecimals(["10.5", "-10.5"])).toBe("0.0");
  });

  it("sums the positive lines only (credits are negative)", () => {
    const wire = { ManualJournalID: "5b0f0d0a-0000-4000-8000-000000000002", Narration: "Accrual", UpdatedDateUTC: "/Date(1706781600123+0000)/", JournalLines: [{ LineAmount: 0.1 }, { LineAmount: 0.2 }, { LineAmount: -0.3 }, { LineAmount: 0 }] };
    expect(mapManualJournal(tenantId, wire)).toMatchObject({ totalDebit: "0.3", status: "DRAFT", showOnCashBasisReports: true });
  });
});

describe("manual journals: records that do not convert", () => {
  const base = { ManualJournalID: "5b0f0d0a-0000-4000-8000-000000000002", Narration: "n", UpdatedDateUTC: "/Date(1706781600123+0000)/" };

  it("names the record and the line's field, never the value", () => {
    const bad = () => mapManualJournalLines(base.ManualJournalID, { ...base, JournalLines: [{ LineAmount: 1 }, { LineAmount: "12,50 secret" as unknown as number }] });
    expect(bad).toThrow(XeroRecordError);
    expect(bad).toThrow(/JournalLines\[1\]\.LineAmount/);
    expect(bad).not.toThrow(/secret/);
    expect(() => mapManualJournal(tenantId, { ...base, JournalLines: [{ LineAmount: "x" as unknown as number }] })).toThrow(/JournalLines\[0\]/);
  });

  it("refuses a record without its id or UpdatedDateUTC", () => {
    expect(() => mapManualJournal(tenantId, { ...base, ManualJournalID: undefined })).toThrow(/ManualJournalID/);
    expect(() => mapManualJournal(tenantId, { ...base, UpdatedDateUTC: undefined })).toThrow(/UpdatedDateUTC/);
  });
});
