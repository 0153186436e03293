import { eq } from "drizzle-orm";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { enabledEntityNames } from "@/lib/entities/enabled";
import { xeroConnections, xeroTenants } from "@/lib/db/schema";
import { syncTenant } from "@/lib/sync";
import type { RunningSimulator } from "@/lib/xero-simulator";
import { createApiClient } from "@/lib/xero/client";
import { listXeroConnections } from "@/lib/xero/identity";
import { completeXeroConnect } from "@/lib/xero/connect-flow";
import { disconnectConnection } from "@/lib/xero/disconnect";
import { XERO_ISSUER, XeroIssuerMismatchError } from "@/lib/xero/issuer";
import { decryptTokenSet, getValidAccessToken } from "@/lib/xero/token-store";
import type { TestDatabase } from "../../helpers/db";
import { clearSimLog, createUser, simLog, startAndConsent, startTestSimulator, useSimulatorEnv, withSimulatorAndDatabase } from "./helpers";

/**
 * Each connection records the issuer its grant came from, and its tokens go to no other: with the
 * environment pointed at another Xero (here a second simulator, as a production deploy that fell
 * into demo mode would be), the token store, the sync, disconnect and the API client refuse with a
 * configuration error, send nothing anywhere, and leave the connection's state alone.
 */

let tdb: TestDatabase;
let sim: RunningSimulator;
let other: RunningSimulator;
withSimulatorAndDatabase((w) => ({ sim, tdb } = w));

beforeAll(async () => {
  other = await startTestSimulator();
});
afterAll(async () => {
  await other?.close();
});
afterEach(() => {
  useSimulatorEnv(sim);
});

async function connected(email: string) {
  const user = await createUser(tdb.db, email);
  const result = await completeXeroConnect(tdb.db, user.id, (await startAndConsent(tdb.db, user.id, { tenants: "0" })).params);
  return { user, connection: result.connection, tenant: result.tenants[0]! };
}

async function statuses(connectionId: string) {
  const [connection] = await tdb.db.select().from(xeroConnections).where(eq(xeroConnections.id, connectionId));
  const tenants = await tdb.db.select().from(xeroTenants).where(eq(xeroTenants.connectionId, connectionId));
  return { connection: connection!.status, tenants: tenants.map((t) => t.status) };
}

/** Every request either simulator saw since the logs were cleared. */
async function traffic(): Promise<string[]> {
  const entries = [...(await simLog(sim, "")), ...(await simLog(other, ""))];
  return entries.map((e) => `${e.method} ${e.path}`);
}

describe("the issuer of a connection", () => {
  it("is recorded when the grant is stored", async () => {
    const { connection } = await connected("ivy@example.com");
    expect(connection.issuer).toBe(sim.url);
  });

  it("the token store refuses to refresh or hand out its tokens for another issuer, without marking it needs_reconnect", async () => {
    const { connection } = await connected("jo@example.com");
    useSimulatorEnv(other);
    await clearSimLog(sim);
    await clearSimLog(other);
    for (const forceRefresh of [false, true]) {
      const error = await getValidAccessToken(tdb.db, connection.id, { forceRefresh }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(XeroIssuerMismatchError);
      expect((error as XeroIssuerMismatchError).publicMessage).toContain(`authorised by ${sim.url}`);
      expect((error as XeroIssuerMismatchError).publicMessage).toContain(`configured for ${other.url}`);
    }
    expect(await traffic()).toEqual([]);
    expect(await statuses(connection.id)).toEqual({ connection: "active", tenants: ["active"] });

    // Back on the right issuer, the same grant still works: nothing was spent.
    useSimulatorEnv(sim);
    const { accessToken } = await getValidAccessToken(tdb.db, connection.id, { forceRefresh: true });
    expect(accessToken).toBeTruthy();
  });

  it("a sync against another issuer's API stops with the configuration error and calls nothing", async () => {
    const { connection, tenant } = await connected("kim@example.com");
    useSimulatorEnv(other);
    await clearSimLog(sim);
    await clearSimLog(other);
    const result = await syncTenant(tdb.db, { tenantId: tenant.id, trigger: "manual" });
    expect(result.status).toBe("error");
    if (result.status !== "error") return;
    expect(result.error).toMatch(/authorised by .* configured for/);
    expect(result.calls).toBe(0);
    expect(result.entities.map((e) => e.outcome)).toEqual(["error", ...enabledEntityNames().slice(1).map(() => "skipped")]);
    expect(await traffic()).toEqual([]);
    expect(await statuses(connection.id)).toEqual({ connection: "active", tenants: ["active"] });
  });

  it("disconnecting does not send the refresh token to another issuer to revoke", async () => {
    const { user, connection } = await connected("lee@example.com");
    useSimulatorEnv(other);
    await clearSimLog(sim);
    await clearSimLog(other);
    const error = await disconnectConnection(tdb.db, user.id, connection.id).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(XeroIssuerMismatchError);
    expect(await traffic()).toEqual([]);
    expect(await statuses(connection.id)).toEqual({ connection: "active", tenants: ["active"] });
  });

  it("the API client refuses an access token of another issuer before sending it", async () => {
    const { connection } = await connected("max@example.com");
    const { accessToken } = decryptTokenSet(connection.id, connection.tokenSetEncrypted);
    await clearSimLog(other);
    const config = { clientId: "x", clientSecret: "y", redirectUris: [], scopes: [], identityUrl: other.url, apiUrl: other.url };
    expect(() => createApiClient(config, accessToken)).toThrow(XeroIssuerMismatchError);
    await expect(listXeroConnections(accessToken, {}, config)).rejects.toThrow(XeroIssuerMismatchError);
    expect(await simLog(other, "")).toEqual([]);
    // Its own issuer's API takes it.
    expect(await listXeroConnections(accessToken, {}, { ...config, identityUrl: sim.url, apiUrl: sim.url })).toHaveLength(1);
  });

  it("a connection stored before issuers were recorded is taken as Xero's own", async () => {
    const { connection } = await connected("nat@example.com");
    await tdb.db.update(xeroConnections).set({ issuer: null }).where(eq(xeroConnections.id, connection.id));
    // The environment points at the simulator, so the legacy (Xero) grant is refused here…
    const error = await getValidAccessToken(tdb.db, connection.id).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(XeroIssuerMismatchError);
    expect((error as XeroIssuerMismatchError).tokenIssuer).toBe(XERO_ISSUER);
    // …and handed out for Xero's issuer (a valid access token needs no call).
    const { accessToken } = await getValidAccessToken(tdb.db, connection.id, { issuer: XERO_ISSUER });
    expect(accessToken).toBeTruthy();
    // Connecting again records the issuer of the new grant.
    const user = connection.userId;
    const again = await completeXeroConnect(tdb.db, user, (await startAndConsent(tdb.db, user, { tenants: "0" })).params);
    expect(again.connection.id).toBe(connection.id);
    expect(again.connection.issuer).toBe(sim.url);
  });
});
