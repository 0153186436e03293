import type { AgingSeries, MonthlySeries } from "@/lib/overview/read-model";
import { formatCompact, formatMoney, formatMonth } from "../_components/format";

/**
 * The overview's two charts, drawn on the server as plain SVG / CSS bars (no chart library, no
 * client JavaScript). Each has a screen-reader table with the exact figures.
 */

const AGE_COLORS = ["bg-brand-500", "bg-amber-400", "bg-orange-500", "bg-red-500", "bg-red-700"];

export function AgingChart({ series }: { series: AgingSeries }) {
  const max = Math.max(...series.buckets.map((b) => Number(b.amount)), 0);
  const total = series.buckets.reduce((s, b) => s + Number(b.amount), 0);
  return (
    <figure>
      <figcaption className="sr-only">Receivables by days overdue, {series.currency}</figcaption>
      <ul className="space-y-2.5" aria-hidden="true">
        {series.buckets.map((b, i) => {
          const pct = max > 0 ? (Number(b.amount) / max) * 100 : 0;
          return (
            <li key={b.bucket} className="grid grid-cols-[5.5rem_1fr_auto] items-center gap-3 text-sm">
              <span className="text-slate-600">{b.bucket === "current" ? "Not yet due" : `${b.bucket} days`}</span>
              <span className="h-5 rounded bg-slate-100">
                <span className={`block h-5 rounded ${AGE_COLORS[i]}`} style={{ width: `${Math.max(pct, Number(b.amount) > 0 ? 1.5 : 0)}%` }} />
              </span>
              <span className="w-24 text-right tabular-nums text-ink">{formatMoney(b.amount, series.currency)}</span>
            </li>
          );
        })}
      </ul>
      <p className="mt-3 text-xs text-slate-500" aria-hidden="true">
        {series.buckets.reduce((s, b) => s + b.count, 0).toLocaleString("en-NZ")} unpaid sales invoices ·{" "}
        {total > 0 ? `${Math.round(((total - Number(series.buckets[0]!.amount)) / total) * 100)}% overdue` : "nothing owed"}
      </p>
      <table className="sr-only">
        <caption>Receivables by age, {series.currency}</caption>
        <thead>
          <tr>
            <th scope="col">Days overdue</th>
            <th scope="col">Amount</th>
            <th scope="col">Invoices</th>
          </tr>
        </thead>
        <tbody>
          {series.buckets.map((b) => (
            <tr key={b.bucket}>
              <th scope="row">{b.bucket}</th>
              <td>{formatMoney(b.amount, series.currency)}</td>
              <td>{b.count}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </figure>
  );
}

export function MonthlyChart({ series }: { series: MonthlySeries }) {
  const W = 640;
  const H = 220;
  const pad = { l: 44, r: 8, t: 10, b: 26 };
  const max = Math.max(...series.months.flatMap((m) => [Number(m.invoiced), Number(m.paid)]), 0);
  const top = niceCeil(max);
  const plotW = W - pad.l - pad.r;
  const plotH = H - pad.t - pad.b;
  const slot = plotW / series.months.length;
  const barW = Math.min(14, (slot - 6) / 2);
  const y = (v: number) => pad.t + plotH - (top > 0 ? (v / top) * plotH : 0);
  const ticks = [0, 0.25, 0.5, 0.75, 1].map((f) => f * top);
  return (
    <figure>
      <figcaption className="sr-only">Sales invoiced and paid per month, {series.currency}</figcaption>
      <div className="mb-2 flex gap-4 text-xs text-slate-600" aria-hidden="true">
        <span className="flex items-center gap-1.5">
          <span className="h-2.5 w-2.5 rounded-sm bg-brand-600" /> Invoiced
        </span>
        <span className="flex items-center gap-1.5">
          <span className="h-2.5 w-2.5 rounded-sm bg-emerald-600" /> Paid
        </span>
      </div>
      <svg viewBox={`0 0 ${W} ${H}`} className="h-auto w-full" role="img" aria-label={`Invoiced and paid per month in ${series.currency}; the table below has the figures`}>
        {ticks.map((t) => (
          <g key={t}>
            <line x1={pad.l} x2={W - pad.r} y1={y(t)} y2={y(t)} stroke="#e2e8f0" strokeWidth={1} />
            <text x={pad.l - 6} y={y(t) + 4} textAnchor="end" fontSize={10} fill="#64748b">
              {formatCompact(t)}
            </text>
          </g>
        ))}
        {series.months.map((m, i) => {
          const x = pad.l + i * slot + (slot - barW * 2 - 2) / 2;
          const inv = Number(m.invoiced);
          const paid = Number(m.paid);
          return (
            <g key={m.month}>
              <rect x={x} y={y(inv)} width={barW} height={Math.max(0, pad.t + plotH - y(inv))} rx={2} fill="#0e92be">
                <title>{`${formatMonth(m.month)} invoiced ${formatMoney(m.invoiced, series.currency)}`}</title>
              </rect>
              <rect x={x + barW + 2} y={y(paid)} width={barW} height={Math.max(0, pad.t + plotH - y(paid))} rx={2} fill="#059669">
                <title>{`${formatMonth(m.month)} paid ${formatMoney(m.paid, series.currency)}`}</title>
              </rect>
              <text x={pad.l + i * slot + slot / 2} y={H - 8} textAnchor="middle" fontSize={10} fill="#475569">
                {formatMonth(m.month).slice(0, 3)}
              </text>
            </g>
          );
        })}
      </svg>
      <table className="sr-only">
        <caption>Invoiced and paid per month, {series.currency}</caption>
        <thead>
          <tr>
            <th scope="col">Month</th>
            <th scope="col">Invoiced</th>
            <th scope="col">Paid</th>
          </tr>
        </thead>
        <tbody>
          {series.months.map((m) => (
            <tr key={m.month}>
              <th scope="row">{formatMonth(m.month)}</th>
              <td>{formatMoney(m.invoiced, series.currency)}</td>
              <td>{formatMoney(m.paid, series.currency)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </figure>
  );
}

/** A round axis maximum: 1, 2, 2.5, 5 × 10^n at or above v. */
export function niceCeil(v: number): number {
  if (v <= 0) return 1;
  const p = 10 ** Math.floor(Math.log10(v));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * p >= v) return m * p;
  return 10 * p;
}
