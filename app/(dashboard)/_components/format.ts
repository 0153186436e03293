/**
 * Formatting for the dashboard. Money arrives as decimal strings from PostgreSQL `numeric` and is
 * formatted from the string (Intl.NumberFormat accepts decimal strings exactly), never summed as
 * floats here. Times are shown in UTC with the exact instant on hover.
 */

const moneyFormats = new Map<string, Intl.NumberFormat>();

export function formatMoney(amount: string | null | undefined, currency?: string | null): string {
  if (amount === null || amount === undefined || amount === "") return "—";
  const code = currency && /^[A-Z]{3}$/.test(currency) ? currency : "";
  const key = code || "_";
  let f = moneyFormats.get(key);
  if (!f) {
    f = code
      ? new Intl.NumberFormat("en-NZ", { style: "currency", currency: code, currencyDisplay: "narrowSymbol", minimumFractionDigits: 2, maximumFractionDigits: 2 })
      : new Intl.NumberFormat("en-NZ", { minimumFractionDigits: 2, maximumFractionDigits: 2 });
    moneyFormats.set(key, f);
  }
  // Intl accepts a decimal string and formats it exactly (no float rounding of large amounts).
  return f.format(amount as unknown as number);
}

/** Compact money for chart labels: 12.3k, 1.2M. */
export function formatCompact(amount: string | number): string {
  return new Intl.NumberFormat("en-NZ", { notation: "compact", maximumFractionDigits: 1 }).format(Number(amount));
}

export function formatInt(n: number): string {
  return new Intl.NumberFormat("en-NZ").format(n);
}

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/** A calendar date (YYYY-MM-DD, org-local in Xero) as "5 Mar 2026"; never shifted by time zones. */
export function formatDate(d: string | null | undefined): string {
  if (!d) return "—";
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(d);
  if (!m) return d;
  return `${Number(m[3])} ${MONTHS[Number(m[2]) - 1]} ${m[1]}`;
}

export function formatMonth(ym: string): string {
  const m = /^(\d{4})-(\d{2})$/.exec(ym);
  return m ? `${MONTHS[Number(m[2]) - 1]} ${m[1]!.slice(2)}` : ym;
}

/** "2026-06-15 12:00:03 UTC" */
export function formatUtc(d: Date): string {
  return `${d.toISOString().slice(0, 19).replace("T", " ")} UTC`;
}

/** "3 minutes ago", "in 12 minutes", "just now". */
export function relativeTime(d: Date, now = new Date()): string {
  const diff = d.getTime() - now.getTime();
  const abs = Math.abs(diff);
  if (abs < 45_000) return diff < 0 ? "just now" : "in a moment";
  const units: [number, Intl.RelativeTimeFormatUnit][] = [
    [60_000, "minute"],
    [3_600_000, "hour"],
    [86_400_000, "day"],
    [30 * 86_400_000, "month"],
    [365 * 86_400_000, "year"],
  ];
  let unit: Intl.RelativeTimeFormatUnit = "minute";
  let size = 60_000;
  for (const [ms, u] of units) if (abs >= ms) [size, unit] = [ms, u];
  return new Intl.RelativeTimeFormat("en", { numeric: "auto" }).format(Math.round(diff / size), unit);
}

export function formatDuration(ms: number): string {
  if (ms < 1000) return `${ms} ms`;
  const s = ms / 1000;
  if (s < 60) return `${s.toFixed(s < 10 ? 1 : 0)} s`;
  const m = Math.floor(s / 60);
  return `${m} min ${Math.round(s - m * 60)} s`;
}

/** Bytes as a person reads them (1,024-based, as Xero's GB allowances). */
export function formatBytes(n: number): string {
  const units = ["bytes", "KB", "MB", "GB", "TB"];
  let v = n;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return u === 0 ? `${formatInt(n)} bytes` : `${v.toLocaleString("en-NZ", { maximumFractionDigits: v < 10 ? 1 : 0 })} ${units[u]}`;
}
