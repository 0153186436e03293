/** Credit notes and their allocations: the mirror against the simulator's truth (GET /__sim/state?entity=creditNotes). */
import { eq } from "drizzle-orm";
import type { Db } from "@/lib/db";
import { creditNotes } from "@/lib/db/schema";
import type { SimEndpoint } from "../sim-control";
import { allocationsBySource, byId, money2, rateNumber, simState, type AllocationView } from "./allocations";

export interface CreditNoteView {
  id: string;
  number: string | null;
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

export async function creditNotesTruth(db: Db, sim: SimEndpoint, tenant: { id: string; xeroTenantId: string }): Promise<{ want: CreditNoteView[]; got: CreditNoteView[] }> {
  const [state, rows, allocs] = await Promise.all([
    simState<CreditNoteView>(sim, tenant.xeroTenantId, "creditNotes"),
    db.select().from(creditNotes).where(eq(creditNotes.tenantId, tenant.id)),
    allocationsBySource(db, tenant.id, "creditNotes"),
  ]);
  return {
    want: state.map((c) => ({ ...c, number: c.number || null })).sort(byId),
    got: rows
      .map((r) => ({
        id: r.creditNoteId,
        number: r.creditNoteNumber,
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
        allocations: allocs.get(r.creditNoteId) ?? [],
        updatedDateUtc: r.xeroUpdatedAt.toISOString(),
      }))
      .sort(byId),
  };
}
