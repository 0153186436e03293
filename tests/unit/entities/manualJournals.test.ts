import { describe, expect, it } from "vitest";
import { JsonText, prepareChildRows, prepareMirrorRow } from "@/lib/db/queries/mirror-batch";
import type { EntityDefinition } from "@/lib/entities/definition";
import { manualJournalsEntity } from "@/lib/entities/manualJournals";
import { addDecimals, mapManualJournal, mapManualJournalLines } from "@/lib/entities/manualJournals/map";
import { writeSpecOf } from "@/lib/entities/write-spec";
import { XeroRecordError } from "@/lib/sync/errors";
import { specExamples, specProperties } from "@/tests/helpers/xero-spec-examples";

const tenantId = "00000000-0000-4000-8000-000000000001";
type Json = Record<string, unknown>;

const day = (v: unknown) => (typeof v === "string" ? new Date(Number(/\((\d+)/.exec(v)![1])).toISOString().slice(0, 10) : null);
const instant = (v: unknown) => new Date(Number(/\((\d+)/.exec(v as string)![1]));
const text = (v: unknown) => (v === undefined || v === null || v === "" ? null : String(v));
const sameMoney = (got: unknown, want: unknown) => (want === undefined || want === null ? got === null : typeof got === "string" && /^-?\d+(\.\d+)?$/.test(got) && Number(got) === want);

/** Where each property of Xero's ManualJournal goes: a column (or the child table), or kept in `raw` only. */
const COLUMNS: Record<string, string> = {
  ManualJournalID: "manualJournalId",
  Narration: "narration",
  Status: "status",
  Date: "date",
  LineAmountTypes: "lineAmountTypes",
  ShowOnCashBasisReports: "showOnCashBasisReports",
  HasAttachments: "hasAttachments",
  UpdatedDateUTC: "xeroUpdatedAt",
  JournalLines: "manual_journal_lines, totalDebit, lineCount",
};
const RAW_ONLY = ["Url", "StatusAttributeString", "Warnings", "ValidationErrors", "Attachments"];
const LINE_COLUMNS: Record<string, string> = {
  LineAmount: "lineAmount",
  AccountCode: "accountCode",
  AccountID: "accountId",
  Description: "description",
  TaxType: "taxType",
  TaxAmount: "taxAmount",
  IsBlank: "isBlank",
  Tracking: "tracking",
};

const examples = specExamples("ManualJournals");

describe("manual journals: every example in Xero's spec maps without loss", () => {
  it("the spec has examples to map, and every ManualJournal and ManualJournalLine property is a column or kept in raw", () => {
    expect(examples.length).toBeGreaterThanOrEqual(6);
    expect([...Object.keys(COLUMNS), ...RAW_ONLY].sort()).toEqual(specProperties("ManualJournal").sort());
    expect(Object.keys(LINE_COLUMNS).sort()).toEqual(specProperties("ManualJournalLine").sort());
  });

  it.each(examples.map((e) => [e.where, e.record] as const))("%s", (_where, wire: Json) => {
    const id = wire.ManualJournalID as string;
    const row = mapManualJournal(tenantId, wire);
    const lines = (wire.JournalLines as Json[]) ?? [];
    expect(row).toMatchObject({
      tenantId,
      manualJournalId: id,
      narration: wire.Narration,
      status: wire.Status,
      date: day(wire.Date),
      lineAmountTypes: text(wire.LineAmountTypes),
      showOnCashBasisReports: wire.ShowOnCashBasisReports !== false,
      hasAttachments: wire.HasAttachments === true,
      lineCount: lines.length,
      xeroUpdatedAt: instant(wire.UpdatedDateUTC),
    });
    const debits = lines.map((l) => l.LineAmount as number).filter((n) => n > 0);
    expect(Number(row.totalDebit)).toBe(debits.reduce((a, b) => a + b, 0));

    const childRows = mapManualJournalLines(id, wire);
    expect(childRows).toHaveLength(lines.length);
    childRows.forEach((line, i) => {
      const w = lines[i]!;
      expect(line).toMatchObject({
        manualJournalId: id,
        lineNumber: i + 1,
        accountId: text(w.AccountID),
        accountCode: text(w.AccountCode),
        description: text(w.Description),
        taxType: text(w.TaxType),
        isBlank: w.IsBlank === true,
        tracking: Array.isArray(w.Tracking) && w.Tracking.length ? w.Tracking : null,
      });
      expect(sameMoney(line.lineAmount, w.LineAmount)).toBe(true);
      expect(sameMoney(line.taxAmount, w.TaxAmount)).toBe(true);
    });

    // Written as the engine writes it: the record's own text is `raw`, the lines one JSON array per journal.
    const def = manualJournalsEntity as unknown as EntityDefinition;
    const spec = writeSpecOf(def);
    const prepared = JSON.parse(prepareMirrorRow(spec, mapManualJournal(tenantId, wire, new JsonText(JSON.stringify(wire)))).json) as Json;
    expect(prepared.raw).toEqual(wire);
    const written = JSON.parse(prepareChildRows(spec.children[0]!, def.children![0]!.rows(id, wire))) as Json[];
    expect(written.map((l) => l.line_number)).toEqual(lines.map((_, i) => i + 1));
    expect(written.map((l) => l.tracking)).toEqual(lines.map((l) => (Array.isArray(l.Tracking) && l.Tracking.length ? l.Tracking : null)));
  });

  it("keeps each example's lines, amounts and tracking exactly as Xero wrote them", () => {
    const put = examples.find((e) => e.where === "PUT /ManualJournals #1")!.record;
    expect(mapManualJournal(tenantId, put)).toMatchObject({ totalDebit: "100", lineCount: 2, status: "DRAFT", date: "2019-03-14" });
    expect(mapManualJournalLines(put.ManualJournalID as string, put)).toEqual([
      { manualJournalId: put.ManualJournalID, lineNumber: 1, accountId: "c4f29c22-28c2-4a13-9eab-ecbbd641ffdf", accountCode: "400", description: "Hello there", lineAmount: "100", taxType: "NONE", taxAmount: null, isBlank: false, tracking: null },
      {
        manualJournalId: put.ManualJournalID,
        lineNumber: 2,
        accountId: "c4f29c22-28c2-4a13-9eab-ecbbd641ffdf",
        accountCode: "400",
        description: "Goodbye",
        lineAmount: "-100",
        taxType: "NONE",
        taxAmount: null,
        isBlank: false,
        tracking: [{ Name: "Simpsons", Option: "Bart", TrackingCategoryID: "6a68adde-f210-4465-b0a9-0d8cc6f50762", TrackingOptionID: "dc54c220-0140-495a-b925-3246adc0075f" }],
      },
    ]);
    const list = examples.find((e) => e.where === "GET /ManualJournals #1")!.record;
    expect(mapManualJournal(tenantId, list)).toMatchObject({ totalDebit: "0", lineCount: 0 });
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
    const wire = {
      ManualJournalID: "5b0f0d0a-0000-4000-8000-000000000002",
      Narration: "Accrual",
      UpdatedDateUTC: "/Date(1706781600123+0000)/",
      JournalLines: [{ LineAmount: 0.1 }, { LineAmount: 0.2 }, { LineAmount: -0.3 }, { LineAmount: 0 }],
    };
    expect(mapManualJournal(tenantId, wire)).toMatchObject({ totalDebit: "0.3", lineCount: 4, status: "DRAFT", showOnCashBasisReports: true });
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
