/** Tax rates: the mirror of one organisation against the simulator's truth (see accounts.ts). */
import { eq } from "drizzle-orm";
import type { Db } from "@/lib/db";
import { taxRates } from "@/lib/db/schema";
import { simControl, type SimEndpoint } from "../sim-control";

export interface TaxRateView {
  taxType: string;
  name: string;
  status: string;
  reportTaxType: string | null;
  effectiveRate: string | null;
  components: { name: string; rate: string }[];
}

/** A numeric as the shortest decimal ("20.0000000000" → "20", "4.8750000000" → "4.875"). */
const short = (v: string | null) => (v === null ? null : v.includes(".") ? v.replace(/0+$/, "").replace(/\.$/, "") : v);
const byType = (a: TaxRateView, b: TaxRateView) => a.taxType.localeCompare(b.taxType);

export async function taxRateViews(db: Db, sim: SimEndpoint, tenant: { id: string; xeroTenantId: string }) {
  const [live, rows] = await Promise.all([
    simControl<(TaxRateView & { changedUtc: string })[]>(sim, "GET", `/__sim/state?tenantId=${encodeURIComponent(tenant.xeroTenantId)}&entity=taxRates`),
    db.select().from(taxRates).where(eq(taxRates.tenantId, tenant.id)),
  ]);
  return {
    want: live.map(({ changedUtc: _c, ...r }) => r).sort(byType),
    got: rows
      .filter((r) => r.deletedInXeroAt === null)
      .map((r) => ({
        taxType: r.taxType,
        name: r.name,
        status: r.status,
        reportTaxType: r.reportTaxType,
        effectiveRate: short(r.effectiveRate),
        // What the row keeps in raw: the components exactly as Xero sent them.
        components: ((r.raw as { TaxComponents?: { Name: string; Rate: number }[] }).TaxComponents ?? []).map((c) => ({ name: c.Name, rate: String(c.Rate) })),
      }))
      .sort(byType),
    flagged: rows.filter((r) => r.deletedInXeroAt !== null).map((r) => r.taxType),
  };
}
