import { describe, expect, it } from "vitest";
import { classifyXeroError, MalformedXeroResponseError, parseEnvelope } from "@/lib/sync/xero-source";
import { toXeroApiError } from "@/lib/xero/errors";

describe("parseEnvelope: Xero's list answer as text", () => {
  it("returns each record's text as sent and Xero's clock", () => {
    const text = JSON.stringify({ Id: "x", Status: "OK", DateTimeUTC: "/Date(1700000000123)/", Invoices: [{ InvoiceID: "a" }, { InvoiceID: "b" }] });
    const page = parseEnvelope(text, "Invoices");
    expect(page.records).toEqual(['{"InvoiceID":"a"}', '{"InvoiceID":"b"}']);
    expect(page.serverTime?.getTime()).toBe(1700000000123);
  });

  it("an empty list is an empty page", () => {
    expect(parseEnvelope('{"Contacts":[]}', "Contacts")).toEqual({ records: [], serverTime: null });
  });

  it("a cut-short body, an HTML page or a missing list is an error, never an empty page", () => {
    for (const body of ['{"Invoices":[{"InvoiceID":"a"}', "<html>Bad gateway</html>", "{}", '{"Invoices":null}', '{"Invoices":[1]}', ""]) {
      expect(() => parseEnvelope(body, "Invoices"), body).toThrow(MalformedXeroResponseError);
    }
    expect(() => parseEnvelope({ Invoices: [] }, "Invoices")).toThrow(TypeError); // our set-up, not Xero: not retried as Xero's
    expect(parseEnvelope(Buffer.from('\uFEFF{"Invoices":[]}'), "Invoices").records).toEqual([]); // a byte-order mark is fine
  });

  it("a malformed answer is retried like a dropped connection", () => {
    expect(classifyXeroError(new MalformedXeroResponseError("x"))).toEqual({ kind: "malformed" });
  });

  it("reads the bytes Xero sent, multi-byte characters included", () => {
    const text = '{"Contacts":[{"Name":"Café \u2028 Ōtaki ☕","ContactID":"c"}],"DateTimeUTC":"/Date(1700000000000)/"}';
    const page = parseEnvelope(Buffer.from(text, "utf8"), "Contacts");
    expect(page.records.map((r) => JSON.parse(r) as unknown)).toEqual([{ Name: "Café \u2028 Ōtaki ☕", ContactID: "c" }]);
  });

  it("an error answer kept as bytes is still read for its status and message", () => {
    // What xero-node rejects with: JSON.stringify of {response: {statusCode, body, headers}, body}.
    const body = Buffer.from(JSON.stringify({ Type: null, Title: "Validation", Status: 400, Detail: "page must be a number" }));
    const rejection = JSON.stringify({ response: { statusCode: 400, body, headers: { "x-correlation-id": "abc" } }, body });
    const e = toXeroApiError(rejection);
    expect(e).toMatchObject({ kind: "validation", status: 400, message: "Xero 400: page must be a number" });
    expect(classifyXeroError(rejection)).toEqual({ kind: "http", status: 400, headers: { "x-correlation-id": "abc" } });
  });
});
