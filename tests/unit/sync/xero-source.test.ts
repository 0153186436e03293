import { describe, expect, it } from "vitest";
import { classifyXeroError, MalformedXeroResponseError, parseEnvelope } from "@/lib/sync/xero-source";

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
    expect(() => parseEnvelope({ Invoices: [] }, "Invoices")).toThrow(/not kept as text/);
  });

  it("a malformed answer is retried like a dropped connection", () => {
    expect(classifyXeroError(new MalformedXeroResponseError("x"))).toEqual({ kind: "malformed" });
  });
});
