import { and, asc, eq, inArray } from "drizzle-orm";
import type { Db } from "@/lib/db";
import { xeroTenants, type XeroTenant } from "@/lib/db/schema";

/**
 * Who reads: a signed-in user, or an API token of theirs that may be narrowed to one of their
 * organisations. Read models take a Reader, never a bare user id, so a narrowed caller stays
 * narrowed on every route that reads through them (a browser session's user is a Reader as is).
 */
export interface Reader {
  id: string;
  /** The organisations this caller may see, within the user's; absent or null: all of them. */
  tenantIds?: readonly string[] | null;
}

/** Whether the reader may see this organisation at all (its user's ownership is checked by the query). */
export function readerAllows(reader: Reader, tenantId: string): boolean {
  return !reader.tenantIds || reader.tenantIds.includes(tenantId);
}

/** A cache key part that tells readers with different scopes apart. */
export function readerKey(reader: Reader): string {
  return reader.tenantIds ? `${reader.id}[${[...reader.tenantIds].sort().join(",")}]` : reader.id;
}

/**
 * The organisations a reader may see: the root of every read scope. Every read model first
 * resolves the reader's tenant ids here and filters by them, so ownership is enforced in the query itself.
 */
export async function listUserTenants(db: Db, reader: Reader): Promise<XeroTenant[]> {
  if (reader.tenantIds?.length === 0) return [];
  return db
    .select()
    .from(xeroTenants)
    .where(and(eq(xeroTenants.userId, reader.id), reader.tenantIds ? inArray(xeroTenants.id, [...reader.tenantIds]) : undefined))
    .orderBy(asc(xeroTenants.name), asc(xeroTenants.id));
}

/** Tenant ids the reader may read, narrowed to `only` when given (an id it may not see yields []). */
export async function scopeTenantIds(db: Db, reader: Reader, only?: string | null): Promise<{ ids: string[]; tenants: XeroTenant[] }> {
  const tenants = await listUserTenants(db, reader);
  const ids = tenants.map((t) => t.id).filter((id) => !only || id === only);
  return { ids, tenants };
}
