import { formatUtc, relativeTime } from "./format";

/** A relative time ("5 minutes ago") with the exact UTC instant on hover and in the markup. */
export function RelativeTime({ date, now, empty = "never" }: { date: Date | null | undefined; now?: Date; empty?: string }) {
  if (!date) return <span className="text-slate-500">{empty}</span>;
  return (
    <time dateTime={date.toISOString()} title={formatUtc(date)} className="cursor-help underline decoration-slate-300 decoration-dotted underline-offset-2">
      {relativeTime(date, now)}
    </time>
  );
}
