import { describe, expect, it } from "vitest";
import { JsonText, mirrorSpec, prepareMirrorRow } from "@/lib/db/queries/mirror-batch";
import { contacts } from "@/lib/db/schema";
import { mapContact } from "@/lib/entities/contacts/map";
import { XeroRecordError } from "@/lib/sync/errors";
import { mapInvoice } from "@/lib/entities/invoices/map";
import { toDateOnly, toDecimalString, toInstant } from "@/lib/entities/values";

describe("values", () => {
  it("money: JS numbers from xero-node become the exact decimal Xero sent", () => {
    expect(toDecimalString(123.45)).toBe("123.45");
    expect(toDecimalString(0.1 + 0.2 === 0.30000000000000004 ? 0.3 : 0)).toBe("0.3");
    expect(toDecimalString(-12.3)).toBe("-12.3");
    expect(toDecimalString(1234567.8912)).toBe("1234567.8912");
    expect(toDecimalString(0)).toBe("0");
    expect(toDecimalString(-0)).toBe("0");
    expect(toDecimalString(1e-7)).toBe("0.0000001");
    expect(toDecimalString(undefined)).toBeNull();
    expect(toDecimalString("15.00")).toBe("15.00");
    expect(() => toDecimalString(Number.NaN)).toThrow();
  });

  it("date-only fields: the UTC calendar day of xero-node's midnight-UTC Date, or of /Date()/", () => {
    expect(toDateOnly(new Date(Date.UTC(2024, 1, 29)))).toBe("2024-02-29");
    expect(toDateOnly("/Date(1518652800000+0000)/")).toBe("2018-02-15");
    expect(toDateOnly("2024-03-01T00:00:00")).toBe("2024-03-01");
    expect(toDateOnly(null)).toBeNull();
  });

  it("UpdatedDateUTC keeps its milliseconds", () => {
    expect(toInstant("/Date(1573755038314+0000)/")!.toISOString()).toBe("2019-11-14T18:10:38.314Z");
    expect(toInstant("2019-12-07T18:46:19.516")!.toISOString()).toBe("2019-12-07T18:46:19.516Z");
  });
});

describe("mappers", () => {
  const tenantId = "00000000-0000-4000-8000-000000000001";
  it("maps an invoice as Xero sent it to a row, keeping that JSON as raw", () => {
    const wire = {
      Type: "ACCREC",
      InvoiceID: "5b0f0d0a-0000-4000-8000-000000000002",
      InvoiceNumber: "INV-1",
      Status: "AUTHORISED",
      Contact: { ContactID: "5b0f0d0a-0000-4000-8000-000000000003", Name: "Blue Bakery" },
      Date: "/Date(1706659200000+0000)/",
      DateString: "2024-01-31T00:00:00",
      DueDate: "/Date(1709164800000+0000)/",
      CurrencyCode: "NZD",
      CurrencyRate: 1,
      LineAmountTypes: "Exclusive",
      LineItems: [{ Description: "Bread", Quantity: 1, UnitAmount: 100.1, LineAmount: 100.1 }],
      SubTotal: 100.1,
      TotalTax: 15.02,
      Total: 115.12,
      AmountDue: 115.12,
      AmountPaid: 0,
      AmountCredited: 0,
      UpdatedDateUTC: "/Date(1706781600123+0000)/",
    };
    const row = mapInvoice(tenantId, wire);
    expect(row).toMatchObject({
      tenantId,
      invoiceId: "5b0f0d0a-0000-4000-8000-000000000002",
      type: "ACCREC",
      invoiceNumber: "INV-1",
      status: "AUTHORISED",
      contactId: "5b0f0d0a-0000-4000-8000-000000000003",
      contactName: "Blue Bakery",
      date: "2024-01-31",
      dueDate: "2024-02-29",
      fullyPaidOnDate: null,
      currencyCode: "NZD",
      currencyRate: "1",
      subTotal: "100.1",
      totalTax: "15.02",
      total: "115.12",
      amountPaid: "0",
      hasAttachments: false,
    });
    expect(row.raw).toBe(wire);
    expect(row.xeroUpdatedAt.toISOString()).toBe("2024-02-01T10:00:00.123Z");
  });

  it("maps an archived contact as a state", () => {
    const row = mapContact(tenantId, { ContactID: "5b0f0d0a-0000-4000-8000-000000000004", Name: "Old Co", ContactStatus: "ARCHIVED", IsCustomer: true, UpdatedDateUTC: "/Date(1573755038314+0000)/" });
    expect(row).toMatchObject({ contactStatus: "ARCHIVED", isCustomer: true, isSupplier: false, name: "Old Co", emailAddress: null });
    expect(row.xeroUpdatedAt.toISOString()).toBe("2019-11-14T18:10:38.314Z");
  });

  it("refuses records without id or UpdatedDateUTC", () => {
    expect(() => mapInvoice(tenantId, { UpdatedDateUTC: "/Date(1573755038314+0000)/" })).toThrow(/InvoiceID/);
    expect(() => mapContact(tenantId, { ContactID: "x" })).toThrow(/UpdatedDateUTC/);
  });

  it("a prepared row carries Xero's record text verbatim as raw, inside valid JSON", () => {
    const text = '{"ContactID":"5b0f0d0a-0000-4000-8000-000000000005","Name":"A \\"quoted\\" name","ContactStatus":"ACTIVE","Balance":10.50,"UpdatedDateUTC":"/Date(1573755038314+0000)/"}';
    const row = prepareMirrorRow(mirrorSpec(contacts, contacts.contactId), mapContact(tenantId, JSON.parse(text) as object, new JsonText(text)));
    expect(row).toMatchObject({ id: "5b0f0d0a-0000-4000-8000-000000000005", updatedMs: 1573755038314 });
    const record = JSON.parse(row.json) as Record<string, unknown>;
    expect(record).toMatchObject({ contact_id: "5b0f0d0a-0000-4000-8000-000000000005", name: 'A "quoted" name', contact_status: "ACTIVE", xero_updated_at: "2019-11-14T18:10:38.314Z" });
    expect(record.raw).toEqual(JSON.parse(text));
    expect(row.json).toContain(`"raw":${text}`);
  });
});

describe("mapper errors", () => {
  const tenantId = "00000000-0000-4000-8000-000000000001";
  const id = "5b0f0d0a-0000-4000-8000-000000000009";
  const marker = "MARKER-c0ffee-do-not-log";
  const failure = (f: () => unknown): XeroRecordError => {
    try {
      f();
    } catch (error) {
      expect(error).toBeInstanceOf(XeroRecordError);
      return error as XeroRecordError;
    }
    throw new Error("expected the mapper to throw");
  };

  it("name the record and the field, never the value", () => {
    const updated = "/Date(1573755038314+0000)/";
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ Total: marker }, /Total is not a decimal number/],
      [{ AmountDue: { note: marker } }, /AmountDue is not a finite number/],
      [{ DueDate: marker }, /DueDate is not a date/],
      [{ Date: `2024-02-30${marker}` }, /Date is not a date/],
      [{ UpdatedDateUTC: marker }, /UpdatedDateUTC is not a timestamp/],
    ];
    for (const [patch, message] of cases) {
      const e = failure(() => mapInvoice(tenantId, { InvoiceID: id, UpdatedDateUTC: updated, ...patch }));
      expect(e.message).toMatch(message);
      expect(e.message).toContain(`invoice ${id}`);
      expect(e.message).not.toContain(marker);
    }
    const contact = failure(() => mapContact(tenantId, { ContactID: id, UpdatedDateUTC: `${marker}T00:00` }));
    expect(contact.message).toMatch(new RegExp(`contact ${id} whose UpdatedDateUTC is not a timestamp`));
    expect(contact.message).not.toContain(marker);
  });

  it("leave out an id that is not a GUID: it could be any text", () => {
    const e = failure(() => mapInvoice(tenantId, { InvoiceID: marker, UpdatedDateUTC: "/Date(1573755038314+0000)/", Total: "x" as unknown as number }));
    expect(e.message).toMatch(/an invoice whose Total is not a decimal number/);
    expect(e.message).not.toContain(marker);
  });
});
