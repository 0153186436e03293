/**
 * Tracking categories with their options (tracking_options rows, in Xero's order): the mirror of
 * one organisation against the simulator's truth (see accounts.ts).
 */
import { asc, eq } from "drizzle-orm";
import type { Db } from "@/lib/db";
import { trackingCategories, trackingOptions } from "@/lib/db/schema";
import { simControl, type SimEndpoint } from "../sim-control";

export interface TrackingCategoryView {
  id: string;
  name: string;
  status: string;
  options: { id: string; name: string; status: string }[];
}

const byId = (a: { id: string }, b: { id: string }) => a.id.localeCompare(b.id);

export async function trackingCategoryViews(db: Db, sim: SimEndpoint, tenant: { id: string; xeroTenantId: string }) {
  const [live, rows, options] = await Promise.all([
    simControl<(TrackingCategoryView & { deletedOptions: unknown; changedUtc: string })[]>(sim, "GET", `/__sim/state?tenantId=${encodeURIComponent(tenant.xeroTenantId)}&entity=trackingCategories`),
    db.select().from(trackingCategories).where(eq(trackingCategories.tenantId, tenant.id)),
    db.select().from(trackingOptions).where(eq(trackingOptions.tenantId, tenant.id)).orderBy(asc(trackingOptions.trackingCategoryId), asc(trackingOptions.position)),
  ]);
  return {
    want: live.map((c) => ({ id: c.id, name: c.name, status: c.status, options: c.options })).sort(byId),
    got: rows
      .filter((r) => r.deletedInXeroAt === null)
      .map((r) => ({
        id: r.trackingCategoryId,
        name: r.name,
        status: r.status,
        options: options.filter((o) => o.trackingCategoryId === r.trackingCategoryId).map((o) => ({ id: o.trackingOptionId, name: o.name, status: o.status })),
      }))
      .sort(byId),
    optionRows: options.length,
  };
}
