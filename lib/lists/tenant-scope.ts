import { asc, eq } from "drizzle-orm";
import type { Db } from "@/lib/db";
import { xeroTenants, type XeroTenant } from "@/lib/db/schema";

/**
 * The organisations of one user: the root of every read scope. Every read model first resolves
 * the user's tenant ids here and filters by them, so ownership is enforced in the query itself.
 */
export async function listUserTenants(db: Db, userId: string): Promise<XeroTenant[]> {
  return db.select().from(xeroTenants).where(eq(xeroTenants.userId, userId)).orderBy(asc(xeroTenants.name), asc(xeroTenants.id));
}

/** Tenant ids the user may read, narrowed to `only` when given (an id the user doesn't own yields []). */
export async function scopeTenantIds(db: Db, userId: string, only?: string | null): Promise<{ ids: string[]; tenants: XeroTenant[] }> {
  const tenants = await listUserTenants(db, userId);
  const ids = tenants.map((t) => t.id).filter((id) => !only || id === only);
  return { ids, tenants };
}
