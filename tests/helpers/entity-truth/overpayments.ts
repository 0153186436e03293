/** Overpayments and their allocations: the mirror against the simulator's truth (GET /__sim/state?entity=overpayments). */
import { eq } from "drizzle-orm";
import type { Db } from "@/lib/db";
import { overpayments } from "@/lib/db/schema";
import type { SimEndpoint } from "../sim-control";
import { allocationsBySource, byId, money2, rateNumber, simState, type AllocationView } from "./allocations";

export interface OverpaymentView {
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

export async function overpaymentsTruth(db: Db, sim: SimEndpoint, tenant: { id: string; xeroTenantId: string }): Promise<{ want: OverpaymentView[]; got: OverpaymentView[] }> {
  const [state, rows, allocs] = await Promise.all([
    simState<OverpaymentView>(sim, tenant.xeroTenantId, "overpayments"),
    db.select().from(overpayments).where(eq(overpayments.tenantId, tenant.id)),
    allocationsBySource(db, tenant.id, "overpayments"),
  ]);
  return {
    want: [...state].sort(byId),
    got: rows
      .map((r) => ({
        id: r.overpaymentId,
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
        allocations: allocs.get(r.overpaymentId) ?? [],
        updatedDateUtc: r.xeroUpdatedAt.toISOString(),
      }))
      .sort(byId),
  };
}
