/**
 * Exact conversions from Xero's wire JSON to what the database stores. Pure, no I/O.
 *
 * - Money: JSON.parse turns Xero's JSON numbers into JS numbers. Xero sends at most 4 decimals
 *   (2 for totals, 4 for unit amounts with unitdp=4), and `String(n)` prints the shortest decimal
 *   that round-trips, which for such values is exactly the literal Xero sent ("123.45", not
 *   "123.4500000001"). We never add or multiply floats; totals are Xero's own.
 * - Date-only fields (Date, DueDate, FullyPaidOnDate): Xero sends `/Date(1518652800000+0000)/`
 *   at midnight UTC of the organisation's calendar date (xero-node's models would turn that into a
 *   JS Date at 00:00Z). Take the UTC calendar date ("YYYY-MM-DD"); never local time.
 * - UpdatedDateUTC: a real instant (milliseconds), stored as timestamptz.
 *
 * A value that does not convert throws a TypeError saying what it is not, never what it is (record
 * values are customer data); the mappers add the record and the field (XeroRecordError).
 */

import { XeroRecordError } from "@/lib/sync/errors";

/**
 * A converter for one record's fields: `field("Total", toDecimalString, wire.Total)`; a failure
 * becomes a XeroRecordError naming the record and the field (not the value).
 */
export function fieldsOf(what: string, id: unknown) {
  return <T>(field: string, convert: (value: unknown) => T, value: unknown): T => {
    try {
      return convert(value);
    } catch (error) {
      throw new XeroRecordError(what, id, field, error instanceof TypeError ? error.message : "cannot be read");
    }
  };
}

/** A JS number (or numeric string) from Xero's JSON as an exact decimal string; null when absent. */
export function toDecimalString(value: unknown): string | null {
  if (value === null || value === undefined || value === "") return null;
  if (typeof value === "string") {
    const s = value.trim();
    if (!/^-?\d+(\.\d+)?$/.test(s)) throw new TypeError("is not a decimal number");
    return s;
  }
  if (typeof value !== "number" || !Number.isFinite(value)) throw new TypeError("is not a finite number");
  const s = String(value);
  if (!/e/i.test(s)) return s === "-0" ? "0" : s;
  // Exponent notation only for |n| < 1e-6 or >= 1e21: neither fits numeric(19,4) meaningfully,
  // but stay exact-ish rather than crash: 1e-7 → "0.0000001".
  return Math.abs(value) < 1 ? value.toFixed(20).replace(/0+$/, "").replace(/\.$/, "") : BigInt(Math.round(value)).toString();
}

const MS_DATE = /^\/Date\((-?\d+)([+-]\d{4})?\)\/$/;

/** A date-only field as 'YYYY-MM-DD' (the UTC calendar day), or null. Accepts Date, /Date()/, ISO. */
export function toDateOnly(value: unknown): string | null {
  if (value === null || value === undefined || value === "") return null;
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) return null;
    return value.toISOString().slice(0, 10);
  }
  if (typeof value === "string") {
    const ms = MS_DATE.exec(value);
    const d = ms ? new Date(Number(ms[1])) : null;
    if (d && !Number.isNaN(d.getTime())) return d.toISOString().slice(0, 10);
    // A calendar date that exists (the database would reject 2024-02-30 quoting it).
    const day = /^\d{4}-\d{2}-\d{2}/.exec(value)?.[0];
    const midnight = day ? new Date(`${day}T00:00:00Z`) : null;
    if (day && midnight && !Number.isNaN(midnight.getTime()) && midnight.toISOString().startsWith(day)) return day;
  }
  throw new TypeError("is not a date");
}

/** An instant (UpdatedDateUTC) as a Date. Accepts Date, /Date(ms+0000)/ and ISO strings. */
export function toInstant(value: unknown): Date | null {
  if (value === null || value === undefined || value === "") return null;
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value;
  if (typeof value === "string") {
    const ms = MS_DATE.exec(value);
    const d = ms ? new Date(Number(ms[1])) : null;
    if (d && !Number.isNaN(d.getTime())) return d;
    // Xero's ISO forms carry no zone designator but are UTC.
    const iso = /[zZ]|[+-]\d{2}:?\d{2}$/.test(value) ? value : `${value}Z`;
    const parsed = ms ? null : new Date(iso);
    if (parsed && !Number.isNaN(parsed.getTime())) return parsed;
  }
  throw new TypeError("is not a timestamp");
}

/** Whole seconds since the epoch: If-Modified-Since is compared at this precision (inclusive). */
export function epochSecond(d: Date): number {
  return Math.floor(d.getTime() / 1000);
}

/** A text field: null when absent or empty. */
export const str = (v: unknown): string | null => (v === undefined || v === null || v === "" ? null : String(v));

/** The record's id field, which every row needs: a XeroRecordError when absent. */
export function recordId(what: string, wire: Record<string, unknown>, field: string): string {
  const id = wire[field];
  if (typeof id !== "string" || !id) throw new XeroRecordError(what, undefined, field, "is missing or not a string");
  return id;
}

/** The record's UpdatedDateUTC (or another instant that orders it), which the walk needs. */
export function recordUpdated(what: string, id: string, wire: Record<string, unknown>, field = "UpdatedDateUTC"): Date {
  const updated = fieldsOf(what, id)(field, toInstant, wire[field]);
  if (!updated) throw new XeroRecordError(what, id, field, "is missing");
  return updated;
}
