import Link from "next/link";
import { getDb } from "@/lib/db";
import { entityCounts } from "@/lib/entities/read-model";
import { entitySlug } from "@/lib/entities/registry";
import type { Reader } from "@/lib/lists/tenant-scope";
import { entitiesByGroup } from "../_components/entity";
import { formatInt } from "../_components/format";

/**
 * "Your data": every mirrored entity, grouped as an accountant thinks of it (sales, purchases,
 * banking, accounting, lists), with the records held across the user's organisations (records
 * deleted in Xero left out) and a link to each list. Counts are cached per data version.
 */
export async function YourData({ reader }: { reader: Reader }) {
  const counts = new Map((await entityCounts(await getDb(), reader)).map((c) => [c.entity, c.records]));
  return (
    <section aria-labelledby="your-data" className="mt-6">
      <h2 id="your-data" className="mb-3 text-base font-semibold text-ink">
        Your data
      </h2>
      <div className="grid gap-4 sm:grid-cols-2 lg:grid-cols-5">
        {entitiesByGroup().map((g) => (
          <div key={g.group} className="rounded-lg border border-slate-200 bg-white p-4 shadow-sm">
            <h3 className="text-xs font-semibold uppercase tracking-wide text-slate-500">{g.label}</h3>
            <ul className="mt-2 space-y-1 text-sm">
              {g.entities.map((e) => (
                <li key={e.name} className="flex items-baseline justify-between gap-2">
                  <Link href={`/${entitySlug(e)}`} className="text-brand-700 hover:underline">
                    {e.label}
                  </Link>
                  <span className="tabular-nums text-slate-600">{formatInt(counts.get(e.name) ?? 0)}</span>
                </li>
              ))}
            </ul>
          </div>
        ))}
      </div>
    </section>
  );
}
