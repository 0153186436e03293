import { describe, expect, it } from "vitest";
import { JsonText, prepareMirrorRow } from "@/lib/db/queries/mirror-batch";
import { bankTransactionsEntity } from "@/lib/entities/bankTransactions";
import { mapBankTransaction } from "@/lib/entities/bankTransactions/map";
import { writeSpecOf } from "@/lib/entities/write-spec";
import type { EntityDefinition } from "@/lib/entities/definition";
import { XeroRecordError } from "@/lib/sync/errors";
import { specExamples, specProperties } from "@/tests/helpers/xero-spec-examples";

const tenantId = "00000000-0000-4000-8000-000000000001";
type Json = Record<string, unknown>;

/** Xero's /Date(ms+0000)/ as its UTC calendar day, read independently of the mapper. */
const day = (v: unknown) => (typeof v === "string" ? new Date(Number(/\((\d+)/.exec(v)![1])).toISOString().slice(0, 10) : null);
const instant = (v: unknown) => new Date(Number(/\((\d+)/.exec(v as string)![1]));
const text = (v: unknown) => (v === undefined || v === null || v === "" ? null : String(v));
/** A decimal string that denotes exactly Xero's number (or both absent). */
const sameMoney = (got: unknown, want: unknown) => (want === undefined || want === null ? got === null : typeof got === "string" && /^-?\d+(\.\d+)?$/.test(got) && Number(got) === want);

/** Where each property of Xero's BankTransaction goes: a column, or kept in `raw` only. */
const COLUMNS: Record<string, string> = {
  BankTransactionID: "bankTransactionId",
  Type: "type",
  Status: "status",
  Reference: "reference",
  Contact: "contactId, contactName",
  BankAccount: "bankAccountId, bankAccountCode, bankAccountName",
  IsReconciled: "isReconciled",
  Date: "date",
  CurrencyCode: "currencyCode",
  CurrencyRate: "currencyRate",
  LineAmountTypes: "lineAmountTypes",
  SubTotal: "subTotal",
  TotalTax: "totalTax",
  Total: "total",
  PrepaymentID: "prepaymentId",
  OverpaymentID: "overpaymentId",
  HasAttachments: "hasAttachments",
  UpdatedDateUTC: "xeroUpdatedAt",
};
/** Line items (read from raw), a source document link, and the answer's own validation messages. */
const RAW_ONLY = ["LineItems", "Url", "StatusAttributeString", "ValidationErrors"];

const examples = specExamples("BankTransactions");

describe("bank transactions: every example in Xero's spec maps without loss", () => {
  it("the spec has examples to map, and every BankTransaction property is a column or kept in raw", () => {
    expect(examples.length).toBeGreaterThanOrEqual(6);
    expect([...Object.keys(COLUMNS), ...RAW_ONLY].sort()).toEqual(specProperties("BankTransaction").sort());
  });

  it.each(examples.map((e) => [e.where, e.record] as const))("%s", (_where, wire: Json) => {
    const row = mapBankTransaction(tenantId, wire);
    const contact = wire.Contact as Json | undefined;
    const account = wire.BankAccount as Json;
    expect(row).toMatchObject({
      tenantId,
      bankTransactionId: wire.BankTransactionID,
      type: wire.Type,
      status: wire.Status,
      reference: text(wire.Reference),
      contactId: text(contact?.ContactID),
      contactName: text(contact?.Name),
      bankAccountId: account.AccountID,
      bankAccountCode: account.Code,
      bankAccountName: account.Name,
      date: day(wire.Date),
      isReconciled: wire.IsReconciled === true,
      currencyCode: text(wire.CurrencyCode),
      lineAmountTypes: text(wire.LineAmountTypes),
      prepaymentId: text(wire.PrepaymentID),
      overpaymentId: text(wire.OverpaymentID),
      hasAttachments: wire.HasAttachments === true,
      xeroUpdatedAt: instant(wire.UpdatedDateUTC),
    });
    for (const [key, prop] of [["currencyRate", "CurrencyRate"], ["subTotal", "SubTotal"], ["totalTax", "TotalTax"], ["total", "Total"]] as const) {
      expect(sameMoney(row[key], wire[prop]), `${key} ${String(row[key])} vs ${String(wire[prop])}`).toBe(true);
    }
    // Written as the engine writes it: the record's own text is `raw`, every column a plain value.
    const spec = writeSpecOf(bankTransactionsEntity as unknown as EntityDefinition);
    const prepared = JSON.parse(prepareMirrorRow(spec, mapBankTransaction(tenantId, wire, new JsonText(JSON.stringify(wire)))).json) as Json;
    expect(prepared.raw).toEqual(wire);
    expect(prepared.bank_account_id).toBe(account.AccountID);
    expect(prepared.xero_updated_at).toBe(instant(wire.UpdatedDateUTC).toISOString());
  });

  it("keeps each example's money exactly as Xero wrote it", () => {
    const at = (where: string) => mapBankTransaction(tenantId, examples.find((e) => e.where === where)!.record);
    expect(at("PUT /BankTransactions #1")).toMatchObject({ subTotal: "18.26", totalTax: "1.74", total: "20", currencyRate: "1", type: "SPEND", reference: null });
    expect(at("POST /BankTransactions/{BankTransactionID} #1")).toMatchObject({ reference: "You just updated", date: "2019-02-25" });
    expect(at("GET /BankTransactions #2")).toMatchObject({ type: "SPEND-OVERPAYMENT", overpaymentId: "7d457db3-3b0a-47e9-8b79-81252a7bcdcb", total: "9", date: "2016-10-13" });
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
