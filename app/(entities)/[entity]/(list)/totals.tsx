import { getDb } from "@/lib/db";
import type { EntityDefinition } from "@/lib/entities/definition";
import { cachedEntityTotals } from "@/lib/entities/read-model";
import type { EntityQuery } from "@/lib/entities/read-model-params";
import type { Reader } from "@/lib/lists/tenant-scope";
import { Badge } from "@/app/(dashboard)/_components/badges";
import { fieldOf, statusLabel } from "@/app/(dashboard)/_components/entity";
import { formatInt, formatMoney } from "@/app/(dashboard)/_components/format";

/** Totals of the filtered set per currency; streamed in after the table (Suspense) and cached per data version. */
export async function EntityTotals({ reader, def, query }: { reader: Reader; def: EntityDefinition; query: EntityQuery }) {
  const spec = def.view.totals;
  if (!spec) return null;
  const totals = await cachedEntityTotals(await getDb(), reader, def, query);
  if (totals.length === 0) return null;
  const labels: [string, string][] = [...spec.money.map((k): [string, string] => [k, fieldOf(def, k).label]), ...(spec.conditional ?? []).map((c): [string, string] => [c.label, c.label])];
  const noun = def.label.toLowerCase();
  const statusKey = def.deletes.statusKey;
  const statusFiltered = def.view.filters.some((f) => f.kind === "enum" && f.column === statusKey && query.filters[f.key] !== undefined);
  const cancelled = statusKey ? def.deletes.statuses.map((s) => statusLabel(def, statusKey, s).toLowerCase()) : [];
  return (
    <>
      <section aria-label={`Totals of the filtered ${noun}`} className="mb-2 grid gap-3 sm:grid-cols-2 lg:grid-cols-3">
        {totals.slice(0, 3).map((t) => (
          <div key={t.currency} className="rounded-lg border border-slate-200 bg-white p-4 shadow-sm">
            <p className="text-xs font-medium uppercase tracking-wide text-slate-500">
              {t.currency} · {formatInt(t.count)} {noun}
            </p>
            <dl className={`mt-2 grid gap-2 text-sm ${labels.length >= 3 ? "grid-cols-3" : "grid-cols-2"}`}>
              {labels.map(([key, label], i) => (
                <div key={key}>
                  <dt className="text-slate-500">{label}</dt>
                  <dd className={`font-semibold tabular-nums ${i >= spec.money.length && Number(t.sums[key]) > 0 ? "text-red-700" : "text-ink"}`}>{formatMoney(t.sums[key], t.currency)}</dd>
                </div>
              ))}
            </dl>
          </div>
        ))}
      </section>
      <p className="mb-3 text-xs text-slate-500">
        {statusFiltered || cancelled.length === 0
          ? `Totals of the ${noun} shown; records deleted in Xero are left out.`
          : `Totals leave out ${cancelled.join(" and ")} ${noun} and records deleted in Xero; filter by status to include them.`}
        {totals.length > 3 ? (
          <>
            {" "}
            Also in:{" "}
            {totals.slice(3).map((t) => (
              <Badge key={t.currency}>{`${t.currency} ${formatMoney(t.sums[spec.money[0]!], t.currency)}`}</Badge>
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
