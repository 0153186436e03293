import { and, eq, ne } from "drizzle-orm";
import type { Db } from "@/lib/db";
import { listXeroTenantIdsSharedElsewhere } from "@/lib/db/queries/connections";
import { getTenantById } from "@/lib/db/queries/tenants";
import { logXeroSession } from "@/lib/db/queries/xero-sessions";
import { xeroConnections, xeroTenants } from "@/lib/db/schema";
import { AppError } from "@/lib/errors";
import { isXeroAuthError } from "./auth-errors";
import { deleteXeroConnection, revokeRefreshToken, xeroConfigFromEnv, XeroOAuthError, type XeroConfig, type XeroTokenSet } from "./identity";
import { assertSameIssuer, issuerOf, issuerOfConfig } from "./issuer";
import { isKeyConfigurationError } from "./token-crypto";
import { decryptTokenSet, getValidAccessToken } from "./token-store";

/**
 * Disconnecting, by the person: one organisation (DELETE /connections/{id} at Xero) or a whole
 * grant (revoking its refresh token). The shared-login rule: when another person of this app uses
 * the same organisation through the same Xero login, Xero's side is theirs too and is left alone
 * (only the local rows go). Either way the synced data is kept, browsable, unless deleteData.
 */

export interface DisconnectOptions {
  /** Delete the organisation's synced invoices, contacts and cursors too (default: keep them). */
  deleteData?: boolean;
  config?: XeroConfig;
}

export interface DisconnectResult {
  /**
   * Whether Xero confirmed the removal: false when the grant was already dead, or when another
   * person of this app still uses the organisation through the same Xero login (local only).
   */
  removedInXero: boolean;
  dataDeleted: boolean;
}

/**
 * Disconnects one organisation of the user: DELETE /connections/{id} at Xero, then locally either
 * marks the tenant disconnected (keeping its synced data, browsable) or deletes it with its data.
 * Xero's connection is left alone while another active connection of the same Xero user still
 * uses the organisation: it is theirs too. A tenant of someone else is `not_found`. Logs a
 * `disconnect` session.
 */
export async function disconnectTenant(db: Db, userId: string, tenantId: string, options: DisconnectOptions = {}): Promise<DisconnectResult> {
  const tenant = await getTenantById(db, userId, tenantId);
  if (!tenant) throw new AppError("not_found", "Organisation not found.");
  const startedAt = new Date();
  let removedInXero = false;
  let note: string | undefined;
  const [connection] = await db.select({ id: xeroConnections.id, xeroUserId: xeroConnections.xeroUserId }).from(xeroConnections).where(eq(xeroConnections.id, tenant.connectionId));
  const shared = tenant.status !== "disconnected" && connection ? await listXeroTenantIdsSharedElsewhere(db, connection, [tenant.xeroTenantId]) : new Set<string>();
  if (shared.size > 0) {
    note = SHARED_NOTE;
  } else if (tenant.status !== "disconnected" && tenant.xeroConnectionId) {
    try {
      const { accessToken } = await getValidAccessToken(db, tenant.connectionId);
      await deleteXeroConnection(accessToken, tenant.xeroConnectionId, options.config ?? xeroConfigFromEnv());
      removedInXero = true;
    } catch (error) {
      if (!isXeroAuthError(error)) {
        await logXeroSession(db, { userId, connectionId: tenant.connectionId, tenantId, kind: "disconnect", outcome: "error", startedAt, error: "Xero could not be reached to remove the organisation" });
        throw error instanceof AppError ? error : new AppError("xero_unavailable", "Xero could not be reached to remove the organisation; nothing was changed. Try again.", { cause: error });
      }
      // The grant is already dead: Xero cannot be told, but the person can still let go locally.
      note = "grant no longer valid; removed locally only";
    }
  }
  const deleteData = Boolean(options.deleteData);
  await db.transaction(async (tx) => {
    await logXeroSession(tx, {
      userId,
      connectionId: tenant.connectionId,
      tenantId: deleteData ? null : tenantId,
      kind: "disconnect",
      outcome: "success",
      startedAt,
      detail: { scope: "tenant", xeroTenantId: tenant.xeroTenantId, tenantName: tenant.name, removedInXero, dataDeleted: deleteData, ...(note ? { note } : {}) },
    });
    if (deleteData) {
      await tx.delete(xeroTenants).where(and(eq(xeroTenants.id, tenantId), eq(xeroTenants.userId, userId)));
    } else {
      await tx
        .update(xeroTenants)
        .set({ status: "disconnected", statusReason: "Disconnected by you.", disconnectedAt: new Date() })
        .where(and(eq(xeroTenants.id, tenantId), eq(xeroTenants.userId, userId)));
    }
  });
  return { removedInXero, dataDeleted: deleteData };
}

const SHARED_NOTE = "another user of this app still uses it with the same Xero login; left connected in Xero";

/**
 * Disconnects a whole grant: revokes its refresh token at Xero (which removes every organisation of
 * the grant), forgets the tokens, and marks its tenants disconnected (or deletes the connection
 * with all its tenants' synced data). When another active connection of the same Xero user still
 * uses one of its organisations, the refresh token is not revoked (that would cut the other person
 * off too): only the organisations nobody else uses are removed at Xero, one by one. Logs a
 * `disconnect` session.
 */
export async function disconnectConnection(db: Db, userId: string, connectionId: string, options: DisconnectOptions = {}): Promise<DisconnectResult> {
  const [connection] = await db
    .select()
    .from(xeroConnections)
    .where(and(eq(xeroConnections.id, connectionId), eq(xeroConnections.userId, userId)));
  if (!connection) throw new AppError("not_found", "Xero connection not found.");
  const startedAt = new Date();
  let removedInXero = false;
  let note: string | undefined;
  const live = await db
    .select({ xeroTenantId: xeroTenants.xeroTenantId, xeroConnectionId: xeroTenants.xeroConnectionId })
    .from(xeroTenants)
    .where(and(eq(xeroTenants.connectionId, connectionId), ne(xeroTenants.status, "disconnected")));
  const shared = await listXeroTenantIdsSharedElsewhere(db, connection, live.map((t) => t.xeroTenantId));
  if (shared.size > 0 && connection.status !== "revoked" && connection.tokenSetEncrypted) {
    note = SHARED_NOTE;
    try {
      const own = live.filter((t) => !shared.has(t.xeroTenantId) && t.xeroConnectionId);
      if (own.length) {
        const { accessToken } = await getValidAccessToken(db, connectionId);
        for (const t of own) await deleteXeroConnection(accessToken, t.xeroConnectionId!, options.config ?? xeroConfigFromEnv());
        removedInXero = true;
      }
    } catch (error) {
      if (!isXeroAuthError(error)) {
        await logXeroSession(db, { userId, connectionId, kind: "disconnect", outcome: "error", startedAt, error: "Xero could not be reached to remove the organisations" });
        throw error instanceof AppError ? error : new AppError("xero_unavailable", "Xero could not be reached to remove the organisations; try again.", { cause: error });
      }
    }
  } else if (connection.status !== "revoked" && connection.grantType === "authorization_code" && connection.tokenSetEncrypted) {
    const refreshToken = safeDecrypt(connection.id, connection.tokenSetEncrypted)?.refreshToken;
    if (refreshToken) {
      const config = options.config ?? xeroConfigFromEnv();
      // A refresh token goes only to the issuer it came from; refusing changes nothing here.
      assertSameIssuer(issuerOf(connection), issuerOfConfig(config));
      try {
        await revokeRefreshToken(refreshToken, config);
        removedInXero = true;
      } catch (error) {
        if (!(error instanceof XeroOAuthError) || error.isTransient) {
          await logXeroSession(db, { userId, connectionId, kind: "disconnect", outcome: "error", startedAt, error: "Xero could not be reached to revoke the connection" });
          throw new AppError("xero_unavailable", "Xero could not be reached to revoke the connection; nothing was changed. Try again.", { cause: error });
        }
        // 4xx: the token is already dead at Xero; nothing left to revoke.
      }
    }
  }
  const deleteData = Boolean(options.deleteData);
  await db.transaction(async (tx) => {
    await logXeroSession(tx, {
      userId,
      connectionId: deleteData ? null : connectionId,
      kind: "disconnect",
      outcome: "success",
      startedAt,
      detail: { scope: "connection", grantType: connection.grantType, removedInXero, dataDeleted: deleteData, ...(note ? { note } : {}) },
    });
    if (deleteData) {
      await tx.delete(xeroConnections).where(and(eq(xeroConnections.id, connectionId), eq(xeroConnections.userId, userId)));
      return;
    }
    await tx
      .update(xeroConnections)
      // The tokens are worthless now; keep none of them.
      .set({ status: "revoked", statusReason: "Disconnected by you.", tokenSetEncrypted: "", accessTokenExpiresAt: new Date(0), refreshTokenIssuedAt: null, updatedAt: new Date() })
      .where(eq(xeroConnections.id, connectionId));
    await tx
      .update(xeroTenants)
      .set({ status: "disconnected", statusReason: "Disconnected by you.", disconnectedAt: new Date() })
      .where(and(eq(xeroTenants.connectionId, connectionId), ne(xeroTenants.status, "disconnected")));
  });
  return { removedInXero, dataDeleted: deleteData };
}

function safeDecrypt(connectionId: string, encrypted: string): XeroTokenSet | undefined {
  try {
    return decryptTokenSet(connectionId, encrypted);
  } catch (error) {
    // This server lacking the key is no reason to skip revoking at Xero: say so instead.
    if (isKeyConfigurationError(error)) throw error;
    return undefined;
  }
}
