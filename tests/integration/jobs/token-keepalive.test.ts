/**
 * Token keep-alive (the workers' hourly upkeep): a connection whose refresh token is over 30 days
 * old is refreshed through the token store against the simulator (a new pair, rotated), younger
 * ones and ones needing a reconnect are left alone; the in-app scheduler's upkeep does it too.
 */
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { xeroConnections, xeroTenants } from "@/lib/db/schema";
import { keepIdleTokensAlive } from "@/lib/jobs/token-keepalive";
import { runHousekeeping } from "@/lib/sync/scheduler";
import { connectUser, createWorld, type Connected, type SyncWorld } from "../sync/harness";

const DAY = 86_400_000;

describe("jobs: token keep-alive", () => {
  let world: SyncWorld;
  let young: Connected;
  let lost: Connected;
  beforeAll(async () => {
    world = await createWorld([{ name: "Idle Org (UK)", invoices: 1, contacts: 1 }]);
    young = await connectUser(world.db.db, world.sim);
    lost = await connectUser(world.db.db, world.sim);
  });
  afterAll(() => world?.close());

  it("refreshes the connection idle for over 30 days, and only it", async () => {
    const db = world.db.db;
    const now = new Date();
    const set = (connectionId: string, values: Partial<typeof xeroConnections.$inferInsert>) => db.update(xeroConnections).set(values).where(eq(xeroConnections.id, connectionId));
    await set(world.user.connectionId, { refreshTokenIssuedAt: new Date(now.getTime() - 31 * DAY) });
    await set(young.connectionId, { refreshTokenIssuedAt: new Date(now.getTime() - 10 * DAY) });
    await set(lost.connectionId, { refreshTokenIssuedAt: new Date(now.getTime() - 45 * DAY), status: "needs_reconnect" });
    const before = await db.select().from(xeroConnections);

    expect(await keepIdleTokensAlive(db, now)).toEqual({ refreshed: 1, failed: 0 });

    const after = await db.select().from(xeroConnections);
    const row = (rows: typeof before, id: string) => rows.find((r) => r.id === id)!;
    expect(row(after, world.user.connectionId).refreshTokenIssuedAt!.getTime()).toBeGreaterThan(now.getTime() - 60_000);
    expect(row(after, world.user.connectionId).tokenSetEncrypted).not.toBe(row(before, world.user.connectionId).tokenSetEncrypted);
    for (const id of [young.connectionId, lost.connectionId]) expect(row(after, id)).toEqual(row(before, id));
    // Nothing is left idle: a second run finds none.
    expect(await keepIdleTokensAlive(db, now)).toEqual({ refreshed: 0, failed: 0 });
  });

  it("runs in the in-app scheduler's hourly upkeep too (PGlite has no workers), for a paused organisation as well", async () => {
    const db = world.db.db;
    const now = new Date();
    await db.update(xeroConnections).set({ refreshTokenIssuedAt: new Date(now.getTime() - 40 * DAY) }).where(eq(xeroConnections.id, young.connectionId));
    await db.update(xeroTenants).set({ syncPausedAt: now }).where(eq(xeroTenants.connectionId, young.connectionId));
    await runHousekeeping(db, { upkeep: false });
    const [idle] = await db.select().from(xeroConnections).where(eq(xeroConnections.id, young.connectionId));
    expect(idle!.refreshTokenIssuedAt!.getTime()).toBeLessThan(now.getTime() - 39 * DAY); // only the hourly upkeep refreshes
    await runHousekeeping(db, { upkeep: true });
    const [kept] = await db.select().from(xeroConnections).where(eq(xeroConnections.id, young.connectionId));
    expect(kept!.refreshTokenIssuedAt!.getTime()).toBeGreaterThan(now.getTime() - 60_000);
  });
});
