/**
 * Staggered schedules: each organisation syncs every interval at its own offset within it, taken
 * from a hash of its id, so hundreds of organisations spread evenly over the interval instead of
 * all starting at once (Xero's app-wide minute limit is shared by all of them). The offset is the
 * same on every machine and after every restart: no coordination needed to agree on it.
 */

/** FNV-1a over the id: stable, fast, evenly spread for uuids. */
function hash32(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** The tenant's offset within the interval, in ms (0 ≤ offset < intervalMs). */
export function staggerOffsetMs(tenantId: string, intervalMs: number): number {
  if (intervalMs <= 0) return 0;
  return Math.floor((hash32(tenantId) / 2 ** 32) * intervalMs);
}

/** The tenant's first slot strictly after `after`: a whole number of intervals past its offset. */
export function nextScheduledRun(tenantId: string, after: Date, intervalMs: number): Date {
  if (intervalMs <= 0) throw new Error("nextScheduledRun needs a positive interval");
  const offset = staggerOffsetMs(tenantId, intervalMs);
  const k = Math.floor((after.getTime() - offset) / intervalMs) + 1;
  return new Date(k * intervalMs + offset);
}
