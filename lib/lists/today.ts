/** Today's calendar date in UTC (YYYY-MM-DD): what "overdue" is measured against. */
export function todayUtc(now = new Date()): string {
  return now.toISOString().slice(0, 10);
}
