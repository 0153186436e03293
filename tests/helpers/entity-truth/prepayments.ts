/** Prepayments and their allocations: the mirror against the simulator's truth (GET /__sim/state?entity=prepayments). */
import { eq } from "drizzle-orm";
import type { Db } from "@/lib/db";
import { prepayments } from "@/lib/db/schema";
import type { SimEndpoint } from "../sim-control";
import { allocationsBySource, byId, money2, rateNumber, simState, type AllocationView } from "./allocations";

export interface PrepaymentView {
  id: string;
  type: string;
  status: string;
  contactId: string | null;
  currency: string | null;
  currencyRate: number | null;
  lineAmountTypes: string | null;
  date: string | null;
  subTotal: string | null;
  totalTax: string | null;
  total: string | null;
  remainingCredit: string | null;
  allocations: AllocationView[];
  updatedDateUtc: string;
}

export async function prepaymentsTruth(db: Db, sim: SimEndpoint, tenant: { id: string; xeroTenantId: string }): Promise<{ want: PrepaymentView[]; got: PrepaymentView[] }> {
  const [state, rows, allocs] = await Promise.all([
    simState<PrepaymentView>(sim, tenant.xeroTenantId, "prepayments"),
    db.select().from(prepayments).where(eq(prepayments.tenantId, tenant.id)),
    allocationsBySource(db, tenant.id, "prepayments"),
  ]);
  return {
    want: [...state].sort(byId),
    got: rows
      .map((r) => ({
        id: r.prepaymentId,
        type: r.type,
        status: r.status,
        contactId: r.contactId,
        currency: r.currencyCode,
        currencyRate: rateNumber(r.currencyRate),
        lineAmountTypes: r.lineAmountTypes,
        date: r.date,
        subTotal: money2(r.subTotal),
        totalTax: money2(r.totalTax),
        total: money2(r.total),
        remainingCredit: money2(r.remainingCredit),
        allocations: allocs.get(r.prepaymentId) ?? [],
        updatedDateUtc: r.xeroUpdatedAt.toISOString(),
      }))
      .sort(byId),
  };
}
