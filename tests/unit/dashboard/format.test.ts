import { describe, expect, it } from "vitest";
import { formatDate, formatMoney, relativeTime } from "@/app/(dashboard)/_components/format";
import { niceCeil } from "@/app/(dashboard)/dashboard/charts";
import { formatDecimal } from "@/app/(dashboard)/_components/entity";
import { xeroDate, xeroInvoiceUrl, lineItemsOf } from "@/lib/entities/read-model-extras";

describe("dashboard formatting", () => {
  it("formats money from decimal strings exactly", () => {
    expect(formatMoney("1234.5000", "NZD")).toBe("$1,234.50");
    expect(formatMoney("9007199254740993.01", "USD")).toBe("$9,007,199,254,740,993.01");
    expect(formatMoney(null, "NZD")).toBe("—");
    expect(formatMoney("5", "not-a-code")).toBe("5.00");
  });

  it("formats calendar dates without shifting time zones", () => {
    expect(formatDate("2026-03-05")).toBe("5 Mar 2026");
    expect(formatDate(null)).toBe("—");
  });

  it("relative times", () => {
    const now = new Date("2026-06-15T12:00:00Z");
    expect(relativeTime(new Date("2026-06-15T11:55:00Z"), now)).toBe("5 minutes ago");
    expect(relativeTime(new Date("2026-06-15T14:00:00Z"), now)).toBe("in 2 hours");
    expect(relativeTime(new Date("2026-06-15T11:59:50Z"), now)).toBe("just now");
  });

  it("decimals keep their digits as text (a rate is never a float)", () => {
    expect(formatDecimal("1.2500000000")).toBe("1.25");
    expect(formatDecimal("2.0000000000")).toBe("2");
    expect(formatDecimal("123456789012345678.1234567891")).toBe("123456789012345678.1234567891");
    expect(formatDecimal("-0.5000")).toBe("-0.5");
  });

  it("chart axis rounds up to a nice number", () => {
    expect(niceCeil(0)).toBe(1);
    expect(niceCeil(173)).toBe(200);
    expect(niceCeil(2300)).toBe(2500);
  });

  it("invoice helpers", () => {
    expect(xeroDate("/Date(1767225600000+0000)/")).toBe("2026-01-01");
    expect(xeroDate("nonsense")).toBeNull();
    expect(xeroInvoiceUrl({ invoiceId: "abc", type: "ACCREC" })).toBe("https://go.xero.com/AccountsReceivable/View.aspx?InvoiceID=abc");
    expect(xeroInvoiceUrl({ invoiceId: "abc", type: "ACCPAY" }, "!xkcd")).toBe(
      "https://go.xero.com/organisationlogin/default.aspx?shortcode=!xkcd&redirecturl=%2FAccountsPayable%2FView.aspx%3FInvoiceID%3Dabc",
    );
    expect(lineItemsOf({ LineItems: [{ Description: "x", Quantity: 2, LineAmount: 3.5 }] })[0]).toMatchObject({ description: "x", quantity: "2", lineAmount: "3.5" });
    expect(lineItemsOf(null)).toEqual([]);
  });
});
