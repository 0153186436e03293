import { describe, expect, it } from "vitest";
import { decodeCursor, encodeCursor, validCursorValue } from "@/lib/lists/keyset";
import { parseEntityQuery } from "@/lib/entities/read-model-params";
import { entity } from "@/lib/entities/registry";
import { parseHistoryQuery } from "@/lib/history/read-model";
import { escapeLike } from "@/lib/lists/search-params";

const ID = "0b9a4a8e-1f5c-4d2e-9a7b-3c1d2e3f4a5b";
type Raw = Parameters<typeof parseEntityQuery>[1];
const parseInvoiceQuery = (raw: Raw) => parseEntityQuery(entity("invoices"), raw);
const parseContactQuery = (raw: Raw) => parseEntityQuery(entity("contacts"), raw);

describe("list URL parsing", () => {
  it("defaults", () => {
    const q = parseInvoiceQuery({});
    expect(q).toMatchObject({ sort: "date", dir: "desc", size: 50, filters: {}, page: 1, after: null, before: null });
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
    expect(q.filters.status).toBe("PAID"); // first of a repeated parameter
    expect(q.tenant).toBeUndefined();
    expect(q.filters.contact).toBeUndefined();
    expect(q.filters.date).toBeUndefined();
    expect(q.q).toHaveLength(100);
    expect(q.after).toBeNull();
    expect(q.page).toBe(1);
  });

  it("swaps an inverted date range", () => {
    const q = parseInvoiceQuery({ from: "2026-03-01", to: "2026-01-01" });
    expect(q.filters.date).toEqual({ from: "2026-01-01", to: "2026-03-01" });
  });

  it("cursors round-trip and are bound to their sort", () => {
    const c = encodeCursor({ s: "date.desc", k: "2026-01-01", id: ID });
    const date = { cast: "date", nullable: true } as const;
    expect(decodeCursor(c, "date.desc", date)).toEqual({ s: "date.desc", k: "2026-01-01", id: ID });
    expect(decodeCursor(c, "total.asc", date)).toBeNull();
    expect(decodeCursor("bm90IGpzb24", "date.desc", date)).toBeNull();
    expect(decodeCursor(encodeCursor({ s: "date.desc", k: null, id: "x" }), "date.desc", date)).toBeNull();
    expect(decodeCursor(encodeCursor({ s: "date.desc", k: null, id: ID }), "date.desc", date)).not.toBeNull();
    // A column without nulls has no null segment: a null key would otherwise seek past every row.
    expect(decodeCursor(encodeCursor({ s: "started.desc", k: null, id: ID }), "started.desc", { cast: "timestamptz", nullable: false })).toBeNull();
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

  it("hostile cursor values are refused by the sort column's type", () => {
    const bad: [Parameters<typeof validCursorValue>[0], string][] = [
      ["timestamptz", "2026-01-01 99:99:99+00"],
      ["timestamptz", "2026-01-01 24:00:00+00"],
      ["timestamptz", "2026-01-01 12:60:00+00"],
      ["timestamptz", "2026-01-01 12:00:60+00"],
      ["timestamptz", "2026-01-01 12:00:00+99"],
      ["timestamptz", "2026-01-01 12:00:00+05:99"],
      ["timestamptz", "0000-01-01 12:00:00+00"],
      ["timestamptz", "2026-01-01T12:00:00Z"],
      ["date", "0000-01-01"],
      ["date", "2026-13-01"],
      ["date", "2026-01-01 "],
      ["numeric", "NaN"],
      ["numeric", "1".repeat(21)],
      ["numeric", "12."],
      ["text", "a\u0000b"],
      ["text", "\ud800"],
      ["text", "x".repeat(1001)],
    ];
    for (const [cast, k] of bad) expect(validCursorValue(cast, k), `${cast} ${JSON.stringify(k)}`).toBe(false);
    const good: [Parameters<typeof validCursorValue>[0], string][] = [
      ["timestamptz", "2026-01-01 23:59:59.999999+00"],
      ["timestamptz", "2026-01-01 12:00:00+05:30"],
      ["timestamptz", "1890-01-01 12:00:00-00:01:15"],
      ["numeric", "-123456789012345.1234"],
      ["text", "Ünïcødé 🧾 ' or 1=1 --"],
    ];
    for (const [cast, k] of good) expect(validCursorValue(cast, k), `${cast} ${JSON.stringify(k)}`).toBe(true);
    // Each list decodes with its own sort column, so the same payload reaches none of them.
    const hostile = encodeCursor({ s: "started.desc", k: "2026-01-01 99:99:99+00", id: ID });
    expect(parseHistoryQuery({ after: hostile })).toMatchObject({ after: null, before: null, page: 1 });
    const updated = encodeCursor({ s: "updated.desc", k: "2026-01-01 99:99:99+00", id: ID });
    expect(parseInvoiceQuery({ sort: "updated", after: updated }).after).toBeNull();
    expect(parseContactQuery({ sort: "updated", before: updated }).before).toBeNull();
    expect(parseInvoiceQuery({ sort: "total", after: encodeCursor({ s: "total.asc", k: "1; select 1", id: ID }) }).after).toBeNull();
  });

  it("escapes LIKE wildcards", () => {
    expect(escapeLike("50%_off\\")).toBe("50\\%\\_off\\\\");
  });
});

