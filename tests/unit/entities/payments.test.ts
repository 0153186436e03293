import { describe, expect, it } from "vitest";
import type { MirrorRow } from "@/lib/db/queries/mirror-batch";
import { paymentsEntity } from "@/lib/entities/payments";
import { mapPayment } from "@/lib/entities/payments/map";
import { payments } from "@/lib/entities/payments/table";
import { everyFieldFilled, expectKnownProperties, expectLossless, expectPropertiesCovered, propertiesRead, type ColumnSource } from "@/tests/helpers/mapping-check";
import { specExamples, specProperties } from "@/tests/helpers/spec-examples";

const tenantId = "00000000-0000-4000-8000-000000000001";
type Json = Record<string, unknown>;
const CREDIT = new Set(["ACCRECCREDIT", "ACCPAYCREDIT"]);
const invoice = (w: Json) => w.Invoice as Json | undefined;
/** Xero sends a credit note's refund as an Invoice of a credit Type (its own GET /Payments example does). */
const paysCredit = (w: Json) => CREDIT.has(String(invoice(w)?.Type ?? ""));
const paid = (w: Json) => (w.Invoice ?? w.CreditNote ?? w.Prepayment ?? w.Overpayment) as Json | undefined;
const contact = (w: Json) => paid(w)?.Contact as Json | undefined;

const SOURCES: ColumnSource[] = [
  { column: "paymentId", from: "PaymentID", as: "text" },
  { column: "paymentType", from: "PaymentType", as: "text" },
  { column: "status", from: "Status", as: "text" },
  { column: "date", from: "Date", as: "date" },
  { column: "amount", from: "Amount", as: "money" },
  { column: "bankAmount", from: "BankAmount", as: "money" },
  { column: "currencyRate", from: "CurrencyRate", as: "money" },
  { column: "currencyCode", from: (w) => paid(w)?.CurrencyCode, as: "text" },
  { column: "reference", from: "Reference", as: "text" },
  { column: "isReconciled", from: "IsReconciled", as: "bool" },
  { column: "accountId", from: "Account.AccountID", as: "text" },
  { column: "accountCode", from: (w) => (w.Account as Json | undefined)?.Code ?? w.Code, as: "text" },
  { column: "invoiceId", from: (w) => (paysCredit(w) ? null : invoice(w)?.InvoiceID), as: "text" },
  { column: "invoiceNumber", from: (w) => (paysCredit(w) ? null : (invoice(w)?.InvoiceNumber ?? w.InvoiceNumber)), as: "text" },
  { column: "creditNoteId", from: (w) => (w.CreditNote as Json | undefined)?.CreditNoteID ?? (paysCredit(w) ? invoice(w)?.InvoiceID : null), as: "text" },
  {
    column: "creditNoteNumber",
    from: (w) => (w.CreditNote as Json | undefined)?.CreditNoteNumber ?? (paysCredit(w) ? invoice(w)?.InvoiceNumber : undefined) ?? w.CreditNoteNumber,
    as: "text",
  },
  { column: "prepaymentId", from: "Prepayment.PrepaymentID", as: "text" },
  { column: "overpaymentId", from: "Overpayment.OverpaymentID", as: "text" },
  { column: "batchPaymentId", from: (w) => w.BatchPaymentID ?? (w.BatchPayment as Json | undefined)?.BatchPaymentID, as: "text" },
  { column: "contactId", from: (w) => contact(w)?.ContactID, as: "text" },
  { column: "contactName", from: (w) => contact(w)?.Name, as: "text" },
  { column: "xeroUpdatedAt", from: "UpdatedDateUTC", as: "instant" },
];
/** Read by the function sources above. */
const READ_BY_FUNCTIONS = ["Invoice", "CreditNote", "InvoiceNumber", "CreditNoteNumber", "Code", "BatchPaymentID", "BatchPayment"];
/** Kept in raw only: a batch payment's supplier bank details, write-time and duplicate fields. */
const RAW_ONLY = ["BankAccountNumber", "Particulars", "Details", "HasAccount", "HasValidationErrors", "StatusAttributeString", "ValidationErrors", "Warnings", "UpdatedDateUTCString"];

const mapper = { table: payments, idColumn: payments.paymentId, map: (t: string, w: Json, raw: unknown) => mapPayment(t, w, raw) as MirrorRow, sources: SOURCES };

describe("payments: Xero's own examples", () => {
  const examples = specExamples("Payments");

  it("the spec has examples to map (list, by id, create, delete)", () => {
    expect(examples.length).toBeGreaterThanOrEqual(5);
  });

  it("every property of Payment is mapped or knowingly left to raw", () => {
    expectPropertiesCovered(specProperties("Payment"), propertiesRead(SOURCES, READ_BY_FUNCTIONS), RAW_ONLY);
  });

  it.each(examples.map((e) => [e.where, e] as const))("maps %s without loss", (_where, example) => {
    expectKnownProperties(example, specProperties("Payment"), []);
    expectLossless(mapper, example, tenantId);
  });

  it("maps every property of Payment it types from its own field (each filled with a distinct value)", () => {
    const documents = {
      Invoice: { Type: "ACCPAY", InvoiceID: "invoice-id", InvoiceNumber: "BILL-1", CurrencyCode: "GBP", Contact: { ContactID: "contact-id", Name: "Supplier" } },
      BatchPayment: { BatchPaymentID: "batch-id" },
      Code: "090",
    };
    for (const extra of [documents, { CreditNote: { CreditNoteID: "cn-id", CreditNoteNumber: "CN-1", CurrencyCode: "USD", Contact: { ContactID: "c2", Name: "Customer" } }, BatchPaymentID: "b2", InvoiceNumber: "x" }]) {
      expectLossless(mapper, everyFieldFilled(SOURCES, extra), tenantId);
    }
  });

  it("an invoice payment points at its invoice, its bank account and the invoice's contact", () => {
    const e = examples.find((x) => x.where.startsWith("GET /Payments/{PaymentID} 200"))!;
    expect(mapPayment(tenantId, e.record)).toMatchObject({
      paymentId: "99ea7f6b-c513-4066-bc27-b7c65dcd76c2",
      paymentType: "ACCRECPAYMENT",
      status: "AUTHORISED",
      date: "2018-11-29",
      amount: "46",
      bankAmount: "46",
      currencyCode: "NZD",
      invoiceId: "046d8a6d-1ae1-4b4d-9340-5601bdf41b87",
      invoiceNumber: "INV-0002",
      creditNoteId: null,
      accountId: "5690f1e8-1d02-4893-90c2-ee1a69eff942",
      accountCode: "970",
      batchPaymentId: "b54aa50c-794c-461b-89d1-846e1b84d9c0",
      contactId: "a3675fc4-f8dd-4f03-ba5b-f1870566bcd7",
      contactName: "Barney Rubble-83203",
      isReconciled: false,
    });
  });

  it("a credit note's refund, which Xero sends as an Invoice of Type ACCRECCREDIT, belongs to the credit note", () => {
    const e = examples.find((x) => x.record.PaymentType === "ARCREDITPAYMENT")!;
    expect(mapPayment(tenantId, e.record)).toMatchObject({
      invoiceId: null,
      invoiceNumber: null,
      creditNoteId: "249f15fa-f2a7-4acc-8769-0984103f2225",
      creditNoteNumber: "CN-0005",
      amount: "2",
    });
  });

  it("refunds of prepayments and overpayments point at them; a deleted payment keeps its status", () => {
    const base = { PaymentID: "6b037c9b-2e5d-4905-84d3-eabfb3438242", Amount: 12.3, UpdatedDateUTC: "/Date(1551812346173+0000)/" };
    expect(mapPayment(tenantId, { ...base, PaymentType: "ARPREPAYMENTPAYMENT", Prepayment: { PrepaymentID: "ce0cddef-cf5a-4e59-b638-f225679115a7", CurrencyCode: "AUD" } })).toMatchObject({
      prepaymentId: "ce0cddef-cf5a-4e59-b638-f225679115a7",
      invoiceId: null,
      currencyCode: "AUD",
      amount: "12.3",
    });
    expect(mapPayment(tenantId, { ...base, Status: "DELETED", Overpayment: { OverpaymentID: "ed7f6041-c915-4667-bd1d-54c48e92161e" } })).toMatchObject({
      overpaymentId: "ed7f6041-c915-4667-bd1d-54c48e92161e",
      status: "DELETED",
    });
  });
});

describe("payments: the definition", () => {
  it("asks Xero the keyset way, and knows its deletes and scopes", async () => {
    const calls: unknown[][] = [];
    const api = { getPayments: (...args: unknown[]) => (calls.push(args), Promise.resolve({ response: { data: "", headers: {} } })) };
    const since = new Date("2024-01-01T00:00:00Z");
    await paymentsEntity.xero.request(api as never, "tenant", { ifModifiedSince: since, page: 2, pageSize: 1000 });
    expect(calls[0]).toEqual(["tenant", since, undefined, "UpdatedDateUTC ASC", 2, 1000]);
    expect(paymentsEntity.walk).toEqual({ kind: "keyset" });
    expect(paymentsEntity.deletes.statuses).toEqual(["DELETED"]);
    expect(paymentsEntity.xero.scopes[0]).toBe("accounting.payments.read");
    expect(paymentsEntity.xero.scopes).toContain("accounting.transactions.read");
  });

  it("refuses a record without id or UpdatedDateUTC", () => {
    expect(() => mapPayment(tenantId, { UpdatedDateUTC: "/Date(1573755038314+0000)/" })).toThrow(/PaymentID/);
    expect(() => mapPayment(tenantId, { PaymentID: "6b037c9b-2e5d-4905-84d3-eabfb3438242" })).toThrow(/UpdatedDateUTC/);
  });
});
