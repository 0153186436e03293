import { describe, expect, it } from "vitest";
import { csvResponse, csvRow, csvText, csvValue } from "@/lib/lists/csv";

describe("CSV escaping", () => {
  it("quotes fields with commas, quotes and line breaks (RFC 4180)", () => {
    expect(csvText("plain")).toBe("plain");
    expect(csvText("a,b")).toBe('"a,b"');
    expect(csvText('say "hi"')).toBe('"say ""hi"""');
    expect(csvText("two\nlines")).toBe('"two\nlines"');
    expect(csvText(" padded ")).toBe('" padded "');
    expect(csvText(null)).toBe("");
  });

  it("defuses formula injection in text cells", () => {
    for (const evil of ["=HYPERLINK(\"http://x\")", "+1+1", "-2+3", "@SUM(A1)", "\tcmd", "\rcmd"]) {
      const cell = csvText(evil);
      const unquoted = cell.startsWith('"') ? cell.slice(1, -1).replace(/""/g, '"') : cell;
      expect(unquoted.startsWith("'")).toBe(true);
    }
    expect(csvText("=1,2")).toBe("\"'=1,2\"");
  });

  it("keeps numbers and dates we produce as data", () => {
    expect(csvValue("-12.5000")).toBe("-12.5000");
    expect(csvValue("2026-01-31")).toBe("2026-01-31");
    expect(csvValue(new Date("2026-01-31T10:00:00Z"))).toBe("2026-01-31T10:00:00.000Z");
    expect(csvValue("-cmd")).toBe("'-cmd");
    expect(csvRow(["a", "b"])).toBe("a,b\r\n");
  });

  it("defuses every formula payload a Xero string can carry", () => {
    const unquote = (cell: string) => (cell.startsWith('"') ? cell.slice(1, -1).replace(/""/g, '"') : cell);
    const evil = [
      "=1+1", "+1+1", "-1+1", "@SUM(A1)", "\t=1+1", "\r=1+1", "\tplain", "\rplain",
      " =1+1", "  +1", "\u00a0=1+1", "\u3000@SUM(A1)", "\n=1+1", "\uFF1D1+1", "\uFF0B1", "\uFF0D1", "\uFF20SUM(A1)",
      "-12.50", "-1",
    ];
    for (const value of evil) expect(unquote(csvText(value)), JSON.stringify(value)).toBe(`'${value}`);
    // Text that only looks odd is left alone.
    for (const plain of [" padded ", "INV-0001", "2024-01-01", "a=b", "O'Brien"]) expect(unquote(csvText(plain))).toBe(plain);
  });

  it("writes only whole decimals and dates verbatim; anything else in a value column is escaped", () => {
    // Our own numbers: decimal columns and dates are data, negative or not.
    for (const ours of ["-12.5000", "0", "1234567.89", "2026-01-31"]) expect(csvValue(ours)).toBe(ours);
    expect(csvValue(-3)).toBe("-3");
    // A date prefix no longer lets the rest of the cell through raw (nor its comma split the row).
    expect(csvValue("2024-01-01,=HYPERLINK(\"http://x\")")).toBe("\"2024-01-01,=HYPERLINK(\"\"http://x\"\")\"");
    expect(csvValue("2024-01-01\r\n=1+1")).toBe("\"2024-01-01\r\n=1+1\"");
    expect(csvValue("-12.50 ")).toBe("\"'-12.50 \"");
    expect(csvValue("-1+1")).toBe("'-1+1");
    expect(csvValue("@1")).toBe("'@1");
    expect(csvValue(" =1")).toBe("' =1");
  });

  it("streams batches lazily with a BOM and header", async () => {
    let pulled = 0;
    async function* batches() {
      for (let i = 0; i < 3; i++) {
        pulled++;
        yield [[String(i), csvText(`row ${i}`)]];
      }
    }
    const res = csvResponse("x y.csv", ["n", "name"], batches());
    expect(res.headers.get("content-type")).toContain("text/csv");
    expect(res.headers.get("content-disposition")).toBe('attachment; filename="x_y.csv"');
    expect(pulled).toBe(0); // nothing fetched before the client reads
    const text = new TextDecoder("utf-8", { ignoreBOM: true }).decode(await res.arrayBuffer());
    expect(text).toBe("\uFEFFn,name\r\n0,row 0\r\n1,row 1\r\n2,row 2\r\n");
  });
});
