/**
 * The usage read model on the database: the app's egress this month (every organisation, and calls
 * about none), connected organisations across users, the reader's organisations only by name, the
 * 80 % warnings and the Xero-access countdown.
 */
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { xeroConnections, xeroUsageDays } from "@/lib/db/schema";
import { resetEnvCache } from "@/lib/env";
import { usageDay } from "@/lib/usage/meter";
import { getAppUsage, getOrgUsage, getUsageWarnings } from "@/lib/usage/read-model";
import { DEMO_CLIENT_ID } from "@/lib/xero-simulator";
import { connectUser, createWorld, type Connected, type SyncWorld } from "../sync/harness";

const DAY = 86_400_000;
const GB = 1024 ** 3;

describe("usage read model", () => {
  let world: SyncWorld;
  let other: Connected;
  beforeAll(async () => {
    world = await createWorld([{ name: "Alpha (UK)", invoices: 1, contacts: 1 }, { name: "Beta (NZ)", invoices: 1, contacts: 1 }]);
    other = await connectUser(world.db.db, world.sim);
    process.env.XERO_PLAN = "core";
    resetEnvCache();
  });
  afterAll(async () => {
    delete process.env.XERO_PLAN;
    resetEnvCache();
    await world?.close();
  });

  it("sums the month's bytes of the app, counts organisations once across users, names only the reader's, and warns at 80 %", async () => {
    const db = world.db.db;
    const now = new Date("2026-03-21T12:00:00Z");
    const [alpha, beta] = world.user.tenants;
    const lastMonth = "2026-02-28";
    await db.insert(xeroUsageDays).values([
      { day: usageDay(now), clientId: DEMO_CLIENT_ID, xeroTenantId: alpha!.xeroTenantId, calls: 4100, bytes: 6 * GB, dayLimitRemaining: 800, dayLimitSeenAt: now },
      { day: "2026-03-02", clientId: DEMO_CLIENT_ID, xeroTenantId: beta!.xeroTenantId, calls: 10, bytes: 2.5 * GB },
      { day: "2026-03-03", clientId: DEMO_CLIENT_ID, xeroTenantId: "", calls: 3, bytes: 0.5 * GB },
      { day: lastMonth, clientId: DEMO_CLIENT_ID, xeroTenantId: alpha!.xeroTenantId, calls: 1, bytes: 100 * GB },
      { day: usageDay(now), clientId: "another-app", xeroTenantId: alpha!.xeroTenantId, calls: 1, bytes: 100 * GB },
    ]);
    const usage = await getAppUsage(db, { id: world.user.userId }, now);
    expect(usage.plan.name).toBe("core");
    expect(usage.egress).toMatchObject({ used: 9 * GB, limit: 10 * GB, ratio: 0.9, warning: true, projectedWarning: true });
    expect(usage.connections).toMatchObject({ used: 2, limit: 50, warning: false });
    expect(usage.organisations.map((o) => o.name)).toEqual(["Alpha (UK)", "Beta (NZ)"]);
    expect(usage.organisations[0]!.calls).toMatchObject({ ours: 4100, xeros: 4200, quota: { used: 4200, warning: true } });

    const org = await getOrgUsage(db, { xeroTenantId: alpha!.xeroTenantId, connectionId: world.user.connectionId }, now);
    expect(org).toMatchObject({ bytesToday: 6 * GB, bytesThisMonth: 6 * GB, calls: { ours: 4100 } });

    // The other user sees the app's totals but only their own organisations by name (the same two, via their own rows).
    const theirs = await getAppUsage(db, { id: other.userId, tenantIds: [other.tenants[0]!.id] }, now);
    expect(theirs.egress.used).toBe(9 * GB);
    expect(theirs.organisations.map((o) => o.id)).toEqual([other.tenants[0]!.id]);

    const warnings = await getUsageWarnings(db, { id: world.user.userId }, now);
    expect(warnings.messages).toEqual([
      "Data from Xero this month is at 90 % of the Core plan's allowance.",
      "Alpha (UK) has used 84 % of today's 5000 calls.",
    ]);
    expect(warnings.expiring).toEqual([]);
  });

  it("counts down a connection whose refresh token is 50 days old", async () => {
    const db = world.db.db;
    const now = new Date();
    await db.update(xeroConnections).set({ refreshTokenIssuedAt: new Date(now.getTime() - 50 * DAY) }).where(eq(xeroConnections.id, world.user.connectionId));
    const { expiring } = await getUsageWarnings(db, { id: world.user.userId }, now);
    expect(expiring.map((e) => [e.name, e.token.daysLeft])).toEqual([
      ["Alpha (UK)", 10],
      ["Beta (NZ)", 10],
    ]);
    expect((await getUsageWarnings(db, { id: other.userId }, now)).expiring).toEqual([]);
  });
});
