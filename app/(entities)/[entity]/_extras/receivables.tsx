import type { Receivable } from "@/lib/entities/read-model-extras";
import { formatMoney } from "@/app/(dashboard)/_components/format";

/** Receivables per currency, one line each (amounts in different currencies are never added). */
export function ReceivableCell({ list, kind }: { list: Receivable[]; kind: "outstanding" | "overdue" }) {
  const nonZero = list.filter((r) => Number(r[kind]) !== 0);
  if (nonZero.length === 0) return <span className="text-slate-400">—</span>;
  return (
    <span className={kind === "overdue" ? "font-semibold text-red-700" : ""}>
      {nonZero.map((r) => (
        <span key={r.currency} className="block">
          {formatMoney(r[kind], r.currency)}
        </span>
      ))}
    </span>
  );
}

