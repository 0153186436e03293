import { and, asc, eq, inArray, isNull, ne } from "drizzle-orm";
import type { Db } from "../client";
import { xeroConnections, xeroTenants, type NewXeroConnection, type XeroConnection } from "../schema";

/**
 * xero_connections: one Xero grant of a user. Every read is scoped by the owner: a connection id
 * of someone else behaves as if it did not exist. The token set column is encrypted and is only
 * read through lib/xero/token-store.ts.
 */

/** A connection without its encrypted token set: what pages and the API may see. */
export type ConnectionSummary = Omit<XeroConnection, "tokenSetEncrypted">;

const summaryColumns = {
  id: xeroConnections.id,
  userId: xeroConnections.userId,
  grantType: xeroConnections.grantType,
  xeroUserId: xeroConnections.xeroUserId,
  authEventId: xeroConnections.authEventId,
  issuer: xeroConnections.issuer,
  scopes: xeroConnections.scopes,
  accessTokenExpiresAt: xeroConnections.accessTokenExpiresAt,
  refreshTokenIssuedAt: xeroConnections.refreshTokenIssuedAt,
  status: xeroConnections.status,
  statusReason: xeroConnections.statusReason,
  createdAt: xeroConnections.createdAt,
  updatedAt: xeroConnections.updatedAt,
};

export async function getConnectionById(db: Db, userId: string, id: string): Promise<ConnectionSummary | undefined> {
  const [row] = await db
    .select(summaryColumns)
    .from(xeroConnections)
    .where(and(eq(xeroConnections.id, id), eq(xeroConnections.userId, userId)));
  return row;
}

export async function listConnectionsByUser(db: Db, userId: string): Promise<ConnectionSummary[]> {
  return db.select(summaryColumns).from(xeroConnections).where(eq(xeroConnections.userId, userId)).orderBy(asc(xeroConnections.createdAt));
}

/** The user's grant from this Xero user (a reconnect updates it instead of adding another). */
export async function getConnectionByXeroUser(db: Db, userId: string, xeroUserId: string): Promise<XeroConnection | undefined> {
  const [row] = await db
    .select()
    .from(xeroConnections)
    .where(and(eq(xeroConnections.userId, userId), eq(xeroConnections.xeroUserId, xeroUserId)));
  return row;
}

/** The user's Custom Connection (client_credentials; there is at most one per owner). */
export async function getCustomConnection(db: Db, userId: string): Promise<XeroConnection | undefined> {
  const [row] = await db
    .select()
    .from(xeroConnections)
    .where(and(eq(xeroConnections.userId, userId), eq(xeroConnections.grantType, "client_credentials"), isNull(xeroConnections.xeroUserId)));
  return row;
}

export async function insertConnection(db: Db, values: NewXeroConnection): Promise<XeroConnection> {
  const [row] = await db.insert(xeroConnections).values(values).returning();
  return row!;
}

export async function deleteConnection(db: Db, userId: string, id: string): Promise<boolean> {
  const rows = await db
    .delete(xeroConnections)
    .where(and(eq(xeroConnections.id, id), eq(xeroConnections.userId, userId)))
    .returning({ id: xeroConnections.id });
  return rows.length > 0;
}

/**
 * Which of `xeroTenantIds` another active connection of the same Xero user still uses (a tenant of
 * it not disconnected). Two people of this app who sign in to Xero with one login share Xero's
 * connection to each organisation (Xero keys it by user, app and organisation), so removing it for
 * one removes it for the other. Deliberately across users: it answers only with organisation ids
 * the caller already holds.
 */
export async function listXeroTenantIdsSharedElsewhere(db: Db, connection: Pick<XeroConnection, "id" | "xeroUserId">, xeroTenantIds: string[]): Promise<Set<string>> {
  if (!connection.xeroUserId || xeroTenantIds.length === 0) return new Set();
  const rows = await db
    .selectDistinct({ xeroTenantId: xeroTenants.xeroTenantId })
    .from(xeroTenants)
    .innerJoin(xeroConnections, eq(xeroConnections.id, xeroTenants.connectionId))
    .where(
      and(
        ne(xeroConnections.id, connection.id),
        eq(xeroConnections.xeroUserId, connection.xeroUserId),
        eq(xeroConnections.status, "active"),
        ne(xeroTenants.status, "disconnected"),
        inArray(xeroTenants.xeroTenantId, xeroTenantIds),
      ),
    );
  return new Set(rows.map((r) => r.xeroTenantId));
}
