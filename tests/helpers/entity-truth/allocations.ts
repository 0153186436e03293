/**
 * What credit notes, overpayments and prepayments share in the comparison with the simulator's
 * truth: their allocations, read from the `allocations` child table (in the document's order).
 */
import { and, asc, eq } from "drizzle-orm";
import type { Db } from "@/lib/db";
import { allocations } from "@/lib/db/schema";
import { simControl, type SimEndpoint } from "../sim-control";

export interface AllocationView {
  id: string | null;
  invoiceId: string | null;
  amount: string | null;
  date: string | null;
}

/** Money as the simulator prints it (2 decimals) from a numeric(19,4) string. */
export const money2 = (v: string | null) => (v === null ? null : Number(v).toFixed(2));
/** A rate as the simulator states it (a JSON number) from a numeric string. */
export const rateNumber = (v: string | null) => (v === null ? null : Number(v));
export const byId = (a: { id: string }, b: { id: string }) => a.id.localeCompare(b.id);

/** The simulator's records of one fixture in a tenant (GET /__sim/state). */
export function simState<T>(sim: SimEndpoint, xeroTenantId: string, entity: string): Promise<T[]> {
  return simControl<T[]>(sim, "GET", `/__sim/state?tenantId=${encodeURIComponent(xeroTenantId)}&entity=${entity}`);
}

/** The mirror's allocations of one source entity in a tenant, by source id, in position order. */
export async function allocationsBySource(db: Db, tenantId: string, sourceEntity: string): Promise<Map<string, AllocationView[]>> {
  const rows = await db
    .select()
    .from(allocations)
    .where(and(eq(allocations.tenantId, tenantId), eq(allocations.sourceEntity, sourceEntity)))
    .orderBy(asc(allocations.sourceId), asc(allocations.position));
  const out = new Map<string, AllocationView[]>();
  for (const r of rows) {
    const list = out.get(r.sourceId) ?? [];
    list.push({ id: r.allocationId, invoiceId: r.invoiceId, amount: money2(r.amount), date: r.date });
    out.set(r.sourceId, list);
  }
  return out;
}
