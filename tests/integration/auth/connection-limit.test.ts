import { callRoute } from "@/tests/helpers/route"; // first: sets up Next's runtime for the route modules below
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sessions, xeroTenants } from "@/lib/db/schema";
import { startSimulator, type RunningSimulator } from "@/lib/xero-simulator";
import { countConnectedOrganisations } from "@/lib/usage/read-model";
import { completeXeroConnect, startXeroConnect } from "@/lib/xero/connect-flow";
import { GET as callback } from "@/app/api/xero/callback/route";
import { createTestDatabase, type TestDatabase } from "../../helpers/db";
import { APP_URL, CALLBACK_URL, consentAt, createUser, useSimulatorEnv } from "./helpers";

/**
 * Xero's connection cap at consent, end to end: the simulator holds the app to the Starter plan's
 * five organisations (counted across users), refuses a sixth at consent, and our callback sends
 * the person to the connection-limit page; a reconnect of connected organisations still works.
 */

let tdb: TestDatabase;
let sim: RunningSimulator;
beforeAll(async () => {
  const tenants = ["One", "Two", "Three", "Four", "Five", "Six"].map((n) => ({ name: `${n} Ltd`, invoices: 1, contacts: 1 }));
  sim = await startSimulator({ port: 0, tenants, demoRedirectUris: [CALLBACK_URL], limits: false, connectionLimit: 5 });
  useSimulatorEnv(sim, { XERO_PLAN: "starter" });
  tdb = await createTestDatabase();
});
afterAll(async () => {
  await tdb?.close();
  await sim?.close();
});

async function signedIn(userId: string): Promise<string> {
  const token = randomBytes(24).toString("hex");
  await tdb.db.insert(sessions).values({ sessionToken: token, userId, expires: new Date(Date.now() + 3_600_000) });
  return `next-auth.session-token=${token}`;
}

describe("connection cap at consent", () => {
  it("a sixth organisation is refused by Xero and lands on the connection-limit page; reconnecting connected ones works", async () => {
    const ann = await createUser(tdb.db, "ann@example.com");
    const bob = await createUser(tdb.db, "bob@example.com");
    await completeXeroConnect(tdb.db, ann.id, await consentAt((await startXeroConnect(tdb.db, ann.id)).url, { user: "0", tenants: "0,1,2" }));
    await completeXeroConnect(tdb.db, bob.id, await consentAt((await startXeroConnect(tdb.db, bob.id)).url, { user: "1", tenants: "2,3,4" }));
    // Organisation 2 is connected by both users and counts once.
    expect(await countConnectedOrganisations(tdb.db)).toBe(5);

    const params = await consentAt((await startXeroConnect(tdb.db, bob.id)).url, { user: "1", tenants: "5" });
    expect(params.error).toBe("access_denied");
    const res = await callRoute(callback, new Request(`${CALLBACK_URL}?${new URLSearchParams(params)}`, { headers: { cookie: await signedIn(bob.id) } }), tdb);
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe(`${APP_URL}/connect-error?reason=connection_limit`);
    expect(await countConnectedOrganisations(tdb.db)).toBe(5);
    expect((await tdb.db.select().from(xeroTenants)).length).toBe(6);

    // At the cap, a reconnect of organisations already connected is granted.
    const again = await completeXeroConnect(tdb.db, ann.id, await consentAt((await startXeroConnect(tdb.db, ann.id)).url, { user: "0", tenants: "0,1,2" }));
    expect(again.reconnected).toBe(true);
    expect(again.tenants).toHaveLength(3);
  });

  it("a consent declined below the cap is still 'access denied'", async () => {
    await tdb.truncate();
    const cy = await createUser(tdb.db, "cy@example.com");
    await sim.close().catch(() => {});
    sim = await startSimulator({ port: 0, demoRedirectUris: [CALLBACK_URL], limits: false, connectionLimit: 5 });
    useSimulatorEnv(sim, { XERO_PLAN: "starter" });
    const params = await consentAt((await startXeroConnect(tdb.db, cy.id)).url, { deny: true });
    const res = await callRoute(callback, new Request(`${CALLBACK_URL}?${new URLSearchParams(params)}`, { headers: { cookie: await signedIn(cy.id) } }), tdb);
    expect(res.headers.get("location")).toBe(`${APP_URL}/connect-error?reason=access_denied`);
  });
});
