import { randomUUID } from "node:crypto";
import { sql } from "drizzle-orm";
import type { Db } from "@/lib/db";
import { getCustomConnection, insertConnection } from "@/lib/db/queries/connections";
import { upsertGrantedTenants } from "@/lib/db/queries/tenants";
import { upsertUserByEmail } from "@/lib/db/queries/users";
import { logXeroSession } from "@/lib/db/queries/xero-sessions";
import type { XeroConnection, XeroTenant } from "@/lib/db/schema";
import { getEnv } from "@/lib/env";
import { toGrantedTenant } from "./connect-flow";
import { clientCredentialsGrant, listXeroConnections, xeroConfigFromEnv, type XeroConfig } from "./identity";
import { issuerOfConfig } from "./issuer";
import { saveTokenSet, tokenSetColumns } from "./token-store";

/** Owner of the Custom Connection when XERO_CUSTOM_CONNECTION_OWNER is not set. */
export const DEFAULT_CUSTOM_CONNECTION_OWNER = "custom-connection@xero-sync.local";

/**
 * With XERO_GRANT_TYPE=client_credentials (a Xero Custom Connection: one organisation, no
 * consent screen, no refresh token), makes sure the connection and its tenant exist. They belong
 * to the user with email XERO_CUSTOM_CONNECTION_OWNER (created when missing). Call at start-up;
 * safe to call repeatedly and from several processes at once. Returns null in the other mode.
 */
export async function ensureCustomConnection(db: Db, options: { config?: XeroConfig } = {}): Promise<{ connection: XeroConnection; tenants: XeroTenant[] } | null> {
  const env = getEnv();
  if (env.XERO_GRANT_TYPE !== "client_credentials") return null;
  const config = options.config ?? xeroConfigFromEnv();
  const owner = await upsertUserByEmail(db, env.XERO_CUSTOM_CONNECTION_OWNER ?? DEFAULT_CUSTOM_CONNECTION_OWNER, "Custom Connection");

  const tokenSet = await clientCredentialsGrant(config);
  const granted = await listXeroConnections(tokenSet.accessToken, {}, config);
  const scopes = tokenSet.scope ?? env.scopes.join(" ");

  const result = await db.transaction(async (tx) => {
    // Serialise concurrent start-ups (two processes): one creates, the other finds it.
    await tx.execute(sql`select pg_advisory_xact_lock(7316402952)`);
    const existing = await getCustomConnection(tx, owner.id);
    let connection: XeroConnection;
    if (existing) {
      connection = await saveTokenSet(tx, existing.id, tokenSet, { scopes, issuer: issuerOfConfig(config) });
    } else {
      const id = randomUUID();
      connection = await insertConnection(tx, {
        id,
        userId: owner.id,
        grantType: "client_credentials",
        xeroUserId: null,
        issuer: issuerOfConfig(config),
        scopes,
        ...tokenSetColumns(id, tokenSet),
      });
    }
    const tenants = await upsertGrantedTenants(tx, owner.id, connection.id, granted.map(toGrantedTenant));
    return { connection, tenants, created: !existing };
  });
  await logXeroSession(db, {
    userId: owner.id,
    connectionId: result.connection.id,
    kind: "callback",
    outcome: "success",
    trigger: "startup",
    detail: { grantType: "client_credentials", created: result.created, xeroTenantIds: result.tenants.map((t) => t.xeroTenantId) },
  });
  return { connection: result.connection, tenants: result.tenants };
}
