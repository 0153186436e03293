import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@/tests/helpers/db";
import { seedUser } from "@/tests/helpers/seed-mirror";
import { createApiToken, hashToken, listApiTokens, revokeApiToken, userFromBearer } from "@/lib/api-tokens";
import { apiTokens } from "@/lib/db/schema";

/** Read-API bearer tokens: stored hashed, resolve to their user, die when revoked. */
let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(async () => {
  await t?.close();
});

describe("API tokens", () => {
  it("create → use → revoke", async () => {
    const u = await seedUser(t.db, { email: "api@example.test", name: "Api" });
    const other = await seedUser(t.db, { email: "other-api@example.test" });
    const { token, row } = await createApiToken(t.db, u.id, "  Reporting  ");
    expect(token).toMatch(/^xs_[A-Za-z0-9_-]{43}$/);
    expect(row.name).toBe("Reporting");
    // Only the hash is stored.
    const stored = await t.db.select().from(apiTokens);
    expect(stored.map((s) => s.tokenHash)).toEqual([hashToken(token)]);
    expect(JSON.stringify(stored)).not.toContain(token);

    expect(await userFromBearer(t.db, `Bearer ${token}`)).toEqual({ id: u.id, name: "Api", email: "api@example.test" });
    expect((await listApiTokens(t.db, u.id))[0]?.lastUsedAt).toBeInstanceOf(Date);
    for (const bad of [null, "", token, `Basic ${token}`, `Bearer ${token}x`, `Bearer xs_${"A".repeat(43)}`, "Bearer ' or 1=1 --"]) {
      expect(await userFromBearer(t.db, bad)).toBeNull();
    }
    expect(await revokeApiToken(t.db, other.id, row.id)).toBe(false); // not theirs
    expect(await revokeApiToken(t.db, u.id, row.id)).toBe(true);
    expect(await revokeApiToken(t.db, u.id, row.id)).toBe(false);
    expect(await userFromBearer(t.db, `Bearer ${token}`)).toBeNull();
  });
});
