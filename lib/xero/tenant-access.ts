import { eq } from "drizzle-orm";
import type { Db } from "@/lib/db";
import { xeroTenants } from "@/lib/db/schema";
import { AppError } from "@/lib/errors";
import { logServerError } from "@/lib/log";
import { listXeroConnections, xeroConfigFromEnv, type XeroConfig } from "./identity";
import { getValidAccessToken } from "./token-store";

/**
 * For the sync engine when Xero answers 403 for a tenant: asks Xero's /connections whether the
 * organisation is still part of the grant. Gone → the tenant is `disconnected` ("removed in
 * Xero"); still listed → `needs_reconnect` (the consent no longer covers what we read). Returns
 * the status set, or `unknown` when /connections could not be read (nothing is changed then).
 * Not scoped by user: the engine resolved the tenant itself.
 */
export async function recordTenantAccessLost(db: Db, tenantId: string, options: { config?: XeroConfig } = {}): Promise<"disconnected" | "needs_reconnect" | "unknown"> {
  const [tenant] = await db.select().from(xeroTenants).where(eq(xeroTenants.id, tenantId));
  if (!tenant) throw new AppError("not_found", "Organisation not found.");
  let stillGranted: boolean;
  try {
    const { accessToken } = await getValidAccessToken(db, tenant.connectionId);
    const list = await listXeroConnections(accessToken, {}, options.config ?? xeroConfigFromEnv());
    stillGranted = list.some((c) => c.tenantId === tenant.xeroTenantId);
  } catch (error) {
    // Cannot tell (a 5xx, a timeout, an unreadable answer, no usable token): marking the tenant
    // disconnected on a guess would stop its syncs for good, so leave it as it is.
    logServerError(`tenant ${tenantId}: reading /connections after a 403`, error);
    return "unknown";
  }
  if (stillGranted) {
    await db
      .update(xeroTenants)
      .set({ status: "needs_reconnect", statusReason: "Xero refused access to this organisation (403). Reconnect it to grant access again." })
      .where(eq(xeroTenants.id, tenantId));
    return "needs_reconnect";
  }
  await db
    .update(xeroTenants)
    .set({ status: "disconnected", statusReason: "This organisation was disconnected from the app in Xero.", disconnectedAt: new Date() })
    .where(eq(xeroTenants.id, tenantId));
  return "disconnected";
}
