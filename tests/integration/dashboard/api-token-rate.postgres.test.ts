import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@/tests/helpers/db";
import { seedUser } from "@/tests/helpers/seed-mirror";
import { checkBearer, createApiToken } from "@/lib/api-tokens";
import { openDatabase, type DatabaseHandle } from "@/lib/db";

/**
 * The rate limit is one budget per token whatever the number of processes: two connection pools
 * (as two app processes would hold) counting concurrently against one token let exactly the
 * limit through, none lost to a race. PostgreSQL only: PGlite is one process by design.
 */
let t: TestDatabase;
let second: DatabaseHandle;
beforeAll(async () => {
  t = await createTestDatabase();
  second = await openDatabase({ url: t.url!, max: 5 });
});
afterAll(async () => {
  await second?.close();
  await t?.close();
});

describe("API token rate limit across connections", () => {
  it("two pools share one window: N pass, the rest are refused, the counts add up", async () => {
    const u = await seedUser(t.db);
    const { token } = await createApiToken(t.db, u.id, { name: "shared" });
    const now = new Date();
    const limit = 20;
    const checks = await Promise.all(
      Array.from({ length: 30 }, (_, i) => checkBearer((i % 2 ? second : t).db, `Bearer ${token}`, { limit, now })),
    );
    const ok = checks.filter((c) => c.kind === "ok" && !c.rate.exceeded);
    expect(ok).toHaveLength(limit);
    expect(checks.filter((c) => c.kind === "ok" && c.rate.exceeded)).toHaveLength(10);
    // Every request had its own place in the window: remaining counts down without gaps or repeats.
    expect(ok.map((c) => (c.kind === "ok" ? c.rate.remaining : -1)).sort((a, b) => a - b)).toEqual(Array.from({ length: limit }, (_, i) => i));
    // The next request on either pool sees the same spent budget.
    expect(await checkBearer(second.db, `Bearer ${token}`, { limit, now })).toMatchObject({ kind: "ok", rate: { remaining: 0, exceeded: true } });
  });
});
