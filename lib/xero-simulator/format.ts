/**
 * Xero's wire formats: `/Date(ms+0000)/` for Accounting API timestamps and dates, the
 * offset-less ISO strings of the identity API, and money carried as integer cents internally.
 */

const DAY_MS = 86_400_000;

/** Accounting API timestamp, e.g. `/Date(1573755038314+0000)/` (what Xero sends). */
export function msDate(ms: number): string {
  return `/Date(${ms}+0000)/`;
}

/** A calendar date (days since the Unix epoch) as Xero sends it: midnight UTC in `/Date()/`. */
export function msDay(day: number): string {
  return `/Date(${day * DAY_MS}+0000)/`;
}

/** Calendar date as `YYYY-MM-DDT00:00:00`, Xero's `DateString` / `DueDateString` form. */
const dayStrings = new Map<number, string>();
export function dayString(day: number): string {
  let s = dayStrings.get(day);
  if (s === undefined) {
    s = `${new Date(day * DAY_MS).toISOString().slice(0, 10)}T00:00:00`;
    dayStrings.set(day, s);
  }
  return s;
}

export function dayOf(ms: number): number {
  return Math.floor(ms / DAY_MS);
}

/**
 * The identity API (connections) sends UTC timestamps with seven fractional digits and no
 * zone designator, e.g. `2019-12-07T18:46:19.5165400` (see xero-identity.yaml's example).
 * Consumers must treat them as UTC.
 */
export function identityDate(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 23)}0000`;
}

/** Integer cents to a JSON number with at most 2 decimals (exact: cents/100 prints exactly). */
export function money(cents: number): number {
  return cents / 100;
}

/** Integer cents to a decimal string with exactly 2 decimals ("-12.30"), for /__sim/state. */
export function moneyString(cents: number): string {
  const sign = cents < 0 ? "-" : "";
  const abs = Math.abs(cents);
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, "0")}`;
}

/** Windows-style date Xero puts in WWW-Authenticate / TokenExpired details: `MM/dd/yyyy HH:mm:ss`. */
export function xeroUsDate(ms: number): string {
  const d = new Date(ms);
  const p = (n: number) => String(n).padStart(2, "0");
  return `${p(d.getUTCMonth() + 1)}/${p(d.getUTCDate())}/${d.getUTCFullYear()} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())}`;
}

export { DAY_MS };
