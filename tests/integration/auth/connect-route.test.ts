import { callRoute } from "@/tests/helpers/route"; // first: sets up Next's runtime for the route modules below
import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { sessions } from "@/lib/db/schema";
import { IDENTITY_SCOPES } from "@/lib/entities/scopes";
import type { RunningSimulator } from "@/lib/xero-simulator";
import { completeXeroConnect, startXeroConnect } from "@/lib/xero/connect-flow";
import { GET } from "@/app/api/xero/connect/route";
import type { TestDatabase } from "../../helpers/db";
import { APP_URL, consentAt, createUser, useSimulatorEnv as pointAppAt, withSimulatorAndDatabase } from "./helpers";

/** GET /api/xero/connect?reconnect=…: the overview's "Reconnect to add …", through the route handler. */

let tdb: TestDatabase;
let sim: RunningSimulator;
withSimulatorAndDatabase((w) => ({ tdb, sim } = w));

async function signedIn(userId: string): Promise<string> {
  const token = randomBytes(24).toString("hex");
  await tdb.db.insert(sessions).values({ sessionToken: token, userId, expires: new Date(Date.now() + 3_600_000) });
  return `next-auth.session-token=${token}`;
}

const get = (path: string, cookie: string) => callRoute(GET, new Request(`${APP_URL}${path}`, { headers: { cookie } }), tdb);

describe("GET /api/xero/connect?reconnect", () => {
  it("redirects to Xero asking for the missing scopes only; bad or foreign ids are refused", async () => {
    pointAppAt(sim, { XERO_SYNC_ENTITIES: "invoices" });
    const user = await createUser(tdb.db, "ann@example.com");
    const { connection } = await completeXeroConnect(tdb.db, user.id, await consentAt((await startXeroConnect(tdb.db, user.id)).url, { tenants: "0" }));
    pointAppAt(sim, { XERO_SYNC_ENTITIES: undefined });
    const cookie = await signedIn(user.id);

    const res = await get(`/api/xero/connect?reconnect=${connection.id}`, cookie);
    expect(res.status).toBe(302);
    const to = new URL(res.headers.get("location")!);
    expect(to.origin).toBe(sim.url);
    expect(to.searchParams.get("scope")).toBe([...IDENTITY_SCOPES, "accounting.contacts.read"].join(" "));

    expect((await get("/api/xero/connect?reconnect=not-a-uuid", cookie)).status).toBe(400);
    const other = await createUser(tdb.db, "bob@example.com");
    expect((await get(`/api/xero/connect?reconnect=${connection.id}`, await signedIn(other.id))).status).toBe(404);
  });
});
