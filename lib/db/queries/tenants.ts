import { and, asc, eq, sql } from "drizzle-orm";
import type { Db } from "../client";
import { xeroTenants, type XeroTenant } from "../schema";

/**
 * xero_tenants: the organisations a user reaches. Every query is scoped by the owner; someone
 * else's tenant id behaves as if it did not exist.
 */

export async function getTenantById(db: Db, userId: string, id: string): Promise<XeroTenant | undefined> {
  const [row] = await db
    .select()
    .from(xeroTenants)
    .where(and(eq(xeroTenants.id, id), eq(xeroTenants.userId, userId)));
  return row;
}

export async function listTenantsByUser(db: Db, userId: string): Promise<XeroTenant[]> {
  return db.select().from(xeroTenants).where(eq(xeroTenants.userId, userId)).orderBy(asc(xeroTenants.name), asc(xeroTenants.id));
}

export interface GrantedTenant {
  xeroTenantId: string;
  xeroConnectionId: string | null;
  name: string;
  tenantType: string;
}

/**
 * Records the organisations a consent granted: new ones are inserted, known ones (also those
 * reached earlier through another grant of the same user, or disconnected before) are moved to
 * this connection and made active again. Tenants not in `granted` are left as they are.
 */
export async function upsertGrantedTenants(db: Db, userId: string, connectionId: string, granted: GrantedTenant[]): Promise<XeroTenant[]> {
  if (granted.length === 0) return [];
  const now = new Date();
  return db
    .insert(xeroTenants)
    .values(
      granted.map((t) => ({
        userId,
        connectionId,
        xeroTenantId: t.xeroTenantId,
        xeroConnectionId: t.xeroConnectionId,
        name: t.name,
        tenantType: t.tenantType,
        status: "active" as const,
        connectedAt: now,
      })),
    )
    .onConflictDoUpdate({
      target: [xeroTenants.userId, xeroTenants.xeroTenantId],
      set: {
        connectionId,
        xeroConnectionId: sql`excluded.xero_connection_id`,
        name: sql`excluded.name`,
        tenantType: sql`excluded.tenant_type`,
        status: "active",
        statusReason: null,
        disconnectedAt: null,
        // A reconnect after a disconnect counts as connecting again.
        connectedAt: sql`case when ${xeroTenants.status} = 'disconnected' then excluded.connected_at else ${xeroTenants.connectedAt} end`,
      },
    })
    .returning();
}

