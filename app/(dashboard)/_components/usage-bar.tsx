import type { Meter } from "@/lib/usage/read-model";

/** A used-of-limit bar (amber from the 80 % warning, red at the limit), labelled for screen readers. */
export function UsageBar({ meter, label }: { meter: Meter; label: string }) {
  if (meter.ratio === null) return null;
  const width = Math.min(100, Math.round(meter.ratio * 100));
  const color = meter.ratio >= 1 ? "bg-red-600" : meter.warning ? "bg-amber-500" : "bg-brand-600";
  return (
    <div role="meter" aria-label={label} aria-valuemin={0} aria-valuemax={meter.limit ?? 0} aria-valuenow={meter.used} className="mt-1 h-2 w-full overflow-hidden rounded-full bg-slate-100">
      <div className={`h-full ${color}`} style={{ width: `${width}%` }} />
    </div>
  );
}
