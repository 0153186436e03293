/**
 * CSV for the exports (RFC 4180): every field quoted when it needs to be, quotes doubled, CRLF line
 * ends, and a guard against CSV formula injection (OWASP): a text cell starting with = + - @ (or
 * their full-width forms, which some spreadsheets also evaluate), after any leading whitespace, or
 * with a tab / carriage return, is prefixed with an apostrophe so spreadsheet programs show it as
 * text instead of evaluating it. Every string that came from Xero or a person goes through csvText;
 * only decimals and dates we produce ourselves are written as they are (csvValue).
 */

export type CsvValue = string | number | boolean | null | undefined | Date;

const FORMULA_START = /^\s*[=+\-@\uFF1D\uFF0B\uFF0D\uFF20]|^[\t\r]/;

/** One text cell, escaped and defused. */
export function csvText(value: string | null | undefined): string {
  if (value === null || value === undefined) return "";
  const safe = FORMULA_START.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) || safe !== safe.trim() ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/**
 * A value we produced (a decimal or date column, a number, a boolean): written verbatim only when
 * the whole string is a decimal such as "-12.50" or a date "2026-01-31" (anchored at both ends, or
 * "2024-01-01,=HYPERLINK(…)" would pass); anything else is escaped as text.
 */
export function csvValue(value: CsvValue): string {
  if (value === null || value === undefined) return "";
  if (value instanceof Date) return value.toISOString();
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  if (/^-?\d+(\.\d+)?$/.test(value) || /^\d{4}-\d{2}-\d{2}$/.test(value)) return value;
  return csvText(value);
}

export function csvRow(cells: string[]): string {
  return `${cells.join(",")}\r\n`;
}

/**
 * A streamed CSV response from an async source of row batches: each batch is pulled only when the
 * client reads, so memory holds one batch whatever the size of the export.
 */
export function csvResponse(filename: string, header: string[], batches: AsyncIterable<string[][]>): Response {
  const encoder = new TextEncoder();
  const iterator = batches[Symbol.asyncIterator]();
  let sentHeader = false;
  const stream = new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        if (!sentHeader) {
          sentHeader = true;
          // BOM so Excel reads UTF-8 names correctly.
          controller.enqueue(encoder.encode(`\uFEFF${csvRow(header.map(csvText))}`));
          return;
        }
        const { value, done } = await iterator.next();
        if (done) {
          controller.close();
          return;
        }
        controller.enqueue(encoder.encode(value.map(csvRow).join("")));
      } catch (error) {
        console.error("csv export failed", error instanceof Error ? error.message : error);
        controller.error(error);
      }
    },
    async cancel() {
      await iterator.return?.();
    },
  });
  return new Response(stream, {
    headers: {
      "content-type": "text/csv; charset=utf-8",
      "content-disposition": `attachment; filename="${filename.replace(/[^\w.-]/g, "_")}"`,
      "cache-control": "no-store",
      "x-content-type-options": "nosniff",
    },
  });
}
