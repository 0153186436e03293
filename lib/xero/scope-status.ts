/**
 * What each of a user's Xero grants lacks for the enabled entities (XERO_SYNC_ENTITIES), read from
 * the scopes Xero returned with the grant (xero_connections.scopes), and the scopes a reconnect
 * asks for to add them. The sync engine makes the same check before each entity (it records such
 * an entity as unavailable and makes no call); this is what the overview shows and offers.
 */
import { and, asc, eq, inArray } from "drizzle-orm";
import type { Db } from "@/lib/db";
import { xeroConnections, xeroTenants } from "@/lib/db/schema";
import { enabledEntities } from "@/lib/entities/enabled";
import { missingScopeMessage, scopeGaps } from "@/lib/entities/scopes";
import { entitySlug } from "@/lib/entities/registry";
import { getEnv } from "@/lib/env";
import { AppError } from "@/lib/errors";

export interface EntityScopeGap {
  entity: string;
  label: string;
  message: string;
}

export interface ConnectionScopeGaps {
  connectionId: string;
  /** The grant's organisations that sync (active), by name. */
  organisations: { id: string; name: string }[];
  /** Entities a reconnect adds: the grant was given without their scope. */
  reconnect: EntityScopeGap[];
  /** Entities Xero does not grant these organisations (journals off Xero's Advanced plan): no reconnect offered. */
  unavailable: EntityScopeGap[];
}

/**
 * The user's active authorization-code grants with something missing, oldest first. Custom
 * Connections are left out: their scopes are the app's, set in Xero's developer portal, not
 * consented to by a person.
 */
export async function listScopeGapsByUser(db: Db, userId: string): Promise<ConnectionScopeGaps[]> {
  const defs = enabledEntities();
  const configured = getEnv().scopes;
  const connections = await db
    .select({ id: xeroConnections.id, scopes: xeroConnections.scopes })
    .from(xeroConnections)
    .where(and(eq(xeroConnections.userId, userId), eq(xeroConnections.status, "active"), eq(xeroConnections.grantType, "authorization_code")))
    .orderBy(asc(xeroConnections.createdAt));
  const withGaps = connections
    .map((c) => ({ id: c.id, gaps: scopeGaps(defs, c.scopes, configured) }))
    .filter((c) => c.gaps.reconnect.length || c.gaps.unavailable.length);
  if (!withGaps.length) return [];
  const tenants = await db
    .select({ id: xeroTenants.id, name: xeroTenants.name, connectionId: xeroTenants.connectionId })
    .from(xeroTenants)
    .where(and(eq(xeroTenants.userId, userId), eq(xeroTenants.status, "active"), inArray(xeroTenants.connectionId, withGaps.map((c) => c.id))))
    .orderBy(asc(xeroTenants.name));
  const gap = (def: (typeof defs)[number]): EntityScopeGap => ({ entity: entitySlug(def), label: def.label, message: missingScopeMessage(def) });
  return withGaps
    .map((c) => ({
      connectionId: c.id,
      organisations: tenants.filter((t) => t.connectionId === c.id).map((t) => ({ id: t.id, name: t.name })),
      reconnect: c.gaps.reconnect.map(gap),
      unavailable: c.gaps.unavailable.map(gap),
    }))
    .filter((c) => c.organisations.length > 0);
}

/**
 * The scopes of a reconnect that adds what the user's grant `connectionId` lacks: the identity
 * scopes and one per missing entity (Xero answers with everything the grant then holds). Nothing
 * missing → null (a plain Connect Xero does). Another user's connection is not found.
 */
export async function reconnectScopes(db: Db, userId: string, connectionId: string): Promise<string[] | null> {
  const [row] = await db
    .select({ scopes: xeroConnections.scopes })
    .from(xeroConnections)
    .where(and(eq(xeroConnections.id, connectionId), eq(xeroConnections.userId, userId)));
  if (!row) throw new AppError("not_found", "No such Xero connection.");
  const { request } = scopeGaps(enabledEntities(), row.scopes, getEnv().scopes);
  return request.length ? request : null;
}
