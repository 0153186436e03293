import { eq } from "drizzle-orm";
import { simControl } from "@/tests/helpers/sim-control";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { withUser } from "@/lib/http/handler";
import { disconnectInputSchema, runDisconnect } from "@/lib/overview/disconnect";
import { getConnectionById, listConnectionsByUser } from "@/lib/db/queries/connections";
import { getTenantById, listTenantsByUser } from "@/lib/db/queries/tenants";
import { invoices, users, xeroConnections, xeroSessions, xeroTenants } from "@/lib/db/schema";
import type { RunningSimulator } from "@/lib/xero-simulator";
import { isXeroAuthError } from "@/lib/xero/auth-errors";
import { completeXeroConnect } from "@/lib/xero/connect-flow";
import { DEFAULT_CUSTOM_CONNECTION_OWNER, ensureCustomConnection } from "@/lib/xero/custom-connection";
import { disconnectConnection, disconnectTenant } from "@/lib/xero/disconnect";
import { recordTenantAccessLost } from "@/lib/xero/tenant-access";
import { listXeroConnections } from "@/lib/xero/identity";
import { decryptTokenSet, getValidAccessToken } from "@/lib/xero/token-store";
import { createTestDatabase, type TestDatabase } from "../../helpers/db";
import { clearSimLog, createUser, simLog, startAndConsent, startTestSimulator, useCustomConnectionEnv, useSimulatorEnv } from "./helpers";

/** Ownership (someone else's ids are 404 and leak nothing), disconnecting, Xero removing access, Custom Connections. */

let tdb: TestDatabase;
let sim: RunningSimulator;

beforeAll(async () => {
  sim = await startTestSimulator();
  useSimulatorEnv(sim);
  tdb = await createTestDatabase();
});

afterAll(async () => {
  await tdb?.close();
  await sim?.close();
});

beforeEach(async () => {
  useSimulatorEnv(sim);
  await tdb.truncate();
});

async function connected(email: string, tenants = "0,1") {
  const user = await createUser(tdb.db, email);
  const result = await completeXeroConnect(tdb.db, user.id, (await startAndConsent(tdb.db, user.id, { tenants })).params);
  // By name: Xero lists a consent's organisations in no order we should rely on.
  return { user, connection: result.connection, tenants: [...result.tenants].sort((a, b) => a.name.localeCompare(b.name)) };
}

async function addInvoice(tenantId: string) {
  await tdb.db.insert(invoices).values({
    tenantId,
    invoiceId: crypto.randomUUID(),
    type: "ACCREC",
    status: "AUTHORISED",
    xeroUpdatedAt: new Date(),
    raw: {},
  });
}

describe("ownership", () => {
  it("another user's connection and tenants are invisible: 404, nothing changes, nothing leaks", async () => {
    const a = await connected("owner@example.com");
    const b = await createUser(tdb.db, "other@example.com");
    const tenant = a.tenants[0]!;

    expect(await getTenantById(tdb.db, b.id, tenant.id)).toBeUndefined();
    expect(await getConnectionById(tdb.db, b.id, a.connection.id)).toBeUndefined();
    expect(await listTenantsByUser(tdb.db, b.id)).toEqual([]);
    expect(await listConnectionsByUser(tdb.db, b.id)).toEqual([]);
    await expect(disconnectTenant(tdb.db, b.id, tenant.id)).rejects.toMatchObject({ type: "not_found" });
    await expect(disconnectConnection(tdb.db, b.id, a.connection.id, { deleteData: true })).rejects.toMatchObject({ type: "not_found" });

    // Through the API wrapper, as the disconnect route does it.
    const handler = withUser(disconnectInputSchema, async ({ user, input }) => runDisconnect(tdb.db, user.id, input), {
      getUser: async () => ({ id: b.id, name: null, email: b.email }),
    });
    const res = await handler(
      new Request("http://localhost/api/xero/disconnect", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ tenantId: tenant.id, deleteData: true }) }),
    );
    expect(res.status).toBe(404);
    const text = await res.text();
    expect(JSON.parse(text)).toEqual({ error: { code: "not_found", message: "Organisation not found." } });
    expect(text).not.toContain(tenant.name);
    expect(text).not.toContain(tenant.xeroTenantId);

    const still = await tdb.db.select().from(xeroTenants).where(eq(xeroTenants.userId, a.user.id));
    expect(still.map((t) => t.status)).toEqual(["active", "active"]);
    // The connection summary never carries the encrypted token set.
    const summary = await getConnectionById(tdb.db, a.user.id, a.connection.id);
    expect(summary && "tokenSetEncrypted" in summary).toBe(false);
  });

  it("the route wrapper answers 401 without a session and 400 for bad input", async () => {
    const handler = withUser(z.object({ tenantId: z.uuid() }), async () => ({ ok: true }), { getUser: async () => null });
    const res = await handler(new Request("http://localhost/x?tenantId=abc"));
    expect(res.status).toBe(401);
    const user = await createUser(tdb.db, "z@example.com");
    const h2 = withUser(z.object({ tenantId: z.uuid() }), async () => ({ ok: true }), { getUser: async () => ({ id: user.id, name: null, email: null }) });
    const bad = await h2(new Request("http://localhost/x?tenantId=abc"));
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { details: { fieldErrors: Record<string, string[]> } } }).error.details.fieldErrors.tenantId).toBeTruthy();
  });
});

describe("disconnect", () => {
  it("one organisation, keeping its data: removed in Xero, marked disconnected, logged", async () => {
    const { user, connection, tenants } = await connected("d1@example.com");
    const [alpha, beta] = tenants as [typeof tenants[0], typeof tenants[0]];
    await addInvoice(alpha.id);
    await clearSimLog(sim);

    const result = await disconnectTenant(tdb.db, user.id, alpha.id);
    expect(result).toEqual({ removedInXero: true, dataDeleted: false });
    expect((await simLog(sim, "/connections/")).filter((e) => e.method === "DELETE")).toHaveLength(1);

    const { accessToken } = await getValidAccessToken(tdb.db, connection.id);
    const atXero = await listXeroConnections(accessToken);
    expect(atXero.map((c) => c.tenantId)).toEqual([beta.xeroTenantId]);

    const [row] = await tdb.db.select().from(xeroTenants).where(eq(xeroTenants.id, alpha.id));
    expect(row).toMatchObject({ status: "disconnected" });
    expect(row!.disconnectedAt).toBeInstanceOf(Date);
    expect(await tdb.db.select().from(invoices).where(eq(invoices.tenantId, alpha.id))).toHaveLength(1);
    const [log] = await tdb.db.select().from(xeroSessions).where(eq(xeroSessions.kind, "disconnect"));
    expect(log).toMatchObject({ outcome: "success", tenantId: alpha.id });

    // Connecting it again reactivates the same tenant row.
    await completeXeroConnect(tdb.db, user.id, (await startAndConsent(tdb.db, user.id, { tenants: "0" })).params);
    const [again] = await tdb.db.select().from(xeroTenants).where(eq(xeroTenants.id, alpha.id));
    expect(again).toMatchObject({ status: "active", disconnectedAt: null });
  });

  it("one organisation with its data: the tenant and its synced rows are deleted", async () => {
    const { user, tenants } = await connected("d2@example.com");
    const alpha = tenants[0]!;
    await addInvoice(alpha.id);
    const result = await disconnectTenant(tdb.db, user.id, alpha.id, { deleteData: true });
    expect(result.dataDeleted).toBe(true);
    expect(await tdb.db.select().from(xeroTenants).where(eq(xeroTenants.id, alpha.id))).toHaveLength(0);
    expect(await tdb.db.select().from(invoices)).toHaveLength(0);
    expect(await tdb.db.select().from(xeroSessions).where(eq(xeroSessions.kind, "disconnect"))).toHaveLength(1);
  });

  it("the whole grant: revoked at Xero, tokens forgotten, tenants disconnected, data kept", async () => {
    const { user, connection, tenants } = await connected("d3@example.com");
    await addInvoice(tenants[0]!.id);
    const refreshToken = decryptTokenSet(connection.id, connection.tokenSetEncrypted).refreshToken!;

    const result = await disconnectConnection(tdb.db, user.id, connection.id);
    expect(result).toEqual({ removedInXero: true, dataDeleted: false });
    const grants = await simControl<{ authEventId: string; revoked: boolean }[]>(sim, "GET", "/__sim/grants");
    expect(grants.find((g) => g.authEventId === connection.authEventId)?.revoked).toBe(true);

    const [row] = await tdb.db.select().from(xeroConnections).where(eq(xeroConnections.id, connection.id));
    expect(row).toMatchObject({ status: "revoked", tokenSetEncrypted: "" });
    expect(JSON.stringify(row)).not.toContain(refreshToken);
    const ts = await tdb.db.select().from(xeroTenants).where(eq(xeroTenants.connectionId, connection.id));
    expect(ts.every((t) => t.status === "disconnected")).toBe(true);
    expect(await tdb.db.select().from(invoices)).toHaveLength(1);

    const error = await getValidAccessToken(tdb.db, connection.id).catch((e: unknown) => e);
    expect(isXeroAuthError(error) && error.reason).toBe("revoked");
  });

  it("the whole grant with its data: everything of the connection is deleted, the log stays", async () => {
    const { user, connection, tenants } = await connected("d4@example.com");
    await addInvoice(tenants[0]!.id);
    await disconnectConnection(tdb.db, user.id, connection.id, { deleteData: true });
    expect(await tdb.db.select().from(xeroConnections)).toHaveLength(0);
    expect(await tdb.db.select().from(xeroTenants)).toHaveLength(0);
    expect(await tdb.db.select().from(invoices)).toHaveLength(0);
    const log = await tdb.db.select().from(xeroSessions).where(eq(xeroSessions.userId, user.id));
    expect(log.some((s) => s.kind === "disconnect" && s.outcome === "success")).toBe(true);
  });

  it("a grant that is already dead at Xero can still be disconnected locally", async () => {
    const { user, connection, tenants } = await connected("d5@example.com");
    await disconnectConnection(tdb.db, user.id, connection.id); // revoked
    const result = await disconnectTenant(tdb.db, user.id, tenants[1]!.id, { deleteData: true });
    expect(result.dataDeleted).toBe(true);
  });
});

describe("two people of this app sharing one Xero login", () => {
  // Xero keys its connection to an organisation by Xero user, app and organisation: both people's
  // grants read through the same one, and the latest consent owns it.
  async function tenantsAtXero(connectionId: string) {
    const { accessToken } = await getValidAccessToken(tdb.db, connectionId);
    return (await listXeroConnections(accessToken)).map((c) => c.tenantId).sort();
  }

  it("one's Disconnect of the whole grant leaves the other's access; the last one revokes", async () => {
    const b = await connected("share-b@example.com", "0,1");
    const a = await connected("share-a@example.com", "0,1,2"); // consents last: Xero's connections carry A's auth event
    const shared = b.tenants.map((t) => t.xeroTenantId).sort();
    const onlyA = a.tenants.find((t) => !shared.includes(t.xeroTenantId))!;
    await clearSimLog(sim);

    const result = await disconnectConnection(tdb.db, a.user.id, a.connection.id);
    expect(result).toEqual({ removedInXero: true, dataDeleted: false }); // A's own third organisation only
    expect((await simLog(sim, "/connect/revocation")).length).toBe(0);
    expect((await simLog(sim, "/connections/")).filter((e) => e.method === "DELETE").map((e) => e.path)).toEqual([`/connections/${onlyA.xeroConnectionId}`]);
    const grants = await simControl<{ authEventId: string; revoked: boolean }[]>(sim, "GET", "/__sim/grants");
    expect(grants.find((g) => g.authEventId === a.connection.authEventId)?.revoked).toBe(false);
    expect(await tenantsAtXero(b.connection.id)).toEqual(shared);
    const { accessToken } = await getValidAccessToken(tdb.db, b.connection.id);
    const res = await fetch(`${sim.url}/api.xro/2.0/Invoices`, { headers: { authorization: `Bearer ${accessToken}`, "xero-tenant-id": shared[0]!, accept: "application/json" } });
    expect(res.status).toBe(200);
    // A's side is gone locally either way, tokens included.
    const [rowA] = await tdb.db.select().from(xeroConnections).where(eq(xeroConnections.id, a.connection.id));
    expect(rowA).toMatchObject({ status: "revoked", tokenSetEncrypted: "" });
    const [log] = await tdb.db.select().from(xeroSessions).where(eq(xeroSessions.userId, a.user.id)).then((r) => r.filter((s) => s.kind === "disconnect"));
    expect(log?.detail).toMatchObject({ note: expect.stringMatching(/another user/) });

    // Nobody else holds B's organisations now: B's Disconnect revokes the grant at Xero.
    expect(await disconnectConnection(tdb.db, b.user.id, b.connection.id)).toEqual({ removedInXero: true, dataDeleted: false });
    const after = await simControl<{ authEventId: string; revoked: boolean }[]>(sim, "GET", "/__sim/grants");
    expect(after.find((g) => g.authEventId === b.connection.authEventId)?.revoked).toBe(true);
  });

  it("one's Disconnect of an organisation leaves it connected for the other, until the last one lets go", async () => {
    const b = await connected("share-d@example.com", "0,1");
    const a = await connected("share-c@example.com", "0,1");
    const orgA = a.tenants[0]!;
    await clearSimLog(sim);
    expect(await disconnectTenant(tdb.db, a.user.id, orgA.id)).toEqual({ removedInXero: false, dataDeleted: false });
    expect((await simLog(sim, "/connections/")).filter((e) => e.method === "DELETE")).toHaveLength(0);
    expect(await tenantsAtXero(b.connection.id)).toEqual(b.tenants.map((t) => t.xeroTenantId).sort());
    const [rowA] = await tdb.db.select().from(xeroTenants).where(eq(xeroTenants.id, orgA.id));
    expect(rowA!.status).toBe("disconnected");

    const orgB = b.tenants.find((t) => t.xeroTenantId === orgA.xeroTenantId)!;
    expect(await disconnectTenant(tdb.db, b.user.id, orgB.id)).toEqual({ removedInXero: true, dataDeleted: false });
    expect(await tenantsAtXero(b.connection.id)).not.toContain(orgA.xeroTenantId);
  });
});

describe("Xero takes access away", () => {
  it("403 for an organisation removed in Xero → the tenant is marked disconnected", async () => {
    const { connection, tenants } = await connected("x1@example.com");
    const alpha = tenants[0]!;
    const { accessToken } = await getValidAccessToken(tdb.db, connection.id);
    // Someone removes the organisation from the app in Xero.
    await fetch(`${sim.url}/connections/${alpha.xeroConnectionId}`, { method: "DELETE", headers: { authorization: `Bearer ${accessToken}` } });
    const res = await fetch(`${sim.url}/api.xro/2.0/Invoices`, { headers: { authorization: `Bearer ${accessToken}`, "xero-tenant-id": alpha.xeroTenantId, accept: "application/json" } });
    expect(res.status).toBe(403);

    expect(await recordTenantAccessLost(tdb.db, alpha.id)).toBe("disconnected");
    const [row] = await tdb.db.select().from(xeroTenants).where(eq(xeroTenants.id, alpha.id));
    expect(row).toMatchObject({ status: "disconnected" });
    expect(row!.statusReason).toMatch(/disconnected from the app in Xero/);
    const [beta] = await tdb.db.select().from(xeroTenants).where(eq(xeroTenants.id, tenants[1]!.id));
    expect(beta!.status).toBe("active");
  });

  it("403 for an organisation that is still granted → needs_reconnect", async () => {
    const { tenants } = await connected("x2@example.com");
    expect(await recordTenantAccessLost(tdb.db, tenants[0]!.id)).toBe("needs_reconnect");
  });
});

describe("Custom Connection (client_credentials)", () => {
  it("creates the service user, its connection and tenant once; refresh asks for a new client_credentials token", async () => {
    useCustomConnectionEnv(sim);
    const [a, b] = await Promise.all([ensureCustomConnection(tdb.db), ensureCustomConnection(tdb.db)]);
    expect(a!.connection.id).toBe(b!.connection.id);
    const again = await ensureCustomConnection(tdb.db);
    expect(again!.connection.id).toBe(a!.connection.id);

    const owners = await tdb.db.select().from(users);
    expect(owners.map((u) => u.email)).toEqual([DEFAULT_CUSTOM_CONNECTION_OWNER]);
    const connections = await tdb.db.select().from(xeroConnections);
    expect(connections).toHaveLength(1);
    expect(connections[0]).toMatchObject({ grantType: "client_credentials", xeroUserId: null, status: "active" });
    const tenants = await tdb.db.select().from(xeroTenants);
    expect(tenants.map((t) => t.name)).toEqual(["Alpha Ltd"]);

    await tdb.db.update(xeroConnections).set({ accessTokenExpiresAt: new Date(Date.now() + 10_000) });
    await clearSimLog(sim);
    const { accessToken } = await getValidAccessToken(tdb.db, a!.connection.id);
    expect(await simLog(sim, "/connect/token")).toHaveLength(1);
    const res = await fetch(`${sim.url}/api.xro/2.0/Contacts?page=1`, { headers: { authorization: `Bearer ${accessToken}`, "xero-tenant-id": tenants[0]!.xeroTenantId, accept: "application/json" } });
    expect(res.status).toBe(200);
    expect(decryptTokenSet(connections[0]!.id, connections[0]!.tokenSetEncrypted).refreshToken).toBeUndefined();
  });

  it("uses XERO_CUSTOM_CONNECTION_OWNER as the owner, and does nothing in authorization_code mode", async () => {
    useCustomConnectionEnv(sim, "Books@Example.com");
    await ensureCustomConnection(tdb.db);
    const owners = await tdb.db.select().from(users);
    expect(owners.map((u) => u.email)).toEqual(["books@example.com"]);
    useSimulatorEnv(sim);
    expect(await ensureCustomConnection(tdb.db)).toBeNull();
  });
});
