import { describe, expect, it } from "vitest";
import { decodeCursor, encodeCursor, UUID_RE, validCursorValue } from "@/lib/invoices/keyset";
import { parseInvoiceQuery } from "@/lib/invoices/read-model";
import { parseContactQuery } from "@/lib/contacts/read-model";
import { parseHistoryQuery } from "@/lib/history/read-model";
import { escapeLike } from "@/lib/invoices/search-params";

const ID = "0b9a4a8e-1f5c-4d2e-9a7b-3c1d2e3f4a5b";

describe("list URL parsing", () => {
  it("defaults", () => {
    const q = parseInvoiceQuery({});
    expect(q).toMatchObject({ sort: "date", dir: "desc", size: 50, overdue: false, page: 1, after: null, before: null });
    expect(parseContactQuery({})).toMatchObject({ sort: "name", dir: "asc" });
  });

  it("falls back on hostile values instead of failing", () => {
    const q = parseInvoiceQuery({
      sort: "invoice_id; drop table invoices",
      dir: "up",
      size: "1000000",
      status: ["PAID", "DRAFT"],
      org: "../../etc/passwd",
      contact: "' or 1=1 --",
      from: "2026-02-30",
      to: "not-a-date",
      q: "\u0000\u0007" + "x".repeat(500),
      p: "-3",
      after: "%%%",
    });
    expect(q.sort).toBe("date");
    expect(q.dir).toBe("desc");
    expect(q.size).toBe(50);
    expect(q.status).toBe("PAID"); // first of a repeated parameter
    expect(q.tenant).toBeUndefined();
    expect(q.contact).toBeUndefined();
    expect(q.from).toBeUndefined();
    expect(q.to).toBeUndefined();
    expect(q.q).toHaveLength(100);
    expect(q.after).toBeNull();
    expect(q.page).toBe(1);
  });

  it("swaps an inverted date range", () => {
    const q = parseInvoiceQuery({ from: "2026-03-01", to: "2026-01-01" });
    expect([q.from, q.to]).toEqual(["2026-01-01", "2026-03-01"]);
  });

  it("cursors round-trip and are bound to their sort", () => {
    const c = encodeCursor({ s: "date.desc", k: "2026-01-01", id: ID });
    expect(decodeCursor(c, "date.desc", UUID_RE)).toEqual({ s: "date.desc", k: "2026-01-01", id: ID });
    expect(decodeCursor(c, "total.asc", UUID_RE)).toBeNull();
    expect(decodeCursor("bm90IGpzb24", "date.desc", UUID_RE)).toBeNull();
    expect(decodeCursor(encodeCursor({ s: "date.desc", k: null, id: "x" }), "date.desc", UUID_RE)).toBeNull();
    expect(parseInvoiceQuery({ after: c, p: "7" }).page).toBe(7);
    expect(parseHistoryQuery({ outcome: "interrupted", kind: "nope" })).toMatchObject({ outcome: "interrupted", kind: undefined });
  });

  it("cursor values must parse as the column type", () => {
    expect(validCursorValue("date", "2026-02-28")).toBe(true);
    expect(validCursorValue("date", "2026-02-30")).toBe(false);
    expect(validCursorValue("numeric", "-12.5000")).toBe(true);
    expect(validCursorValue("numeric", "1e9")).toBe(false);
    expect(validCursorValue("timestamptz", "2026-06-15 12:00:00.123+00")).toBe(true);
    expect(validCursorValue("timestamptz", "yesterday")).toBe(false);
    expect(validCursorValue("text", null)).toBe(true);
  });

  it("escapes LIKE wildcards", () => {
    expect(escapeLike("50%_off\\")).toBe("50\\%\\_off\\\\");
  });
});

describe("read API parameter checks", () => {
  it("rejects what the pages would silently replace", async () => {
    const { assertParsed } = await import("@/lib/invoices/api");
    const map = { sort: "sort", dir: "dir", org: "tenant", from: "from", q: "q", overdue: "overdue" };
    const check = (raw: Record<string, string>) => () => assertParsed(raw, parseInvoiceQuery(raw) as unknown as Record<string, unknown>, map);
    expect(check({ sort: "total", dir: "asc", org: ID.toUpperCase(), from: "2026-01-01", q: "abc", overdue: "1" })).not.toThrow();
    for (const bad of <Record<string, string>[]>[{ sort: "bogus" }, { dir: "up" }, { org: "nope" }, { from: "2026-02-30" }, { overdue: "yes" }, { q: "\u0001" }]) {
      expect(check(bad), JSON.stringify(bad)).toThrow(/not valid/);
    }
  });
});
