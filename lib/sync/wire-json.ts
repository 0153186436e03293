/**
 * Splits Xero's list answer (`{"Id":…, "DateTimeUTC":…, "Invoices":[{…}, {…}]}`) into the JSON
 * text of each record, without turning the whole page into objects first.
 *
 * Why: JSON.parse of a 1,000-invoice page (1.8 MB) builds ~10 MB of objects that all stay alive
 * while the page is mapped; V8's young generation cannot hold that, so most of it was promoted to
 * the old generation (12 MB a page, measured with --trace-gc-nvp) and peak memory followed the
 * length of the sync. Record by record, each record's objects die young, and the record's text is
 * what the `raw` column stores (no JSON.stringify again). The scanner reads the response's bytes
 * (a Buffer, outside V8's heap) and decodes one record at a time, so no 2 MB string of the whole
 * page is made either (such strings live in the old generation until a full GC). UTF-8 never uses
 * bytes below 0x80 inside a multi-byte character, so the structural bytes are found safely.
 *
 * Strictness: the scanner checks the envelope's structure (braces, brackets, commas, colons, the
 * end of the text) and JSON-parses every value that is not a record; each record must start with
 * `{` and is JSON-parsed by the caller before use. So a body cut short anywhere, an HTML page or a
 * missing list is an error here, never a shorter page.
 */

export class MalformedJsonError extends Error {
  override readonly name = "MalformedJsonError";
}

export interface ScannedEnvelope {
  /** The JSON text of each element of the list, in order (each starts with `{` and ends with its `}`). */
  records: string[];
  /** The other top-level members, parsed (Id, Status, DateTimeUTC, pagination, …). */
  members: Record<string, unknown>;
}

const QUOTE = 34;
const BACKSLASH = 92;

function fail(what: string, at: number): never {
  throw new MalformedJsonError(`${what} at offset ${at}`);
}

function skipWs(t: Uint8Array, i: number): number {
  for (;;) {
    const c = t[i];
    if (c === 32 || c === 10 || c === 13 || c === 9) i++;
    else return i;
  }
}

/** `t[i]` is a quote; returns the index after the closing quote. */
function skipString(t: Buffer, i: number): number {
  let from = i + 1;
  for (;;) {
    const q = t.indexOf(QUOTE, from);
    if (q < 0) fail("unterminated string", i);
    let backslashes = 0;
    for (let b = q - 1; b > i && t[b] === BACKSLASH; b--) backslashes++;
    if (backslashes % 2 === 0) return q + 1;
    from = q + 1;
  }
}

/** `t[i]` is `{` or `[`; returns the index after the matching close. */
function skipComposite(t: Buffer, i: number): number {
  let depth = 0;
  const n = t.length;
  while (i < n) {
    const c = t[i];
    if (c === QUOTE) {
      i = skipString(t, i);
      continue;
    }
    if (c === 123 || c === 91) depth++;
    else if (c === 125 || c === 93) {
      if (--depth === 0) return i + 1;
    }
    i++;
  }
  return fail("unterminated object or array", n);
}

/** Any JSON value starting at `i` (after whitespace); returns the index after it. */
function skipValue(t: Buffer, i: number): number {
  const c = t[i];
  if (c === QUOTE) return skipString(t, i);
  if (c === 123 || c === 91) return skipComposite(t, i);
  let j = i;
  for (;;) {
    const d = t[j];
    // A number, true, false or null ends at a delimiter or at the end of the text.
    if (d === undefined || d === 44 || d === 125 || d === 93 || d === 32 || d === 10 || d === 13 || d === 9) break;
    j++;
  }
  if (j === i) fail("value expected", i);
  return j;
}

function parseSlice(t: Buffer, start: number, end: number): unknown {
  try {
    return JSON.parse(t.toString("utf8", start, end));
  } catch {
    return fail("invalid JSON value", start);
  }
}

/**
 * The records of the top-level member `listKey` as JSON texts, and the other members parsed.
 * `body` is the response's bytes (UTF-8); a string is accepted too (tests).
 */
export function scanEnvelope(body: Buffer | string, listKey: string): ScannedEnvelope {
  const t = typeof body === "string" ? Buffer.from(body, "utf8") : body;
  // A UTF-8 byte-order mark (axios drops it when it decodes text itself).
  let i = skipWs(t, t[0] === 0xef && t[1] === 0xbb && t[2] === 0xbf ? 3 : 0);
  if (t[i] !== 123) fail("an object expected", i);
  i = skipWs(t, i + 1);
  let records: string[] | undefined;
  const members: Record<string, unknown> = Object.create(null) as Record<string, unknown>; // "__proto__" is just a name
  if (t[i] === 125) i++;
  else {
    for (;;) {
      if (t[i] !== QUOTE) fail("a member name expected", i);
      const keyEnd = skipString(t, i);
      const key = parseSlice(t, i, keyEnd) as string;
      i = skipWs(t, keyEnd);
      if (t[i] !== 58) fail("':' expected", i);
      i = skipWs(t, i + 1);
      if (key === listKey) {
        if (t[i] !== 91) fail(`${listKey} is not a list`, i);
        records = [];
        i = skipWs(t, i + 1);
        if (t[i] === 93) i++;
        else {
          for (;;) {
            if (t[i] !== 123) fail(`${listKey} holds something other than objects`, i);
            const end = skipComposite(t, i);
            records.push(t.toString("utf8", i, end));
            i = skipWs(t, end);
            const c = t[i];
            if (c === 44) i = skipWs(t, i + 1);
            else if (c === 93) {
              i++;
              break;
            } else fail("',' or ']' expected", i);
          }
        }
      } else {
        const end = skipValue(t, i);
        members[key] = parseSlice(t, i, end);
        i = end;
      }
      i = skipWs(t, i);
      const c = t[i];
      if (c === 44) i = skipWs(t, i + 1);
      else if (c === 125) {
        i++;
        break;
      } else fail("',' or '}' expected", i);
    }
  }
  if (skipWs(t, i) !== t.length) fail("text after the end", i);
  if (!records) fail(`no ${listKey} list`, 0);
  return { records, members };
}
