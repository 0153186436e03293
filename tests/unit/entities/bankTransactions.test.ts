import { describe, expect, it } from "vitest";
import { mapBankTransaction } from "@/lib/entities/bankTransactions/map";
import { bankTransactions } from "@/lib/entities/bankTransactions/table";
import type { MirrorRow } from "@/lib/db/queries/mirror-batch";
import { XeroRecordError } from "@/lib/sync/errors";
import { everyFieldFilled, expectKnownProperties, expectLossless, expectPropertiesCovered, propertiesRead, type ColumnSource } from "@/tests/helpers/mapping-check";
import { specExamples, specProperties } from "@/tests/helpers/spec-examples";

const tenantId = "00000000-0000-4000-8000-000000000001";

const SOURCES: ColumnSource[] = [
  { column: "bankTransactionId", from: "BankTransactionID", as: "text" },
  { column: "type", from: "Type", as: "text" },
  { column: "status", from: "Status", as: "text" },
  { column: "reference", from: "Reference", as: "text" },
  { column: "contactId", from: "Contact.ContactID", as: "text" },
  { column: "contactName", from: "Contact.Name", as: "text" },
  { column: "bankAccountId", from: "BankAccount.AccountID", as: "text" },
  { column: "bankAccountCode", from: "BankAccount.Code", as: "text" },
  { column: "bankAccountName", from: "BankAccount.Name", as: "text" },
  { column: "date", from: "Date", as: "date" },
  { column: "isReconciled", from: "IsReconciled", as: "bool" },
  { column: "currencyCode", from: "CurrencyCode", as: "text" },
  { column: "currencyRate", from: "CurrencyRate", as: "money" },
  { column: "lineAmountTypes", from: "LineAmountTypes", as: "text" },
  { column: "subTotal", from: "SubTotal", as: "money" },
  { column: "totalTax", from: "TotalTax", as: "money" },
  { column: "total", from: "Total", as: "money" },
  { column: "prepaymentId", from: "PrepaymentID", as: "text" },
  { column: "overpaymentId", from: "OverpaymentID", as: "text" },
  { column: "hasAttachments", from: "HasAttachments", as: "bool" },
  { column: "xeroUpdatedAt", from: "UpdatedDateUTC", as: "instant" },
];

/** Kept in raw only: the lines, a source document's link, and an answer's own validation messages. */
const RAW_ONLY = ["LineItems", "Url", "StatusAttributeString", "ValidationErrors"];
/** What real Xero sends beyond the schema (its own examples show them). */
const EXTRAS = ["DateString", "BatchPayment", "Attachments"];

const mapper = { table: bankTransactions, idColumn: bankTransactions.bankTransactionId, map: (t: string, w: Record<string, unknown>, raw: unknown) => mapBankTransaction(t, w, raw) as MirrorRow, sources: SOURCES };

describe("bank transactions: Xero's own examples", () => {
  const examples = specExamples("BankTransactions");

  it("the spec has examples to map (list, by id, create, update)", () => {
    expect(examples.length).toBeGreaterThanOrEqual(6);
    expect(new Set(examples.map((e) => e.record.Type))).toEqual(new Set(["RECEIVE", "SPEND", "SPEND-OVERPAYMENT"]));
  });

  it("every property of BankTransaction is mapped or knowingly left to raw", () => {
    expectPropertiesCovered(specProperties("BankTransaction"), propertiesRead(SOURCES), RAW_ONLY);
  });

  it.each(examples.map((e) => [e.where, e] as const))("maps %s without loss", (_where, example) => {
    expectKnownProperties(example, specProperties("BankTransaction"), EXTRAS);
    expect(expectLossless(mapper, example, tenantId).tenantId).toBe(tenantId);
  });

  it("maps every property of BankTransaction it types from its own field (each filled with a distinct value)", () => {
    expectLossless(mapper, everyFieldFilled(SOURCES), tenantId);
  });

  it("reads the examples as an accountant would: which account, which way, how much", () => {
    const at = (where: string) => mapBankTransaction(tenantId, examples.find((e) => e.where === where)!.record);
    expect(at("PUT /BankTransactions 200 #1")).toMatchObject({
      type: "SPEND",
      bankAccountId: "6f7594f2-f059-4d56-9e67-47ac9733bfe9",
      bankAccountCode: "088",
      bankAccountName: "Business Wells Fargo",
      contactName: "Katherine Warren",
      subTotal: "18.26",
      totalTax: "1.74",
      total: "20",
      reference: null,
    });
    expect(at("GET /BankTransactions 200 #2")).toMatchObject({ type: "SPEND-OVERPAYMENT", overpaymentId: "7d457db3-3b0a-47e9-8b79-81252a7bcdcb", total: "9", date: "2016-10-13" });
  });
});

describe("bank transactions: records that do not convert", () => {
  const base = { BankTransactionID: "5b0f0d0a-0000-4000-8000-000000000002", Type: "RECEIVE", BankAccount: { AccountID: "5b0f0d0a-0000-4000-8000-000000000003" }, UpdatedDateUTC: "/Date(1706781600123+0000)/" };

  it("names the record and the field, never the value", () => {
    const bad = () => mapBankTransaction(tenantId, { ...base, Date: "the 31st of February, secret" });
    expect(bad).toThrow(XeroRecordError);
    expect(bad).toThrow(/Date/);
    expect(bad).not.toThrow(/secret/);
  });

  it("refuses a record without its id, its UpdatedDateUTC or its Type (which way the money went is never guessed)", () => {
    expect(() => mapBankTransaction(tenantId, { ...base, BankTransactionID: undefined })).toThrow(/BankTransactionID/);
    expect(() => mapBankTransaction(tenantId, { ...base, UpdatedDateUTC: undefined })).toThrow(/UpdatedDateUTC/);
    expect(() => mapBankTransaction(tenantId, { ...base, Type: undefined })).toThrow(/Type/);
  });
});
