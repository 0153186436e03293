import { and, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { syncCursors, xeroConnections } from "@/lib/db/schema";
import { IDENTITY_SCOPES } from "@/lib/entities/scopes";
import type { RunningSimulator } from "@/lib/xero-simulator";
import { syncTenant } from "@/lib/sync";
import { completeXeroConnect, startXeroConnect } from "@/lib/xero/connect-flow";
import { decryptTokenSet } from "@/lib/xero/token-store";
import { listScopeGapsByUser, reconnectScopes } from "@/lib/xero/scope-status";
import { mirrorDifferences, mirrorViews } from "../../helpers/mirror-compare";
import type { TestDatabase } from "../../helpers/db";
import { clearSimLog, consentAt, createUser, simLog, useSimulatorEnv as pointAppAt, withSimulatorAndDatabase } from "./helpers";

/**
 * Xero's granular scopes against the simulator over HTTP, with the real xero-node: Connect Xero asks
 * for the enabled entities' scopes; a grant without one syncs the others and records that entity as
 * unavailable without calling Xero for it; the overview's reconnect asks for the missing scope only,
 * and afterwards the entity syncs.
 */

let tdb: TestDatabase;
let sim: RunningSimulator;
withSimulatorAndDatabase((w) => ({ tdb, sim } = w));

const identity = [...IDENTITY_SCOPES];
/** The default environment: XERO_SYNC_ENTITIES unset. */
const pointAppAtDefaults = () => pointAppAt(sim, { XERO_SYNC_ENTITIES: undefined });
const scopesOf = (url: string) => new URL(url).searchParams.get("scope")!.split(" ");

/** A connection made while XERO_SYNC_ENTITIES was `entities`, then the environment back to the default. */
async function connectWith(email: string, entities: string) {
  pointAppAt(sim, { XERO_SYNC_ENTITIES: entities });
  try {
    const user = await createUser(tdb.db, email);
    const { url } = await startXeroConnect(tdb.db, user.id);
    const result = await completeXeroConnect(tdb.db, user.id, await consentAt(url, { tenants: "0" }));
    return { user, url, connection: result.connection, tenant: result.tenants[0]! };
  } finally {
    pointAppAtDefaults();
  }
}

async function expectMirrored(tenant: { id: string; xeroTenantId: string }, entity: "invoices" | "contacts") {
  const views = await mirrorViews(tdb.db, sim, tenant);
  expect(views[entity].got.length).toBeGreaterThan(0);
  expect(mirrorDifferences(views).filter((d) => d.entity === entity)).toEqual([]);
}

describe("granular scopes", () => {
  it("Connect Xero asks for exactly the enabled entities' granular scopes and the identity ones", async () => {
    const user = await createUser(tdb.db, "ann@example.com");
    expect(scopesOf((await startXeroConnect(tdb.db, user.id)).url)).toEqual([...identity, "accounting.invoices.read", "accounting.contacts.read"]);
    pointAppAt(sim, { XERO_SYNC_ENTITIES: "contacts" });
    try {
      expect(scopesOf((await startXeroConnect(tdb.db, user.id)).url)).toEqual([...identity, "accounting.contacts.read"]);
    } finally {
      pointAppAtDefaults();
    }
  });

  it("a grant without an entity's scope: that entity unavailable with no call, the others synced; the reconnect asks for the missing scope only and then it syncs", async () => {
    // Connected while only invoices were enabled; contacts enabled since (the default).
    const { user, url, connection, tenant } = await connectWith("bob@example.com", "invoices");
    expect(scopesOf(url)).toEqual([...identity, "accounting.invoices.read"]);
    expect(connection.scopes.split(" ").sort()).toEqual([...identity, "accounting.invoices.read"].sort());

    await clearSimLog(sim);
    const first = await syncTenant(tdb.db, { tenantId: tenant.id, trigger: "manual" });
    if (!("entities" in first)) throw new Error(`sync ${first.status}`);
    expect(first.status).toBe("success");
    expect(Object.fromEntries(first.entities.map((e) => [e.entity, e.outcome]))).toEqual({ invoices: "success", contacts: "unavailable" });
    expect(first.entities.find((e) => e.entity === "contacts")!.error).toMatch(/^Reconnect to sync contacts: this connection was granted without accounting\.contacts\.read/);
    expect(await simLog(sim, "/api.xro/2.0/Contacts")).toEqual([]);
    expect((await simLog(sim, "/api.xro/2.0/Invoices")).length).toBeGreaterThan(0);
    await expectMirrored({ id: tenant.id, xeroTenantId: tenant.xeroTenantId }, "invoices");
    const [cursor] = await tdb.db.select().from(syncCursors).where(and(eq(syncCursors.tenantId, tenant.id), eq(syncCursors.entity, "contacts")));
    expect(cursor!.unavailableReason).toMatch(/^Reconnect to sync contacts/);

    // The overview names the organisation and what a reconnect adds.
    const gaps = await listScopeGapsByUser(tdb.db, user.id);
    expect(gaps).toEqual([
      { connectionId: connection.id, organisations: [{ id: tenant.id, name: tenant.name }], reconnect: [expect.objectContaining({ entity: "contacts", label: "Contacts" })], unavailable: [] },
    ]);

    // The reconnect asks for the missing scope and the identity ones, nothing else.
    const scopes = await reconnectScopes(tdb.db, user.id, connection.id);
    expect(scopes).toEqual([...identity, "accounting.contacts.read"]);
    const again = await startXeroConnect(tdb.db, user.id, { scopes: scopes! });
    expect(scopesOf(again.url)).toEqual([...identity, "accounting.contacts.read"]);
    const reconnected = await completeXeroConnect(tdb.db, user.id, await consentAt(again.url, { tenants: "0" }));
    expect(reconnected.reconnected).toBe(true);
    expect(reconnected.connection.id).toBe(connection.id);
    // What is stored is what Xero answered with the new tokens.
    const [stored] = await tdb.db.select().from(xeroConnections).where(eq(xeroConnections.id, connection.id));
    expect(stored!.scopes).toBe(decryptTokenSet(connection.id, stored!.tokenSetEncrypted).scope);
    expect(stored!.scopes.split(" ")).toContain("accounting.contacts.read");

    await clearSimLog(sim);
    const second = await syncTenant(tdb.db, { tenantId: tenant.id, trigger: "manual" });
    if (!("entities" in second)) throw new Error(`sync ${second.status}`);
    expect(second.entities.find((e) => e.entity === "contacts")!.outcome).toBe("success");
    expect((await simLog(sim, "/api.xro/2.0/Contacts")).length).toBeGreaterThan(0);
    await expectMirrored({ id: tenant.id, xeroTenantId: tenant.xeroTenantId }, "contacts");
    const [after] = await tdb.db.select().from(syncCursors).where(and(eq(syncCursors.tenantId, tenant.id), eq(syncCursors.entity, "contacts")));
    expect(after!.unavailableReason).toBeNull();
    expect((await listScopeGapsByUser(tdb.db, user.id)).flatMap((g) => g.reconnect.map((r) => r.entity))).not.toContain("contacts");
  });

  it("entities left out of XERO_SYNC_ENTITIES are not synced and not asked for", async () => {
    const { user, tenant } = await connectWith("cat@example.com", "invoices");
    pointAppAt(sim, { XERO_SYNC_ENTITIES: "invoices" });
    try {
      await clearSimLog(sim);
      const result = await syncTenant(tdb.db, { tenantId: tenant.id, trigger: "schedule" });
      if (!("entities" in result)) throw new Error(`sync ${result.status}`);
      expect(result.entities.map((e) => e.entity)).toEqual(["invoices"]);
      expect(await simLog(sim, "/api.xro/2.0/Contacts")).toEqual([]);
      expect(await listScopeGapsByUser(tdb.db, user.id)).toEqual([]);
    } finally {
      pointAppAtDefaults();
    }
  });

  it("a reconnect of another user's connection is not found; nothing missing asks for the usual scopes", async () => {
    const { connection } = await connectWith("dan@example.com", "invoices,contacts");
    const other = await createUser(tdb.db, "eve@example.com");
    await expect(reconnectScopes(tdb.db, other.id, connection.id)).rejects.toMatchObject({ type: "not_found" });
    expect(await reconnectScopes(tdb.db, connection.userId, connection.id)).toBeNull();
  });
});
