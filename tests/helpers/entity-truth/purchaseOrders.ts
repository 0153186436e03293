/**
 * Purchase orders of one organisation: the simulator's truth (/__sim/state) and the mirror's
 * rows, projected onto what the sync must get right, sorted by id (see mirror-compare.ts).
 */
import { eq } from "drizzle-orm";
import type { Db } from "@/lib/db";
import { purchaseOrders } from "@/lib/db/schema";
import { simControl, type SimEndpoint } from "../sim-control";

export interface PurchaseOrderView {
  id: string;
  number: string | null;
  status: string;
  contactId: string | null;
  currency: string | null;
  currencyRate: string | null;
  lineAmountTypes: string | null;
  date: string | null;
  deliveryDate: string | null;
  subTotal: string | null;
  totalTax: string | null;
  total: string | null;
  updatedDateUtc: string;
}

const money2 = (v: string | null) => (v === null ? null : Number(v).toFixed(2));
const byId = (a: { id: string }, b: { id: string }) => a.id.localeCompare(b.id);

export async function purchaseOrdersTruth(db: Db, sim: SimEndpoint, tenant: { id: string; xeroTenantId: string }): Promise<{ want: PurchaseOrderView[]; got: PurchaseOrderView[] }> {
  const [state, rows] = await Promise.all([
    simControl<(Omit<PurchaseOrderView, "currencyRate"> & { currencyRate: number })[]>(sim, "GET", `/__sim/state?tenantId=${encodeURIComponent(tenant.xeroTenantId)}&entity=purchaseOrders`),
    db.select().from(purchaseOrders).where(eq(purchaseOrders.tenantId, tenant.id)),
  ]);
  return {
    want: state
      .map((s) => ({
        id: s.id,
        number: s.number,
        status: s.status,
        contactId: s.contactId,
        currency: s.currency,
        // numeric(19,10) reads back with its scale: compare the number it denotes.
        currencyRate: String(s.currencyRate),
        lineAmountTypes: s.lineAmountTypes,
        date: s.date,
        deliveryDate: s.deliveryDate,
        subTotal: s.subTotal,
        totalTax: s.totalTax,
        total: s.total,
        updatedDateUtc: s.updatedDateUtc,
      }))
      .sort(byId),
    got: rows
      .map((r) => ({
        id: r.purchaseOrderId,
        number: r.purchaseOrderNumber,
        status: r.status,
        contactId: r.contactId,
        currency: r.currencyCode,
        currencyRate: r.currencyRate === null ? null : String(Number(r.currencyRate)),
        lineAmountTypes: r.lineAmountTypes,
        date: r.date,
        deliveryDate: r.deliveryDate,
        subTotal: money2(r.subTotal),
        totalTax: money2(r.totalTax),
        total: money2(r.total),
        updatedDateUtc: r.xeroUpdatedAt.toISOString(),
      }))
      .sort(byId),
  };
}
