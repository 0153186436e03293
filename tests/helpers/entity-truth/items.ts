/**
 * Items: the mirror of one organisation against the simulator's truth (see accounts.ts); items
 * have no status, so `deleted` is the only way a delete shows.
 */
import { eq } from "drizzle-orm";
import type { Db } from "@/lib/db";
import { items } from "@/lib/db/schema";
import { simControl, type SimEndpoint } from "../sim-control";

export interface ItemView {
  id: string;
  code: string;
  name: string | null;
  isSold: boolean;
  isPurchased: boolean;
  isTrackedAsInventory: boolean;
  salesUnitPrice: string | null;
  purchaseUnitPrice: string | null;
  quantityOnHand: number | null;
  updatedDateUtc: string;
}

const byId = (a: { id: string }, b: { id: string }) => a.id.localeCompare(b.id);
/** numeric(19,4) as the simulator prints money (2 decimals), without float arithmetic. */
const money2 = (v: string | null) => (v === null ? null : v.replace(/^(-?\d+)(?:\.(\d{0,2})\d*)?$/, (_m, i: string, d = "") => `${i}.${d.padEnd(2, "0")}`));

export async function itemViews(db: Db, sim: SimEndpoint, tenant: { id: string; xeroTenantId: string }) {
  const q = `/__sim/state?tenantId=${encodeURIComponent(tenant.xeroTenantId)}&entity=items`;
  const [live, gone, rows] = await Promise.all([
    simControl<ItemView[]>(sim, "GET", q),
    simControl<{ id: string }[]>(sim, "GET", `${q}&deleted=1`),
    db.select().from(items).where(eq(items.tenantId, tenant.id)),
  ]);
  return {
    want: live.sort(byId),
    got: rows
      .filter((r) => r.deletedInXeroAt === null)
      .map((r) => ({
        id: r.itemId,
        code: r.code,
        name: r.name,
        isSold: r.isSold,
        isPurchased: r.isPurchased,
        isTrackedAsInventory: r.isTrackedAsInventory,
        salesUnitPrice: money2(r.salesUnitPrice),
        purchaseUnitPrice: money2(r.purchaseUnitPrice),
        quantityOnHand: r.quantityOnHand === null ? null : Number(r.quantityOnHand),
        updatedDateUtc: r.xeroUpdatedAt.toISOString(),
      }))
      .sort(byId),
    deleted: {
      want: gone.map((i) => i.id).sort(),
      got: rows.filter((r) => r.deletedInXeroAt !== null).map((r) => r.itemId).sort(),
    },
  };
}
