import { getDb } from "@/lib/db";
import type { InvoiceQuery } from "@/lib/invoices/read-model";
import { cachedInvoiceTotals } from "@/lib/invoices/cached-totals";
import { Badge } from "../../_components/badges";
import { formatInt, formatMoney } from "../../_components/format";

/** Totals of the filtered set per currency; streamed in after the table (Suspense) and cached per data version. */
export async function InvoiceTotals({ userId, query }: { userId: string; query: InvoiceQuery }) {
  const totals = await cachedInvoiceTotals(await getDb(), userId, query);
  if (totals.length === 0) return null;
  return (
    <>
      <section aria-label="Totals of the filtered invoices" className="mb-2 grid gap-3 sm:grid-cols-2 lg:grid-cols-3">
        {totals.slice(0, 3).map((t) => (
          <div key={t.currency} className="rounded-lg border border-slate-200 bg-white p-4 shadow-sm">
            <p className="text-xs font-medium uppercase tracking-wide text-slate-500">
              {t.currency} · {formatInt(t.count)} invoices
            </p>
            <dl className="mt-2 grid grid-cols-3 gap-2 text-sm">
              <div>
                <dt className="text-slate-500">Total</dt>
                <dd className="font-semibold tabular-nums text-ink">{formatMoney(t.total, t.currency)}</dd>
              </div>
              <div>
                <dt className="text-slate-500">Due</dt>
                <dd className="font-semibold tabular-nums text-ink">{formatMoney(t.amountDue, t.currency)}</dd>
              </div>
              <div>
                <dt className="text-slate-500">Overdue</dt>
                <dd className={`font-semibold tabular-nums ${Number(t.overdue) > 0 ? "text-red-700" : "text-ink"}`}>{formatMoney(t.overdue, t.currency)}</dd>
              </div>
            </dl>
          </div>
        ))}
      </section>
      <p className="mb-3 text-xs text-slate-500">
        {query.status ? "Totals of the invoices shown." : "Totals leave out voided and deleted invoices; filter by status to include them."}
        {totals.length > 3 ? (
          <>
            {" "}
            Also in:{" "}
            {totals.slice(3).map((t) => (
              <Badge key={t.currency}>{`${t.currency} ${formatMoney(t.total, t.currency)}`}</Badge>
            ))}
          </>
        ) : null}
      </p>
    </>
  );
}

export function TotalsSkeleton() {
  return (
    <div aria-hidden="true" className="mb-5 grid animate-pulse gap-3 sm:grid-cols-2 lg:grid-cols-3">
      <div className="h-[5.25rem] rounded-lg border border-slate-200 bg-white" />
    </div>
  );
}
